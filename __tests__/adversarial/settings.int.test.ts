/**
 * The settings a repository ships (`.leakscan.json`, a baseline) are its weapons against the scanner:
 * a link to /dev/zero or a FIFO to exhaust or block it, a catastrophic `allow` regex or exclude glob to
 * hang it, a credentials file as "config" to make it print a secret. Each case runs the shipped CLI
 * and asserts the exact outcome and that no raw secret reaches any output. A hang shows as a killed
 * child (exit code null) at the generous spawn timeout, never as a timed assertion.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeAccessKeyId, fakeSecretAccessKey, fakeSessionToken, makeRandom } from '../../testkit/fake-keys';
import { buildCli, expectNoRawSecret, runCli, type CliRun } from '../../testkit/leakscan-cli';

const random = makeRandom('adversarial-settings');
const MiB = 1 << 20;
let work: string;
let cli: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'leakscan-settings-'));
  cli = buildCli();
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A directory holding one leaked key (so a scan that runs at all exits 1) and whatever `setup` adds. */
function repository(setup: (dir: string) => void = () => undefined): { dir: string; key: string } {
  const dir = mkdtempSync(join(work, 'repo-'));
  const key = fakeAccessKeyId('AKIA', random);
  writeFileSync(join(dir, 'app.env'), `AWS_ACCESS_KEY_ID=${key}\n`);
  setup(dir);
  return { dir, key };
}

/** `leakscan scan` in `dir`, checked for every secret the test planted. */
function scanIn(dir: string, args: readonly string[], secrets: readonly string[]): CliRun {
  const r = runCli(cli, ['scan', '.', ...args], { cwd: dir, timeoutMs: 120_000 });
  expectNoRawSecret({ stdout: r.stdout, stderr: r.stderr }, secrets);
  return r;
}

function mkfifo(path: string): void {
  expect(spawnSync('mkfifo', [path]).status).toBe(0);
}

/** A 50 MB file that takes no disk space (sparse). */
function huge(path: string): void {
  writeFileSync(path, '');
  truncateSync(path, 50 * MiB);
}

/** A credentials file outside the repository, as a link from a settings file might reach. */
function credentialsFile(): { path: string; secrets: string[] } {
  const secrets = [fakeAccessKeyId('AKIA', random), fakeSecretAccessKey(random)];
  const path = join(mkdtempSync(join(work, 'home-')), 'credentials');
  writeFileSync(path, `[default]\naws_access_key_id = ${secrets[0]}\naws_secret_access_key = ${secrets[1]}\n`);
  return { path, secrets };
}

const CONFIG = '.leakscan.json';

describe('.leakscan.json that is not a small regular file: exit 2, a clear reason, nothing read', () => {
  it.each([
    [
      'a symlink to /dev/zero',
      (p: string) => symlinkSync('/dev/zero', p),
      'it is a symbolic link (settings are read only from regular files)',
    ],
    [
      'a symlink to /dev/urandom',
      (p: string) => symlinkSync('/dev/urandom', p),
      'it is a symbolic link (settings are read only from regular files)',
    ],
    [
      'a dangling symlink',
      (p: string) => symlinkSync('/nonexistent/leakscan.json', p),
      'it is a symbolic link (settings are read only from regular files)',
    ],
    ['a FIFO nobody writes to', mkfifo, 'it is a FIFO, not a regular file'],
    ['a directory', (p: string) => mkdirSync(p), 'it is a directory, not a regular file'],
    ['a 50 MB file', huge, 'larger than 1 MiB'],
  ])('%s', (_, make, reason) => {
    const { dir, key } = repository((d) => make(join(d, CONFIG)));
    const r = scanIn(dir, [], [key]);
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toBe(`leakscan: error: cannot read config ${join(dir, CONFIG)}: ${reason}\n`);
  });

  it('--config naming a device directly', () => {
    const { dir, key } = repository();
    const r = scanIn(dir, ['--config', '/dev/zero'], [key]);
    expect(r).toMatchObject({
      code: 2,
      stderr: 'leakscan: error: cannot read config /dev/zero: it is a device or socket, not a regular file\n',
    });
  });

  it('a symlink to a credentials file elsewhere: refused, nothing of the file printed', () => {
    const credentials = credentialsFile();
    const { dir, key } = repository((d) => symlinkSync(credentials.path, join(d, CONFIG)));
    const r = scanIn(dir, [], [key, ...credentials.secrets]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('it is a symbolic link');
  });
});

describe('--baseline that is not a small regular file: exit 2, a clear reason', () => {
  it.each([
    [
      'a symlink to /dev/zero',
      (p: string) => symlinkSync('/dev/zero', p),
      'it is a symbolic link (settings are read only from regular files)',
    ],
    ['a FIFO nobody writes to', mkfifo, 'it is a FIFO, not a regular file'],
    ['a directory', (p: string) => mkdirSync(p), 'it is a directory, not a regular file'],
    ['a 50 MB file', huge, 'larger than 1 MiB'],
  ])('%s', (_, make, reason) => {
    const { dir, key } = repository((d) => make(join(d, 'baseline.json')));
    const r = scanIn(dir, ['--baseline', 'baseline.json'], [key]);
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toBe(`leakscan: error: cannot read baseline ${join(dir, 'baseline.json')}: ${reason}\n`);
  });
});

describe('catastrophic patterns run in linear time (RE2): the scan ends with its exact outcome', () => {
  /**
   * A session token (the longest value a rule reports) whose tail is a long run that makes a
   * backtracking engine try exponentially many splits before failing: 2^40 steps would hang.
   */
  function hostileToken(run: string): string {
    return fakeSessionToken(random, 1000).replace(/[ay]/g, 'z') + run.repeat(40) + 'Z';
  }

  it.each([
    ['(a+)+$', 'a'],
    ['(x+x+)+y', 'x'],
    ['(a|aa)+$', 'a'],
  ])('allow %j against a long candidate: not matched, so the token is still reported (exit 1)', (pattern, run) => {
    const token = hostileToken(run);
    const { dir, key } = repository((d) => {
      writeFileSync(join(d, 'session.env'), `aws_session_token = ${token}\n`);
      writeFileSync(join(d, CONFIG), JSON.stringify({ allow: [pattern] }));
    });
    const r = scanIn(dir, ['--format', 'json'], [key, token]);
    expect(r.code).toBe(1);
    const kinds = (JSON.parse(r.stdout) as { findings: Array<{ kind: string }> }).findings.map((f) => f.kind);
    expect(kinds).toEqual(['aws-access-key-id', 'aws-session-token']);
  });

  it('an allow pattern that matches still suppresses (RE2 semantics)', () => {
    const { dir, key } = repository((d) =>
      writeFileSync(join(d, CONFIG), JSON.stringify({ allow: ['^AKIA[A-Z2-7]{16}$'] })),
    );
    const r = scanIn(dir, [], [key]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^No findings .* 1 suppressed/);
  });

  it('exclude glob *a*a*a*a*a*a*a*a*b against a long file name: not excluded, the key in it is found', () => {
    const name = `${'a'.repeat(200)}.env`;
    const { dir, key } = repository((d) => {
      writeFileSync(join(d, name), `K=${fakeAccessKeyId('AKIA', random)}\n`);
      writeFileSync(join(d, CONFIG), JSON.stringify({ exclude: ['*a*a*a*a*a*a*a*a*b'] }));
    });
    const r = scanIn(dir, ['--format', 'json'], [key]);
    expect(r.code).toBe(1);
    const files = (JSON.parse(r.stdout) as { findings: Array<{ file: string }> }).findings.map((f) => f.file);
    expect(files).toEqual([name, 'app.env']);
  });
});

describe('settings RE2 or the schema refuse: exit 2 naming the field, never quoting a secret', () => {
  const patternKey = fakeAccessKeyId('AKIA', random);

  it.each([
    ['a backreference', ['(a)\\1'], 'allow.0: not a valid regular expression for RE2'],
    ['a lookahead holding a key', [`^${patternKey}(?=x)`], 'allow.0: not a valid regular expression for RE2'],
    ['a lookbehind, second in the list', ['^ok$', '(?<=a)b'], 'allow.1: not a valid regular expression for RE2'],
  ])('allow with %s', (_, allow, message) => {
    const { dir, key } = repository((d) => writeFileSync(join(d, CONFIG), JSON.stringify({ allow })));
    const r = scanIn(dir, [], [key, patternKey]);
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toContain(`leakscan: error: invalid config ${join(dir, CONFIG)}: ${message}`);
  });

  it('more than 1000 allow patterns', () => {
    const { dir, key } = repository((d) =>
      writeFileSync(join(d, CONFIG), JSON.stringify({ allow: Array(1001).fill('x') })),
    );
    const r = scanIn(dir, [], [key]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('allow: more than 1000 entries');
  });

  it('a credentials file as config: "not valid JSON", without the piece of it JSON.parse quotes', () => {
    const credentials = credentialsFile();
    const { dir, key } = repository();
    const r = scanIn(
      dir,
      ['--config', credentials.path],
      [key, ...credentials.secrets, credentials.secrets[0]!.slice(0, 10)],
    );
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toMatch(/^leakscan: error: config .*credentials is not valid JSON: Unexpected token/);
  });

  it('unknown fields: named when a field could have the name; a key or secret as a name only described', () => {
    const [keyId, secretKey] = [fakeAccessKeyId('AKIA', random), fakeSecretAccessKey(random)];
    const config = { excludes: [], [keyId]: 1, [secretKey]: 2 };
    const { dir, key } = repository((d) => writeFileSync(join(d, CONFIG), JSON.stringify(config)));
    const r = scanIn(dir, [], [key, keyId, secretKey]);
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toContain('(top level): unknown fields excludes, (a 20-character name), (a 40-character name)');
  });

  it('a baseline that is not JSON, holding a key', () => {
    const baselineKey = fakeAccessKeyId('AKIA', random);
    const { dir, key } = repository((d) => writeFileSync(join(d, 'baseline.json'), `${baselineKey}\n`));
    const r = scanIn(dir, ['--baseline', 'baseline.json'], [key, baselineKey, baselineKey.slice(0, 10)]);
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toContain(`leakscan: error: baseline ${join(dir, 'baseline.json')} is not valid JSON`);
  });
});
