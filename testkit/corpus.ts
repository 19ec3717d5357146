/**
 * A labelled corpus for precision/recall: files in many formats holding generated credentials
 * (labelled) among hard negatives (SHAs, UUIDs, random base64, phone numbers, timestamps, order ids,
 * placeholders, documentation examples, unique ids, JWTs). Seeded, so a run is reproducible.
 * Used by the corpus test (quality floor) and bench/scanner.bench.ts (the printed table).
 */
import { FINDING_KINDS, type FindingKind } from '../contracts/finding';
import { fingerprint } from '../scanner/engine/mask';
import { DOC_EXAMPLE_KEY_ID as DOC_KEY_ID, DOC_EXAMPLE_SECRET as DOC_SECRET } from '../scanner/rules/placeholders';
import { SHAPE_TEMPLATES } from './corpus-shapes';
import {
  fakeAccessKeyId,
  fakeAccountId,
  fakeMwsKey,
  fakeSecretAccessKey,
  fakeSessionToken,
  fakeUniqueId,
  makeRandom,
} from './fake-keys';

export interface Expected {
  kind: FindingKind;
  value: string;
}
export interface LabelledFile {
  path: string;
  content: string;
  expected: Expected[];
}

type Random = () => number;

function pick<T>(r: Random, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)] as T;
}
function chars(r: Random, alphabet: string, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(r() * alphabet.length)];
  return s;
}
const hex = (r: Random, n: number) => chars(r, '0123456789abcdef', n);
const b64 = (r: Random, n: number) => chars(r, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', n);
const uuid = (r: Random) => `${hex(r, 8)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 12)}`;
const digits = (r: Random, n: number) => String(1 + Math.floor(r() * 9)) + chars(r, '0123456789', n - 1);
const dashed = (id: string) => `${id.slice(0, 4)}-${id.slice(4, 8)}-${id.slice(8)}`;

/** Ordinary lines, many with words the rules trigger on (token, account, secret, arn:). */
function noise(r: Random, lines: number): string {
  const make = [
    () => `const token = await getToken(${JSON.stringify(uuid(r))});`,
    () => `commit ${hex(r, 40)}`,
    () => `checksum: sha1:${hex(r, 40)}`,
    () => `  "integrity": "sha512-${b64(r, 86)}=="`,
    () => `account.balance += ${digits(r, 6)}; // account ${digits(r, 8)}`,
    () => `order_id = ${digits(r, 12)}`,
    () => `phone: +1 (${digits(r, 3)}) ${digits(r, 3)}-${digits(r, 4)}`,
    () => `ts=${digits(r, 13)} level=info msg="request served" request_id=${uuid(r)}`,
    () => `secret_name = "prod/db/password"  # resolved from Secrets Manager`,
    () => `data:image/png;base64,${b64(r, 120)}`,
    () => `resource "aws_s3_bucket" "logs" { bucket = "logs-${hex(r, 8)}" }`,
    () => `arn:aws:s3:::bucket-${hex(r, 6)}/path/${hex(r, 4)}`,
    () => `jwt = "eyJhbGciOiJIUzI1NiJ9.${b64(r, 60).replace(/[+/]/g, 'x')}.${b64(r, 43).replace(/[+/]/g, 'y')}"`,
    () => `client_secret: ${b64(r, 40)}`,
    () => `csrf_token = "${b64(r, 40)}"`,
    () => `ssh-rsa ${b64(r, 372)} user@host`,
    () => `    return this.sessionToken !== undefined && this.accountId !== null;`,
    () => `id: ${digits(r, 12)}  # build number`,
  ];
  return Array.from({ length: lines }, () => pick(r, make)()).join('\n');
}

/** Each template: a block of text in some format and the credentials it really holds. */
export type Template = (r: Random) => { ext: string; block: string; expected: Expected[] };

const baseTemplates: Template[] = [
  (r) => {
    const [id, secret, token] = [fakeAccessKeyId('AKIA', r), fakeSecretAccessKey(r), fakeSessionToken(r)];
    return {
      ext: '.env',
      block: `AWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${secret}\nAWS_SESSION_TOKEN=${token}\nAWS_REGION=eu-west-1`,
      expected: [
        { kind: 'aws-access-key-id', value: id },
        { kind: 'aws-secret-access-key', value: secret },
        { kind: 'aws-session-token', value: token },
      ],
    };
  },
  (r) => {
    const [id, secret] = [fakeAccessKeyId('AKIA', r), fakeSecretAccessKey(r)];
    return {
      ext: '',
      block: `[default]\r\naws_access_key_id = ${id}\r\naws_secret_access_key = ${secret}\r\nregion = us-east-1\r\n`,
      expected: [
        { kind: 'aws-access-key-id', value: id },
        { kind: 'aws-secret-access-key', value: secret },
      ],
    };
  },
  (r) => {
    const [id, secret, token, account] = [
      fakeAccessKeyId('ASIA', r),
      fakeSecretAccessKey(r),
      fakeSessionToken(r, 600),
      fakeAccountId(r),
    ];
    return {
      ext: '.json',
      block: JSON.stringify(
        {
          Credentials: {
            AccessKeyId: id,
            SecretAccessKey: secret,
            SessionToken: token,
            Expiration: '2026-11-26T18:00:00Z',
          },
          AssumedRoleUser: { Arn: `arn:aws:sts::${account}:assumed-role/deploy/ci` },
        },
        null,
        2,
      ),
      expected: [
        { kind: 'aws-access-key-id', value: id },
        { kind: 'aws-secret-access-key', value: secret },
        { kind: 'aws-session-token', value: token },
        { kind: 'aws-account-id', value: account },
      ],
    };
  },
  (r) => {
    const [account, unique] = [fakeAccountId(r), fakeUniqueId('AIDA', r)];
    return {
      ext: '.json',
      block: `{"UserId": "${unique}", "Account": "${account}", "Arn": "arn:aws:iam::${account}:user/bob"}`,
      expected: [{ kind: 'aws-account-id', value: account }],
    };
  },
  (r) => {
    const [id, secret, account] = [fakeAccessKeyId('AKIA', r), fakeSecretAccessKey(r), fakeAccountId(r)];
    return {
      ext: '.tf',
      block: `provider "aws" {\n  region     = "us-east-1"\n  access_key = "${id}"\n  secret_key = "${secret}"\n  allowed_account_ids = ["${account}"]\n}`,
      expected: [
        { kind: 'aws-access-key-id', value: id },
        { kind: 'aws-secret-access-key', value: secret },
        { kind: 'aws-account-id', value: account },
      ],
    };
  },
  (r) => {
    const account = fakeAccountId(r);
    return {
      ext: '.tf',
      block: `resource "aws_iam_role_policy_attachment" "x" {\n  role       = "deploy"\n  policy_arn = "arn:aws-us-gov:iam::${account}:policy/deploy"\n}`,
      expected: [{ kind: 'aws-account-id', value: account }],
    };
  },
  (r) => {
    const [id, secret] = [fakeAccessKeyId('AKIA', r), fakeSecretAccessKey(r)];
    return {
      ext: '.yaml',
      block: `env:\n  - name: AWS_ACCESS_KEY_ID\n    value: "${id}"\n  - name: AWS_SECRET_ACCESS_KEY\n    value: "${secret}"\n  - name: AWS_SESSION_TOKEN\n    valueFrom: { secretKeyRef: { name: aws, key: token } }`,
      expected: [
        { kind: 'aws-access-key-id', value: id },
        { kind: 'aws-secret-access-key', value: secret },
      ],
    };
  },
  (r) => {
    const [account, id] = [fakeAccountId(r), fakeAccessKeyId('AKIA', r)];
    return {
      ext: 'Dockerfile',
      block: `FROM ${account}.dkr.ecr.us-east-1.amazonaws.com/base:3.19\nENV AWS_ACCESS_KEY_ID=${id}\nENV AWS_SECRET_ACCESS_KEY=\${AWS_SECRET_ACCESS_KEY}\nRUN make build`,
      expected: [
        { kind: 'aws-account-id', value: account },
        { kind: 'aws-access-key-id', value: id },
      ],
    };
  },
  (r) => {
    const [id, secret] = [fakeAccessKeyId('AKIA', r), fakeSecretAccessKey(r)];
    return {
      ext: '.py',
      block: `import boto3\n\ns3 = boto3.client(\n    "s3",\n    aws_access_key_id="${id}",\n    aws_secret_access_key="${secret}",\n)`,
      expected: [
        { kind: 'aws-access-key-id', value: id },
        { kind: 'aws-secret-access-key', value: secret },
      ],
    };
  },
  (r) => {
    const [id, secret] = [fakeAccessKeyId('AKIA', r), fakeSecretAccessKey(r)];
    return {
      ext: '.ts',
      block: `const client = new S3Client({\n  credentials: { accessKeyId: '${id}', secretAccessKey: '${secret}' },\n});`,
      expected: [
        { kind: 'aws-access-key-id', value: id },
        { kind: 'aws-secret-access-key', value: secret },
      ],
    };
  },
  (r) => {
    const [id, secret] = [fakeAccessKeyId('AKIA', r), fakeSecretAccessKey(r)];
    return {
      ext: '.java',
      block: `AWSCredentials creds = new BasicAWSCredentials("${id}", "${secret}");`,
      expected: [
        { kind: 'aws-access-key-id', value: id },
        { kind: 'aws-secret-access-key', value: secret },
      ],
    };
  },
  (r) => {
    const [id, secret] = [fakeAccessKeyId('ASIA', r), fakeSecretAccessKey(r)];
    return {
      ext: '.go',
      block: `creds := credentials.NewStaticCredentials(\n\t"${id}",\n\t"${secret}",\n\t"",\n)`,
      expected: [
        { kind: 'aws-access-key-id', value: id },
        { kind: 'aws-secret-access-key', value: secret },
      ],
    };
  },
  (r) => {
    const [secret, account] = [fakeSecretAccessKey(r), fakeAccountId(r)];
    return {
      ext: '.sh',
      block: `aws configure set aws_secret_access_key ${secret}\nexport AWS_ACCOUNT_ID=${dashed(account)}\naws sts get-caller-identity`,
      expected: [
        { kind: 'aws-secret-access-key', value: secret },
        { kind: 'aws-account-id', value: account },
      ],
    };
  },
  (r) => {
    const [id, secret, account] = [fakeAccessKeyId('AKIA', r), fakeSecretAccessKey(r), fakeAccountId(r)];
    return {
      ext: '.csv',
      block: `User name,Password,Access key ID,Secret access key,Console login link\nci-bot,,${id},${secret},https://${account}.signin.aws.amazon.com/console`,
      expected: [
        { kind: 'aws-access-key-id', value: id },
        { kind: 'aws-secret-access-key', value: secret },
        { kind: 'aws-account-id', value: account },
      ],
    };
  },
  (r) => {
    const [id, account] = [fakeAccessKeyId('ASIA', r), fakeAccountId(r)];
    return {
      ext: '.log',
      block: `2026-11-26T10:00:00Z INFO assumed arn:aws:sts::${account}:assumed-role/ci/job-${digits(r, 5)} key=${id} duration=3600`,
      expected: [
        { kind: 'aws-account-id', value: account },
        { kind: 'aws-access-key-id', value: id },
      ],
    };
  },
  (r) => {
    const mws = fakeMwsKey(r);
    return {
      ext: '.properties',
      block: `mws.seller.id=A${chars(r, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 13)}\nmws.auth.token=${mws}`,
      expected: [{ kind: 'aws-mws-key', value: mws }],
    };
  },
  (r) => {
    const [id, account] = [fakeAccessKeyId('AKIA', r), fakeAccountId(r)];
    return {
      ext: '.md',
      block: `## Deploy\n\nUse the CI key \`${id}\` and the account ${account}:\n\n    aws sts assume-role --role-arn arn:aws:iam::${account}:role/deploy`,
      expected: [
        { kind: 'aws-access-key-id', value: id },
        { kind: 'aws-account-id', value: account },
      ],
    };
  },
  // Hard negatives only.
  () => ({
    ext: '.md',
    block: `Example:\n\n    aws_access_key_id = ${DOC_KEY_ID}\n    aws_secret_access_key = ${DOC_SECRET}\n    role_arn = arn:aws:iam::123456789012:role/example\n    account_id = 111122223333`,
    expected: [],
  }),
  () => ({
    ext: '.env.example',
    block: `AWS_ACCESS_KEY_ID=AKIA${'X'.repeat(16)}\nAWS_SECRET_ACCESS_KEY=<YOUR_SECRET_ACCESS_KEY>\nAWS_SESSION_TOKEN=\${AWS_SESSION_TOKEN}\nAWS_ACCOUNT_ID=000000000000`,
    expected: [],
  }),
  () => ({
    ext: '.py',
    block: `key = os.environ["AWS_ACCESS_KEY_ID"]\nsecret = os.environ["AWS_SECRET_ACCESS_KEY"]\ntoken = os.getenv("AWS_SESSION_TOKEN")`,
    expected: [],
  }),
  () => ({
    ext: '.js',
    block: `const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;\nconst sessionToken = process.env.AWS_SESSION_TOKEN ?? '';`,
    expected: [],
  }),
  (r) => ({
    ext: '.json',
    block: `{"Role": {"RoleId": "${fakeUniqueId('AROA', r)}", "Path": "/"}, "Group": {"GroupId": "${fakeUniqueId('AGPA', r)}"}, "Policy": {"PolicyId": "${fakeUniqueId('ANPA', r)}"}}`,
    expected: [],
  }),
  (r) => ({
    ext: '.txt',
    block: `release ${hex(r, 40)}\nsecret_hash = ${hex(r, 40)}\nsession_token = eyJ${b64(r, 200)}.${b64(r, 40)}\naccount_number_on_invoice: ${digits(r, 14)}`,
    expected: [],
  }),
  (r) => ({
    ext: '.yaml',
    block: `github:\n  client_secret: ${b64(r, 40)}\n  webhook_token: ${b64(r, 300)}\nstripe_account = acct_${b64(r, 16).replace(/[+/]/g, 'z')}`,
    expected: [],
  }),
];

const templates = [...baseTemplates, ...SHAPE_TEMPLATES];

const DIRS = ['', 'src/', 'config/', 'deploy/terraform/', 'docs/', 'scripts/', 'services/api/', 'k8s/'];

/** `count` files, about 1 in 3 without any credential (noise only). */
export function makeCorpus(seed: string, count: number): LabelledFile[] {
  const r = makeRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const before = noise(r, Math.floor(r() * 30));
    const after = noise(r, Math.floor(r() * 30));
    const { ext, block, expected } = r() < 0.3 ? { ext: '.txt', block: '', expected: [] } : pick(r, templates)(r);
    const name = ext === 'Dockerfile' || ext === '' ? `${ext || 'credentials'}` : `file${ext}`;
    return {
      path: `${pick(r, DIRS)}f${i}/${name}`,
      content: [before, block, after].filter(Boolean).join('\n') + '\n',
      expected,
    };
  });
}

export interface KindScore {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

function score(tp: number, fp: number, fn: number): KindScore {
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  return {
    tp,
    fp,
    fn,
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
  };
}

/** Scores value-level findings (by fingerprint) against the labels, per kind. */
export function evaluate(
  corpus: readonly LabelledFile[],
  findings: ReadonlyArray<{ file: string; kind: FindingKind; fingerprint: string }>,
): Record<FindingKind, KindScore> {
  const expected = new Set(
    corpus.flatMap((f) => f.expected.map((e) => `${f.path}\0${e.kind}\0${fingerprint(e.kind, e.value)}`)),
  );
  const found = new Set(findings.map((f) => `${f.file}\0${f.kind}\0${f.fingerprint}`));
  const out = {} as Record<FindingKind, KindScore>;
  for (const kind of FINDING_KINDS) {
    const mine = (set: Set<string>) => [...set].filter((k) => k.split('\0')[1] === kind);
    const tp = mine(found).filter((k) => expected.has(k)).length;
    out[kind] = score(tp, mine(found).length - tp, mine(expected).length - tp);
  }
  return out;
}

/**
 * Scores line-level tools (git-secrets reports lines, not values): a reported line detects every
 * labelled value of a covered kind on it; a reported line holding none is one false positive.
 * With `kind` on a hit, only labelled values of that kind count.
 */
export function evaluateLines(
  corpus: readonly LabelledFile[],
  hits: ReadonlyArray<{ file: string; line: number; kind?: FindingKind }>,
  kinds: readonly FindingKind[],
): Partial<Record<FindingKind | 'all', KindScore>> {
  const labelled = new Map<string, Expected[]>();
  for (const f of corpus) {
    for (const e of f.expected) {
      if (!kinds.includes(e.kind)) continue;
      const line = f.content.slice(0, f.content.indexOf(e.value)).split('\n').length;
      const key = `${f.path}:${line}`;
      labelled.set(key, [...(labelled.get(key) ?? []), e]);
    }
  }
  const detected = new Set<Expected>();
  const fpByKind = new Map<FindingKind | 'all', number>();
  for (const hit of hits) {
    const here = (labelled.get(`${hit.file}:${hit.line}`) ?? []).filter((e) => !hit.kind || e.kind === hit.kind);
    if (here.length === 0) fpByKind.set(hit.kind ?? 'all', (fpByKind.get(hit.kind ?? 'all') ?? 0) + 1);
    here.forEach((e) => detected.add(e));
  }
  const all = [...labelled.values()].flat();
  const out: Partial<Record<FindingKind | 'all', KindScore>> = {};
  for (const kind of kinds) {
    const ofKind = all.filter((e) => e.kind === kind);
    const tp = ofKind.filter((e) => detected.has(e)).length;
    out[kind] = score(tp, fpByKind.get(kind) ?? 0, ofKind.length - tp);
  }
  const tpAll = all.filter((e) => detected.has(e)).length;
  const fpAll = [...fpByKind.values()].reduce((a, b) => a + b, 0);
  out.all = score(tpAll, fpAll, all.length - tpAll);
  return out;
}
