/**
 * Corpus templates for Detection v2 (issue 13): credentials encoded (base64, URL, JSON escapes) or
 * embedded (URL userinfo, JDBC/ODBC, presigned URLs, service URLs, AWS config, .tfstate, names that
 * carry the kind), and the look-alikes that must stay silent (words in the key alphabet, patterned
 * placeholders, documentation account variants, harmless encoded text).
 */
import type { Template } from './corpus';
import { fakeAccessKeyId, fakeAccountId, fakeSecretAccessKey, fakeSessionToken } from './fake-keys';

type Random = () => number;

const b64 = (s: string) => Buffer.from(s, 'latin1').toString('base64');
const url = (s: string) => encodeURIComponent(s);
const pick = <T>(r: Random, items: readonly T[]): T => items[Math.floor(r() * items.length)] as T;
/** A secret that surely has a `/` (and a `+`), so that encoding it changes it. */
const slashed = (r: Random) => {
  const s = fakeSecretAccessKey(r);
  return `${s.slice(0, 13)}/${s.slice(14, 27)}+${s.slice(28)}`;
};
const key = (r: Random, prefix: 'AKIA' | 'ASIA' = 'AKIA') => fakeAccessKeyId(prefix, r);

export const SHAPE_TEMPLATES: Template[] = [
  (r) => {
    const [id, secret, account] = [key(r), fakeSecretAccessKey(r), fakeAccountId(r)];
    return {
      ext: '.yaml',
      block: [
        'apiVersion: v1\nkind: Secret\nmetadata:\n  name: aws\ntype: Opaque\ndata:',
        `  AWS_ACCESS_KEY_ID: ${b64(id)}\n  AWS_SECRET_ACCESS_KEY: ${b64(secret)}\n  AWS_ACCOUNT_ID: ${b64(account)}`,
      ].join('\n'),
      expected: [
        { kind: 'aws-access-key-id', value: id },
        { kind: 'aws-secret-access-key', value: secret },
        { kind: 'aws-account-id', value: account },
      ],
    };
  },
  (r) => {
    const [id, secret] = [key(r), slashed(r)];
    const env = `# ci\nAWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${secret}\nAWS_REGION=eu-west-1\n`;
    return {
      ext: '.yml',
      block: `variables:\n  DOTENV_B64: "${b64(env)}"`,
      expected: [
        { kind: 'aws-access-key-id', value: id },
        { kind: 'aws-secret-access-key', value: secret },
      ],
    };
  },
  (r) => {
    const [id, secret] = [key(r), slashed(r)];
    return {
      ext: '.sh',
      block: `curl https://api.example.com/c \\\n  -d "aws_access_key_id=${id}&aws_secret_access_key=${url(secret)}"`,
      expected: [
        { kind: 'aws-access-key-id', value: id },
        { kind: 'aws-secret-access-key', value: secret },
      ],
    };
  },
  (r) => {
    const [id, token] = [key(r, 'ASIA'), fakeSessionToken(r, 500)];
    const query = `X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${id}%2F20261126%2Fus-east-1%2Fs3%2Faws4_request`;
    return {
      ext: '.log',
      block: `GET https://bucket.s3.amazonaws.com/r.csv?${query}&X-Amz-Security-Token=${url(token)}&X-Amz-Date=1`,
      expected: [
        { kind: 'aws-access-key-id', value: id },
        { kind: 'aws-session-token', value: token },
      ],
    };
  },
  (r) => {
    const [id, secret] = [key(r), slashed(r)];
    const escaped = pick(r, ['\\/', '\\u002F']);
    return {
      ext: '.json',
      block: `{"aws":{"key":"${id}","secret_access_key":"${secret.replaceAll('/', escaped)}"}}`,
      expected: [
        { kind: 'aws-access-key-id', value: id },
        { kind: 'aws-secret-access-key', value: secret },
      ],
    };
  },
  (r) => {
    const [id, secret] = [key(r), slashed(r)];
    return {
      ext: '.conf',
      block: `backup_target = s3://${id}:${url(secret)}@backups.example.com/nightly`,
      expected: [
        { kind: 'aws-access-key-id', value: id },
        { kind: 'aws-secret-access-key', value: secret },
      ],
    };
  },
  (r) => {
    const [id, secret] = [key(r), fakeSecretAccessKey(r)];
    const string = pick(r, [
      `jdbc:awsathena://AwsRegion=us-east-1;AwsAccessKeyId=${id};AwsSecretAccessKey=${secret};S3OutputLocation=s3://q/`,
      `jdbc:redshift://cluster.example:5439/dev;User=${id};Password=${secret}`,
      `Driver={Simba Athena ODBC Driver};AwsRegion=eu-west-1;UID=${id};PWD=${secret};`,
    ]);
    return {
      ext: '.properties',
      block: `connection.url=${string}`,
      expected: [
        { kind: 'aws-access-key-id', value: id },
        { kind: 'aws-secret-access-key', value: secret },
      ],
    };
  },
  (r) => {
    const [a, b, c] = [fakeAccountId(r), fakeAccountId(r), fakeAccountId(r)];
    return {
      ext: '.json',
      block: [
        `{"QueueUrl": "https://sqs.eu-central-1.amazonaws.com/${a}/orders",`,
        ` "Image": "${b}.dkr.ecr.eu-central-1.amazonaws.com/api:4",`,
        ` "Condition": {"StringEquals": {"aws:SourceAccount": "${c}"}}}`,
      ].join('\n'),
      expected: [a, b, c].map((value) => ({ kind: 'aws-account-id' as const, value })),
    };
  },
  (r) => {
    const [sso, role] = [fakeAccountId(r), fakeAccountId(r)];
    return {
      ext: '',
      block: [
        `[profile dev]\nsso_start_url = https://example.awsapps.com/start\nsso_account_id = ${sso}`,
        `sso_role_name = Developer\n\n[profile deploy]\nsource_profile = dev`,
        `role_arn = arn:aws:iam::${role}:role/deploy`,
      ].join('\n'),
      expected: [
        { kind: 'aws-account-id', value: sso },
        { kind: 'aws-account-id', value: role },
      ],
    };
  },
  (r) => {
    const [id, secret, token] = [key(r, 'ASIA'), fakeSecretAccessKey(r), fakeSessionToken(r)];
    return {
      ext: '.json',
      block: JSON.stringify({ Version: 1, AccessKeyId: id, SecretAccessKey: secret, SessionToken: token }),
      expected: [
        { kind: 'aws-access-key-id', value: id },
        { kind: 'aws-secret-access-key', value: secret },
        { kind: 'aws-session-token', value: token },
      ],
    };
  },
  (r) => {
    const [id, secret] = [key(r), fakeSecretAccessKey(r)];
    const attributes = { create_date: '2026-01-01T00:00:00Z', id, key_fingerprint: null, pgp_key: null, secret };
    return {
      ext: '.tfstate',
      block: JSON.stringify({ resources: [{ type: 'aws_iam_access_key', instances: [{ attributes }] }] }, null, 2),
      expected: [
        { kind: 'aws-access-key-id', value: id },
        { kind: 'aws-secret-access-key', value: secret },
      ],
    };
  },
  (r) => {
    const [prod, staging, other] = [fakeAccountId(r), fakeAccountId(r), fakeAccountId(r)];
    return {
      ext: '.ts',
      block: [
        `export const PROD_ACCOUNT_ID =\n  '${prod}';`,
        `const stagingAccountId = "${staging}";\nconst cfg = { accountNumber: ${other} };`,
      ].join('\n'),
      expected: [prod, staging, other].map((value) => ({ kind: 'aws-account-id' as const, value })),
    };
  },
  (r) => {
    const account = fakeAccountId(r);
    return {
      ext: '.yaml',
      block: `Parameters:\n  TargetAccountId:\n    Type: String\n    Default: "${account}"`,
      expected: [{ kind: 'aws-account-id', value: account }],
    };
  },
  // Hard negatives only.
  () => ({
    ext: '.ts',
    block: [
      `enum Regions { ${['ASIA', 'PACIFIC', 'REGIONS', 'XY'].join('')} = 1,`,
      `  ${['ASIA', 'SOUTH', 'EAST', 'REGION', 'ZONE'].join('')} = 2 }`,
      `const placeholder = 'AKIA${'1234567890ABCDEF'}';\nconst also = 'AKIA${'ABCDEFGHJKLMNOPQ'}';`,
      `aws_secret_access_key = "${'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef'}01234567"`,
      `aws_secret_access_key = "${'Xy7/'.repeat(10)}"`,
    ].join('\n'),
    expected: [],
  }),
  () => ({
    ext: '.rst',
    block: [
      'The account ``123456789013`` trusts ``123456789111``; see account_id = 210987654321.',
      'aws_account_id = 555566667777\nowner account: 123412341234',
    ].join('\n'),
    expected: [],
  }),
  (r) => ({
    ext: '.yaml',
    block: [
      `data:\n  README: ${b64(`This service reads its settings from the environment (${fakeAccountId(r)}).`)}`,
      `  search: https://example.com/?q=${url('rotate keys / secrets + best practice')}`,
      `  path: "${'/usr/local/share/app/config.json'.replaceAll('/', '\\/')}"`,
      `  customer_account_number: ${fakeAccountId(r)}`,
    ].join('\n'),
    expected: [],
  }),
];
