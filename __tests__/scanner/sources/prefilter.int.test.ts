import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DECODERS } from '../../../scanner/decode';
import { RULES } from '../../../scanner/rules';
import { scan } from '../../../scanner/scan';
import { grepFiles } from '../../../scanner/sources/files';
import { isPlaceholderAccount } from '../../../scanner/rules/placeholders';
import { PREFILTER_PATTERN, PREFILTER_RULE_IDS, realAccountId } from '../../../scanner/sources/prefilter';
import {
  fakeAccessKeyId,
  fakeAccountId,
  fakeSecretAccessKey,
  fakeSessionToken,
  makeRandom,
} from '../../../testkit/fake-keys';
import { tempRepos } from '../../../testkit/git-repo';

const random = makeRandom('prefilter-test');
const repo = tempRepos();

async function named(root: string): Promise<string[]> {
  const files: string[] = [];
  expect(await grepFiles(root, PREFILTER_PATTERN, 'untracked', (f) => files.push(f.name))).toBe(true);
  return files.sort();
}

it('was derived for exactly the rules there are', () => {
  expect(RULES.map((r) => r.id).sort()).toEqual([...PREFILTER_RULE_IDS].sort());
});

it('names every file holding a positive sample of any rule or decoder, and the directory scan finds each', async () => {
  const r = repo();
  const files = [
    ...RULES.flatMap((rule) =>
      rule.samples().positive.map((text, i) => ({ path: `${rule.id}/${i}.txt`, text, rule: rule.id })),
    ),
    ...DECODERS.flatMap((decoder) =>
      decoder.samples().positive.map((text, i) => ({ path: `decode-${decoder.name}/${i}.txt`, text, rule: undefined })),
    ),
  ];
  files.forEach((f) => r.write(f.path, f.text));
  r.commit('samples');
  expect(await named(r.dir)).toEqual(files.map((f) => f.path).sort());
  const report = await scan({ root: r.dir });
  for (const f of files)
    expect({
      file: f.path,
      found: report.findings.some((x) => x.file === f.path && (f.rule ? x.ruleId === f.rule : x.encoding)),
    }).toEqual({
      file: f.path,
      found: true,
    });
});

it('keeps files whose only trigger is a keyword with the secret on the next line, in any case', async () => {
  const r = repo()
    .write('deploy.yaml', `env:\n  - name: Aws_Secret_Access_Key\n    value: "${fakeSecretAccessKey(random)}"\n`)
    .write('creds.json', `{\n  "sEcReTkEy":\n    "${fakeSecretAccessKey(random)}"\n}\n`);
  expect(await named(r.dir)).toEqual(['creds.json', 'deploy.yaml']);
  const report = await scan({ root: r.dir });
  expect(report.findings.map((f) => [f.file, f.line, f.kind])).toEqual([
    ['creds.json', 3, 'aws-secret-access-key'],
    ['deploy.yaml', 3, 'aws-secret-access-key'],
  ]);
});

it('does not read tracked files whose keywords come without a credential shape', async () => {
  const key = `K=${fakeAccessKeyId('AKIA', random)}\n`;
  const r = repo()
    .write('key.env', key)
    .write('session.js', 'const session = req.session; // security: account settings\nconst secret = options.secret;\n')
    .write('arn.txt', 'arn:aws:s3:::bucket and an amazon link\n');
  r.commit('keywords');
  const report = await scan({ root: r.dir });
  expect(report.findings.map((f) => f.file)).toEqual(['key.env']);
  expect(report.stats).toMatchObject({
    filesScanned: 3,
    bytesScanned: Buffer.byteLength(readFileSync(join(r.dir, 'key.env'))),
  });
});

it('names UTF-16 files by their byte order mark (their triggers have NULs between the characters)', async () => {
  const utf16 = Buffer.from(`k=${fakeAccessKeyId('AKIA', random)}\r\n`, 'utf16le');
  const r = repo()
    .write('le.ini', Buffer.concat([Buffer.from([0xff, 0xfe]), utf16]))
    .write('be.ini', Buffer.concat([Buffer.from([0xff, 0xfe]), utf16]).swap16())
    .write('no-bom.ini', utf16)
    .write('plain.txt', 'nothing\n');
  r.commit('utf16');
  expect(await named(r.dir)).toEqual(['be.ini', 'le.ini']);
});

it('resolves false when git cannot run the search, so the caller can fall back', async () => {
  const r = repo().write('a.txt', 'a\n');
  expect(await grepFiles(r.dir, '(', 'tracked', () => undefined)).toBe(false);
});

it('names files whose credentials are encoded or assigned across lines', async () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const [id, account] = [fakeAccessKeyId('AKIA', random), fakeAccountId(random)];
  const r = repo()
    .write('k8s.yaml', `data:\n  access-key-id: ${b64(id)}\n`)
    .write('env.b64', `${b64(`# deploy\nexport TOKEN=1\nAWS_ACCESS_KEY_ID=${id}\n`)}\n`)
    .write('account.yaml', `data:\n  aws-account: ${b64(account)}\n`)
    .write('link.html', `<a href="/switch?arn=${encodeURIComponent(`arn:aws:iam::${account}:role/x`)}">`)
    .write('split.ts', `export const PROD_ACCOUNT_ID =\r\n  '${account}';\r\n`)
    .write('sqs.env', `QUEUE=https://sqs.eu-west-1.amazonaws.com/${account}/jobs\n`)
    .write('notes.md', `account id:\n  ${account}\n`)
    .write('session.yaml', `session: ${b64(`arn:aws:sts::${account}:assumed-role/deploy/ci`)}\n`)
    .write('plain.yaml', `data:\n  name: ${b64('just a name, nothing to see here')}\n`);
  r.commit('encoded');
  const files = ['account.yaml', 'env.b64', 'k8s.yaml', 'link.html', 'notes.md', 'session.yaml', 'split.ts', 'sqs.env'];
  expect(await named(r.dir)).toEqual(files);
  const report = await scan({ root: r.dir });
  expect([...new Set(report.findings.map((f) => f.file))].sort()).toEqual(files);
});

describe('account ids', () => {
  const digits = (n: number) => Array.from({ length: n }, () => String(Math.floor(random() * 10))).join('');
  const real = new RegExp(`^${realAccountId('t')}$`);

  it('ruled out are placeholders only: the documented stem, runs, sequences, blocks, repeats', () => {
    const shaped = [
      ...Array.from({ length: 500 }, () => `12345678${digits(4)}`),
      ...Array.from({ length: 500 }, (_, i) => {
        const d = digits(12);
        return d.slice(0, i % 7) + String(i % 10).repeat(6) + d.slice((i % 7) + 6);
      }),
      ...['0123456', '3456789', '9876543', '6543210'].flatMap((run) =>
        Array.from({ length: 100 }, (_, i) => `${digits(i % 6)}${run}`.padEnd(12, '5')),
      ),
      ...Array.from({ length: 500 }, () =>
        [3, 3, 3, 3].map(() => String(Math.floor(random() * 10)).repeat(3)).join(''),
      ),
      ...Array.from({ length: 500 }, (_, i) =>
        digits((i % 6) + 1)
          .repeat(12)
          .slice(0, 12),
      ),
      ...Array.from({ length: 5000 }, () => digits(12)),
    ];
    const ruledOut = shaped.filter((id) => !real.test(id));
    expect(ruledOut.length).toBeGreaterThan(2000);
    expect(ruledOut.filter((id) => !isPlaceholderAccount(id))).toEqual([]);
  });

  it('names no file for ARNs and assignments of example accounts, and every one with a real account', async () => {
    const id = fakeAccountId(random);
    const r = repo()
      .write('example.rst', 'arn:aws:iam::123456789012:role/x\naccount_id = 111122223333\n"Account": "444455556666"\n')
      .write('arn.txt', `arn:aws:iam::${id}:role/x\n`)
      .write('list.tf', `allowed_account_ids = ["123456789012", "${id}"]\n`);
    r.commit('accounts');
    expect(await named(r.dir)).toEqual(['arn.txt', 'list.tf']);
  });
});

it('names session token keywords only with a value on the line or to come on the next one', async () => {
  // Without the STS header (`IQoJb3JpZ2lu`), which names a file by itself.
  const token = fakeSessionToken(random).slice(16);
  const encoded = encodeURIComponent(`${token.slice(0, 60)}/${token.slice(61)}`);
  const r = repo()
    .write('sdk.js', 'const { sessionToken } = creds;\nreturn { token: creds.sessionToken || this.sessionToken };\n')
    .write('presigned.txt', `https://b.s3.amazonaws.com/k?X-Amz-Security-Token=${encoded}&X-Amz-Date=1\n`)
    .write('creds.ini', `aws_session_token =\n  ${token}\n`);
  r.commit('tokens');
  expect(await named(r.dir)).toEqual(['creds.ini', 'presigned.txt']);
});

it('names an encoded `arn:` only in a value after a keyword (where the base64 decoder looks)', async () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const arn = `arn:aws:iam::${fakeAccountId(random)}:role/deploy`;
  const r = repo()
    .write('map.js', `//# sourceMappingURL=data:application/json;base64,${b64(`{"a":"outpost_${arn}"}`)}\n`)
    .write('values.yaml', `secretRef:\n  account: "${b64(arn)}"\n`);
  r.commit('encoded arns');
  expect(await named(r.dir)).toEqual(['values.yaml']);
});
