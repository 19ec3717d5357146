/**
 * Secret access keys: exactly 40 base64 characters, flagged only in an AWS context — an AWS secret
 * keyword just before the value on its line, or a real access key id within 3 lines — and only with
 * the character mix and entropy of random key material (hex SHAs, identifiers and paths fall short).
 */
import type { Rule, RuleMatch, RuleState } from '../engine/types';
import { KEY_ID_PREFIXES, keyIdAt } from './access-key-id';
import { DOC_EXAMPLE_SECRET, isDocExample, isFiller } from './placeholders';
import { sampleKeyId, sampleSecret } from './samples';
import { charStats, isBase64, lineWindow, runEnd, runStart } from './char-scan';

const LENGTH = 40;
/** Below the 0.01st percentile of random 40-character base64 (simulated), above hex and most identifiers. */
const MIN_ENTROPY = 4.25;
const CONTEXT_LINES = 3;
const CONTEXT_CHARS = 1500;
/**
 * How far after the keyword the value may be: the rest of its line and the next one, for YAML lists
 * such as `- name: AWS_SECRET_ACCESS_KEY` / `  value: …`.
 */
const VALUE_LINES = 1;
const VALUE_REACH = 300;
const AWS_SECRET_KEYWORD = /(?:aws|amazon)[\w.-]{0,20}secret|secret[_\-. ]?(?:access[_\-. ]?)?key(?![a-z])/;
/**
 * In AWS context but named as something else (`client_secret: …`, `csrf_token = …`): not a secret
 * key. Checked only in the text just before the value on its line.
 */
const OTHER_NAMES = [
  ...['client', 'csrf', 'xsrf', 'token', 'password', 'passwd', 'pwd', 'hash', String.raw`sha\d*`],
  ...['checksum', 'integrity', 'nonce', 'salt', 'signature', 'webhook'],
].join('|');
const OTHER_LABEL = new RegExp(String.raw`(?:${OTHER_NAMES})[\w-]*["'\x60]?\s*(?:[:=]|=>)\s*["'\x60]?$`, 'i');
const LABEL_REACH = 60;
/**
 * Connection strings (JDBC, ODBC: `User=<key id>;Password=<secret>`, `UID=…;PWD=…`) name the secret a
 * password: with an access key id earlier on the line, a password label does not say "another kind".
 */
const PASSWORD_LABEL = /(?:password|passwd|pwd)[\w-]*["'\x60]?\s*(?:[:=]|=>)\s*["'\x60]?$/i;
const KEY_ID_ON_LINE = /(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?![A-Za-z0-9])/;
const CONNECTION_REACH = 300;

export function looksLikeSecretKey(value: string): boolean {
  return (
    /[A-Z]/.test(value) &&
    /[a-z]/.test(value) &&
    /[0-9+/]/.test(value) &&
    !isDocExample(value) &&
    !isFiller(value) &&
    charStats(value).entropy >= MIN_ENTROPY
  );
}

/** The text before `start` on its line, at most `reach` characters of it. */
function lineBefore(text: string, start: number, reach: number): string {
  const before = text.slice(Math.max(0, start - reach), start);
  return before.slice(before.lastIndexOf('\n') + 1);
}

/** True when the text just before `start` on its line names the value as another kind of secret (OTHER_LABEL). */
function labelledOtherwise(text: string, start: number): boolean {
  const label = lineBefore(text, start, LABEL_REACH);
  if (!OTHER_LABEL.test(label)) return false;
  return !(PASSWORD_LABEL.test(label) && KEY_ID_ON_LINE.test(lineBefore(text, start, CONNECTION_REACH)));
}

/**
 * Emits every 40-character base64 token in [from, to) not examined yet. Tokens crossing `to` are
 * examined whole, so `state.scannedTo` only moves forward and the rule stays linear.
 */
function scanRegion(text: string, from: number, to: number, state: RuleState, out: RuleMatch[]): void {
  let i = Math.max(from, state.scannedTo);
  const begin = runStart(text, i, isBase64, LENGTH + 1);
  if (begin < i && begin >= state.scannedTo && i - begin <= LENGTH) i = begin;
  else if (begin < i) i = runEnd(text, i, isBase64);
  while (i < to) {
    if (!isBase64(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const end = runEnd(text, i, isBase64, LENGTH + 1);
    if (end - i === LENGTH && text.charCodeAt(end) !== 61 /* = */) {
      const value = text.slice(i, end);
      if (looksLikeSecretKey(value) && !labelledOtherwise(text, i)) out.push({ start: i, end, value });
      i = end;
    } else {
      i = runEnd(text, end, isBase64);
    }
  }
  state.scannedTo = Math.max(state.scannedTo, i);
}

export const secretAccessKeyRule: Rule = {
  id: 'aws-secret-access-key',
  kind: 'aws-secret-access-key',
  severity: 'critical',
  title: 'AWS secret access key',
  triggers: KEY_ID_PREFIXES,
  keywords: ['secret'],
  match(text, at, trigger, state) {
    const out: RuleMatch[] = [];
    if (trigger === 'secret') {
      const around = text.slice(Math.max(0, at - 24), at + 40).toLowerCase();
      if (!AWS_SECRET_KEYWORD.test(around)) return out;
      const [, to] = lineWindow(text, at, VALUE_LINES, VALUE_REACH);
      scanRegion(text, at, to, state, out);
    } else if (keyIdAt(text, at)) {
      const [from, to] = lineWindow(text, at, CONTEXT_LINES, CONTEXT_CHARS);
      scanRegion(text, from, to, state, out);
    }
    return out;
  },
  samples() {
    const secret = sampleSecret('secret-access-key');
    const keyId = sampleKeyId('AKIA', 'secret-access-key');
    return {
      positive: [
        `[default]\naws_access_key_id = ${keyId}\naws_secret_access_key = ${secret}\n`,
        `AWS_SECRET_ACCESS_KEY="${secret}"`,
        `{"AccessKeyId": "${sampleKeyId('ASIA', 's')}", "SecretAccessKey": "${secret}"}`,
        `new AWS.Credentials({ accessKeyId: key, secretAccessKey: '${secret}' })`,
        `Access key ID,Secret access key\r\n${keyId},${secret}\r\n`,
        `aws:\n  secret_key: ${secret}\n`,
        `env:\n  - name: AWS_SECRET_ACCESS_KEY\n    value: "${secret}"\n`,
        `jdbc:redshift://host:5439/db;User=${keyId};Password=${secret}`,
        `Driver={Simba Athena};AwsRegion=us-east-1;UID=${keyId};PWD=${secret};`,
        `s3://${keyId}:${secret}@bucket/path`,
      ],
      negative: [
        `aws_secret_access_key = ${DOC_EXAMPLE_SECRET}`,
        `commit = ${'0123456789abcdef'.repeat(3).slice(0, 40)}`,
        `random = ${secret}`,
        `client_secret = ${secret}`,
        `aws_access_key_id = ${keyId}\nclient_secret: ${secret}`,
        `aws_secret_access_key = ${secret}Zq==`,
        'aws_secret_access_key = ${AWS_SECRET_ACCESS_KEY}',
        'aws_secret_access_key = os.environ["AWS_SECRET_ACCESS_KEY"]',
        'secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY',
        `aws_secret_access_key = ${'x'.repeat(40)}`,
        `${keyId}\n\n\n\n\nfar away: ${secret}`,
        `aws_secret_access_key: x\n\n\ntwo lines further: ${secret}`,
        `valueFrom: { secretKeyRef: aws }\ncsrf_token = "${secret}"`,
        `aws_access_key_id = ${keyId}\ndb_password = ${secret}`,
        `aws_secret_access_key = ${'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijkl'}+/`,
      ],
    };
  },
};
