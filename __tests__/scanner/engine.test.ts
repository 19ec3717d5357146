import { fingerprint, maskSecret } from '../../scanner/engine/mask';
import { scanFragment, type Fragment, type Suppressions } from '../../scanner/engine';
import { RULES } from '../../scanner/rules';
import { DOC_EXAMPLE_KEY_ID, isPlaceholderAccount } from '../../scanner/rules/placeholders';
import { keyIdAccount } from '../../scanner/rules/key-account';
import { ELB_LOG_DELIVERY_ACCOUNTS } from '../../scanner/rules/service-accounts';
import {
  fakeAccessKeyId,
  fakeAccessKeyIdOf,
  fakeAccountId,
  fakeSecretAccessKey,
  makeRandom,
} from '../../testkit/fake-keys';

const random = makeRandom('engine-test');
const none: Suppressions = { allow: [], baseline: new Set<string>() };
const run = (fragment: Fragment, suppressions = none) => scanFragment(fragment, RULES, suppressions);
/** Files reach the engine as latin1-decoded bytes. */
const bytes = (s: string) => Buffer.from(s, 'utf8').toString('latin1');

describe('maskSecret and fingerprint', () => {
  it('keeps 4 characters at each end of a key id and hides the rest', () => {
    const id = fakeAccessKeyId('AKIA', random);
    expect(maskSecret(id)).toBe(`AKIA${'*'.repeat(12)}${id.slice(-4)}`);
  });

  it('hides most digits of short values and caps the star count of long ones', () => {
    const account = fakeAccountId(random);
    expect(maskSecret(account)).toBe(`${account.slice(0, 2)}********${account.slice(-2)}`);
    const secret = fakeSecretAccessKey(random);
    expect(maskSecret(secret)).toBe(`${secret.slice(0, 4)}${'*'.repeat(16)}${secret.slice(-4)}`);
  });

  it('fingerprints by kind and value only: same value, same print; another kind, another print', () => {
    const id = fakeAccessKeyId('AKIA', random);
    expect(fingerprint('aws-access-key-id', id)).toBe(fingerprint('aws-access-key-id', id));
    expect(fingerprint('aws-access-key-id', id)).toMatch(/^[0-9a-f]{24}$/);
    expect(fingerprint('aws-account-id', id)).not.toBe(fingerprint('aws-access-key-id', id));
  });
});

describe('scanFragment', () => {
  const id = fakeAccessKeyId('AKIA', random);

  it('reports 1-based line and column, the masked value and never the raw one in masked', () => {
    const { findings } = run({ file: 'a/b.env', text: `# comment\nKEY=${id}\n` });
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'aws-access-key-id',
        ruleId: 'aws-access-key-id',
        file: 'a/b.env',
        line: 2,
        column: 5,
        masked: maskSecret(id),
        fingerprint: fingerprint('aws-access-key-id', id),
      }),
    ]);
    expect(findings[0]?.masked).not.toContain(id.slice(4, 16));
  });

  it('counts columns in decoded characters after multi-byte UTF-8, CRLF and invalid bytes', () => {
    const text = bytes(`first\r\nnäme = "€ ${id}"\r\n`);
    expect(run({ file: 'x', text }).findings[0]).toMatchObject({ line: 2, column: 11 });
    const invalid = Buffer.concat([Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(` ${id}`)]).toString('latin1');
    expect(run({ file: 'x', text: invalid }).findings[0]).toMatchObject({ line: 1, column: 5 });
  });

  it('keeps columns right for several findings on one line', () => {
    const other = fakeAccessKeyId('ASIA', random);
    const { findings } = run({ file: 'x', text: bytes(`ü ${id} ü ${other}`) });
    expect(findings.map((f) => f.column)).toEqual([3, 26]);
  });

  it('ends each finding at the column after its text, dashes of an account id included', () => {
    const { findings } = run({ file: 'x', text: bytes(`ü ${id} ü ${fakeAccessKeyId('ASIA', random)}`) });
    expect(findings.map((f) => [f.column, f.endColumn])).toEqual([
      [3, 23],
      [26, 46],
    ]);
    const account = fakeAccountId(random);
    const dashed = `${account.slice(0, 4)}-${account.slice(4, 8)}-${account.slice(8)}`;
    expect(run({ file: 'x', text: `aws_account_id = ${dashed}` }).findings).toEqual([
      expect.objectContaining({ column: 18, endColumn: 32 }),
    ]);
  });

  it('maps lines of a diff fragment to their line numbers in the file and carries the commit', () => {
    const { findings } = run({ file: 'x', text: `added\n${id}`, lineNumbers: [10, 42], commit: 'c0ffee' });
    expect(findings[0]).toMatchObject({ line: 42, commit: 'c0ffee' });
  });

  it('marks findings of a commit message or a path with their location, and file content with none', () => {
    const message = run({
      file: '(commit message)',
      text: `subject\n\nkey ${id}`,
      location: 'commit-message',
      commit: 'c0ffee',
    });
    expect(message.findings).toEqual([
      expect.objectContaining({ location: 'commit-message', line: 3, column: 5, commit: 'c0ffee' }),
    ]);
    expect(run({ file: `d/${id}`, text: `d/${id}`, location: 'path' }).findings[0]).toMatchObject({
      location: 'path',
      column: 3,
    });
    expect(run({ file: 'a.env', text: id }).findings[0]).not.toHaveProperty('location');
  });

  it('suppresses by pragma on the same line only, and counts it', () => {
    const result = run({ file: 'x', text: `${id} # leakscan:allow\n${id}\n` });
    expect(result.findings.map((f) => f.line)).toEqual([2]);
    expect(result.suppressed).toEqual([{ fingerprint: fingerprint('aws-access-key-id', id), reason: 'pragma' }]);
  });

  it('suppresses by allow regex on the raw value and by baseline fingerprint', () => {
    const other = fakeAccessKeyId('AKIA', random);
    const text = `${id}\n${other}\n`;
    expect(
      run({ file: 'x', text }, { allow: [new RegExp(id)], baseline: new Set() }).findings.map((f) => f.line),
    ).toEqual([2]);
    const result = run(
      { file: 'x', text },
      { allow: [], baseline: new Set([fingerprint('aws-access-key-id', other)]) },
    );
    expect(result.findings.map((f) => f.line)).toEqual([1]);
    expect(result.suppressed).toEqual([{ fingerprint: fingerprint('aws-access-key-id', other), reason: 'baseline' }]);
    const allowed = run({ file: 'x', text }, { allow: [new RegExp(id)], baseline: new Set() });
    expect(allowed.suppressed).toEqual([{ fingerprint: fingerprint('aws-access-key-id', id), reason: 'allow' }]);
  });

  it('finds a key at the end of a 10 MB minified line with near-misses, at the right column', () => {
    const unit =
      'function(e){return e.token&&e.accountId?e.secret:null};var AKIA=1,u="arn:aws:iam::",s="sessiontoken";'.padEnd(
        400,
        'x=1;',
      );
    const filler = unit.repeat(Math.ceil(10_000_000 / unit.length));
    const { findings } = run({ file: 'min.js', text: `${filler} ${id}` });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ line: 1, column: filler.length + 2 });
  });
});

describe('access key id enrichment', () => {
  it('decodes the owning account of the published example key id (Aidan Steele, Tal Be’ery)', () => {
    expect(keyIdAccount(['ASIAY34', 'FZKBOKMUTVV7A'].join(''))).toBe('609629065308');
  });

  it('reports the account a new-generation key id encodes, masked, and none for old-generation ids', () => {
    const account = fakeAccountId(random);
    const id = fakeAccessKeyIdOf(account, 'ASIA', random);
    const [found] = run({ file: 'x', text: `key=${id}` }).findings;
    expect(found).toMatchObject({ kind: 'aws-access-key-id', accountMasked: maskSecret(account) });
    expect(JSON.stringify({ ...found, secret: undefined })).not.toContain(account);
    expect(keyIdAccount(DOC_EXAMPLE_KEY_ID)).toBeUndefined();
  });
});

describe('placeholders', () => {
  it.each([
    ['an enum name in the key alphabet that reads as words', `${['ASIA', 'PACIFIC', 'REGIONS', 'XY'].join('')}`],
    ['a sequential key id', `AKIA${'ABCDEFGHJKLMNOPQ'}`],
    ['a key id of a repeated chunk', `AKIA${'XYZ2'.repeat(4)}`],
    ['a key id outside the key alphabet', `AKIA${'1234567890ABCDEF'}`],
  ])('%s is not a finding', (_what, value) => {
    expect(run({ file: 'x', text: `aws_access_key_id = ${value}` }).findings).toEqual([]);
  });

  it.each([
    '123456789013',
    '123456789111',
    '210987654321',
    '555566667777',
    '123412341234',
    '100000000007',
    // Seen in aws-cli's examples: blocks of one digit, the documented id with digits swapped.
    '111222333444',
    '112233445566',
    '132456789012',
    '123457689012',
  ])('documentation account variant %s is not a finding', (account) => {
    expect(run({ file: 'x', text: `aws_account_id = ${account}` }).findings).toEqual([]);
  });

  it("AWS's own ELB log-delivery accounts in an access-log bucket policy are not findings; a digit off is", () => {
    const policy = (id: string) => `"Principal": { "AWS": "arn:aws:iam::${id}:root" }`;
    for (const id of ELB_LOG_DELIVERY_ACCOUNTS) {
      expect(run({ file: 'logs.tf', text: policy(id) }).findings).toEqual([]);
      const neighbour = id.slice(0, 11) + String((Number(id[11]) + 1) % 10);
      expect(run({ file: 'logs.tf', text: policy(neighbour) }).findings.map((f) => f.kind)).toEqual(['aws-account-id']);
    }
  });

  it('takes about 1 in 10,000 random account ids for a placeholder (100,000 generated)', () => {
    const digits = () => Array.from({ length: 12 }, () => Math.floor(random() * 10)).join('');
    const ids = Array.from({ length: 100_000 }, digits);
    // Expected ~12 (measured 1.2 in 10,000 over a million); 50 would mean a shape matches far too much.
    expect(ids.filter(isPlaceholderAccount).length).toBeLessThan(50);
  });

  it('keeps random ids: no false negative in 2,000 generated key ids and secrets', () => {
    const pair = () => `key_id = ${fakeAccessKeyId('AKIA', random)}\nsecret_key = ${fakeSecretAccessKey(random)}`;
    const lines = Array.from({ length: 2000 }, pair);
    const kinds = run({ file: 'x', text: lines.join('\n\n\n\n') }).findings.map((f) => f.kind);
    expect(kinds.filter((k) => k === 'aws-access-key-id')).toHaveLength(2000);
    expect(kinds.filter((k) => k === 'aws-secret-access-key').length).toBeGreaterThanOrEqual(1998);
  });
});
