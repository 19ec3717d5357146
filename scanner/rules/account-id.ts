/**
 * Account ids: 12 digits inside an ARN (any partition), in an ECR registry or console sign-in host, an SQS queue URL,
 * or assigned to an
 * account-id name (`aws_account_id = …`, `"AccountId": …`, `<AccountId>…`, `--account-id …`, with
 * or without dashes 1234-5678-9012). A bare 12-digit number is never enough: phone numbers,
 * timestamps and order ids look the same.
 */
import type { Rule, RuleMatch } from '../engine/types';
import { isPlaceholderAccount } from './placeholders';
import { ELB_LOG_DELIVERY_ACCOUNTS } from './service-accounts';
import { sampleAccountId } from './samples';
import { isAlnum } from './char-scan';

const ARN =
  /arn:(?:aws(?:-[a-z]{1,10}){0,3}|\$\{[^}\n]{1,60}\}):[a-z0-9-]{0,64}:[a-z0-9-]{0,32}:(\d{12})(?![0-9A-Za-z])/y;
/**
 * Host names that start with the account id — ECR registries, console sign-in links — found from
 * their `amazon` (a rare trigger, cheap to search for), looking back at most 80 characters.
 */
const HOST_BEFORE_AMAZON = /(?:^|[^0-9A-Za-z])(\d{12})\.(?:dkr\.ecr(?:-fips)?\.[a-z0-9-]{1,30}\.|signin\.aws\.)$/;
const HOST_LOOKBACK = 80;
/** URLs whose path starts with the account: SQS queues `https://sqs.<region>.amazonaws.com/<account>/<queue>`. */
const PATH_AFTER_AMAZON = /amazonaws\.com(?:\.cn)?\/(\d{12})\//y;
const NEXT_LINE = String.raw`\r?\n[ \t]{0,40}`;
/** CloudFormation lines between a parameter's name and its `Default:`. */
const CFN_LINE = String.raw`(?:type|description)[ \t]{0,4}:[^\n]{0,80}${NEXT_LINE}`;
/**
 * From just after `account`: rest of the name, quotes, separator, an optional list bracket, the id.
 * After an explicit separator the value may be on the next line (`PROD_ACCOUNT_ID =` / `  "…"`), also
 * under a CloudFormation `Value:` or `Default:` (`AccountId:` / `  Value: …`, a parameter's `Type:` between).
 */
const ASSIGNED = new RegExp(
  [
    String.raw`([_\-. ]?(?:ids?|numbers?|num|no))?["'\x60]?`, // rest of the name, closing quote
    String.raw`[ \t]{0,8}(?:(?:=>|:=|[:=>])[ \t]{0,8}`, // explicit separator
    String.raw`(?:${NEXT_LINE}(?:${CFN_LINE}){0,2}(?:(?:value|default)[ \t]{0,4}:[ \t]{0,8})?)?|(?=[ \t])[ \t]{0,8})`,
    String.raw`\[?[ \t]{0,8}["'\x60]?(\d{4}-?\d{4}-?\d{4})(?![\d-])`, // list bracket, opening quote, id
  ].join(''),
  'iy',
);
/** Further ids of a list: `, "<12 digits>"`. */
const LIST_NEXT = /["'`]?[ \t]*,[ \t]*["'`]?(\d{4}-?\d{4}-?\d{4})(?![\d-])/y;
/**
 * What may stand before `account` in the name: nothing, something AWS-ish (`aws_`, IAM condition keys
 * `aws:SourceAccount`, `sso_`), an AWS list name, or an environment (`PROD_ACCOUNT_ID`,
 * `stagingAccountId`). Not any word: `bank_account`, `customer_account_number` hold other numbers.
 */
const ENVIRONMENTS = 'prod|production|staging|stage|dev|development|test|qa|sandbox|shared|security|audit|log|logging';
const NAME_PREFIX = new RegExp(
  String.raw`^(?:(?:.*[_.:-])?(?:aws|amazon|sso)|aws:(?:source|principal|resource)|allowed|trusted|target|source|` +
    String.raw`management|member|root|caller|owner|(?:.*[_.:-])?(?:${ENVIRONMENTS}))?[_\-. :]{0,2}$`,
);
const MAX_LIST = 100;

function accountMatch(start: number, raw: string): RuleMatch | undefined {
  const value = raw.replace(/-/g, '');
  if (isPlaceholderAccount(value) || ELB_LOG_DELIVERY_ACCOUNTS.has(value)) return undefined;
  return { start, end: start + raw.length, value };
}

function namePrefix(text: string, at: number): string {
  let i = at;
  while (i > 0 && at - i < 40 && /[A-Za-z0-9_.:-]/.test(text.charAt(i - 1))) i--;
  return text
    .slice(i, at)
    .toLowerCase()
    .replace(/^[_.:-]+/, '');
}

function assigned(text: string, at: number): RuleMatch[] {
  if (!NAME_PREFIX.test(namePrefix(text, at))) return [];
  ASSIGNED.lastIndex = at + 'account'.length;
  const first = ASSIGNED.exec(text);
  if (!first?.[2]) return [];
  const out: RuleMatch[] = [];
  let raw = first[2];
  let end = ASSIGNED.lastIndex;
  for (let n = 0; n < MAX_LIST; n++) {
    const found = accountMatch(end - raw.length, raw);
    if (found) out.push(found);
    LIST_NEXT.lastIndex = end;
    const next = LIST_NEXT.exec(text);
    if (!next?.[1]) break;
    raw = next[1];
    end = LIST_NEXT.lastIndex;
  }
  return out;
}

function inArn(text: string, at: number): RuleMatch[] {
  if (at > 0 && isAlnum(text.charCodeAt(at - 1))) return [];
  ARN.lastIndex = at;
  const m = ARN.exec(text);
  if (!m?.[1]) return [];
  const found = accountMatch(ARN.lastIndex - 12, m[1]);
  return found ? [found] : [];
}

function inHost(text: string, at: number): RuleMatch[] {
  PATH_AFTER_AMAZON.lastIndex = at;
  const path = PATH_AFTER_AMAZON.exec(text);
  if (path?.[1]) {
    const found = accountMatch(PATH_AFTER_AMAZON.lastIndex - 13, path[1]);
    return found ? [found] : [];
  }
  const from = Math.max(0, at - HOST_LOOKBACK);
  const m = HOST_BEFORE_AMAZON.exec(text.slice(from, at));
  if (!m?.[1]) return [];
  const start = from + m.index + m[0].indexOf(m[1]);
  const found = accountMatch(start, m[1]);
  return found ? [found] : [];
}

export const accountIdRule: Rule = {
  id: 'aws-account-id',
  kind: 'aws-account-id',
  severity: 'medium',
  title: 'AWS account id',
  triggers: ['arn:', 'amazon'],
  keywords: ['account'],
  match(text, at, trigger) {
    if (trigger === 'arn:') return inArn(text, at);
    return trigger === 'amazon' ? inHost(text, at) : assigned(text, at);
  },
  samples() {
    const id = sampleAccountId('account-id');
    const other = sampleAccountId('account-id-2');
    const dashed = `${id.slice(0, 4)}-${id.slice(4, 8)}-${id.slice(8)}`;
    return {
      positive: [
        `role_arn = "arn:aws:iam::${id}:role/deploy"`,
        `"Resource": "arn:aws-cn:s3:::bucket", "Principal": "arn:aws-us-gov:iam::${id}:root"`,
        `arn:aws-iso-b:sqs:us-isob-east-1:${id}:queue`,
        `arn:\${Partition}:lambda:us-east-1:${id}:function:f`,
        `aws_account_id = "${id}"`,
        `AWS_ACCOUNT_ID=${dashed}`,
        `{"UserId": "x", "Account": "${id}", "Arn": "x"}`,
        `AccountId: '${id}'`,
        `<AccountId>${id}</AccountId>`,
        `aws sts assume-role --account-id ${id}`,
        `allowed_account_ids = ["${other}", "${id}"]`,
        `FROM ${id}.dkr.ecr.eu-west-1.amazonaws.com/app:1.2`,
        `bob,,https://${id}.signin.aws.amazon.com/console`,
        `queue_url = "https://sqs.us-east-1.amazonaws.com/${id}/jobs"`,
        `"Condition": {"StringEquals": {"aws:SourceAccount": "${id}"}}`,
        `[profile dev]\nsso_account_id = ${id}\nsso_role_name = Admin`,
        `PROD_ACCOUNT_ID = "${id}"`,
        `const stagingAccountId =\n  '${id}';`,
        `Outputs:\n  AccountId:\n    Value: "${id}"`,
      ],
      negative: [
        'role_arn = "arn:aws:iam::123456789012:role/deploy"',
        'account_id = "111122223333"',
        'account_id = 999999999999',
        'arn:aws:s3:::my-bucket/key',
        'arn:aws:iam::${data.aws_caller_identity.current.account_id}:role/x',
        `phone: +1 ${id.slice(0, 3)} ${id.slice(3, 6)} ${id.slice(6, 10)}`,
        `timestamp = ${id}345`,
        `order_id = ${id}`,
        `bank_account = ${id}`,
        `account_id = ${id}0`,
        `yarn:aws:iam::${id}:x`,
        `build ${id} finished`,
        `account_balance = ${id}`,
        `FROM ${id}.dkr.ecr.example.com/app`,
        `customer_account_number = ${id}`,
        `account:\n\n  ${id}`,
        `https://sqs.us-east-1.amazonaws.com/${id}0/jobs`,
        'account_id = 123456789013',
        'account_id = 210987654321',
        'account_id = 999988887777',
        'account_id = 123412341234',
      ],
    };
  },
};
