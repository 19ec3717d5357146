import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { scan } from '../../scanner/scan';
import { fakeAccessKeyId, fakeSecretAccessKey, makeRandom } from '../../testkit/fake-keys';
import { Repo } from '../../testkit/git-repo';
import { buildCli, expectNoRawSecret, runCli, type CliRun } from '../../testkit/leakscan-cli';

const ROOT = resolve(__dirname, '..', '..');
const random = makeRandom('cli-test');
const id = fakeAccessKeyId('AKIA', random);
const secret = fakeSecretAccessKey(random);
const masked = `AKIA${'*'.repeat(12)}${id.slice(-4)}`;
let work: string;
let cli: string;
let dir: string;

/** The shipped artifact (esbuild bundle of scanner/bin.ts), run as a process. */
function leakscan(...args: string[]): CliRun {
  return runCli(cli, args);
}

/** A fresh directory under the test's work directory. */
function freshDir(prefix: string): string {
  return mkdtempSync(join(work, prefix));
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'leakscan-cli-'));
  cli = buildCli();
  dir = freshDir('scan-');
  writeFileSync(join(dir, 'credentials'), `[default]\naws_access_key_id = ${id}\naws_secret_access_key = ${secret}\n`);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

it('exits 0 with no findings', () => {
  const clean = freshDir('clean-');
  writeFileSync(join(clean, 'a.txt'), 'nothing here\n');
  const r = leakscan('scan', clean);
  expect(r).toMatchObject({ code: 0, stderr: '' });
  expect(r.stdout).toMatch(/^No findings in 1 file\b/);
});

it.each(['text', 'json', 'sarif'])('exits 1 with findings and prints them masked in %s', (format) => {
  const r = leakscan('scan', dir, '--format', format);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain(masked);
  expectNoRawSecret({ stdout: r.stdout, stderr: r.stderr }, [id, secret]);
});

it('prints raw values only with --no-redact', () => {
  const r = leakscan('scan', dir, '--no-redact', '--format', 'json');
  expect(r.code).toBe(1);
  const findings = JSON.parse(r.stdout).findings as Array<{ secret: string }>;
  expect(findings.map((f) => f.secret)).toEqual([id, secret]);
});

it('writes a baseline (exit 0, counted on stderr) that makes the next scan clean', () => {
  const baseline = join(work, 'baseline.json');
  const written = leakscan('scan', dir, '--write-baseline', baseline);
  expect(written).toMatchObject({ code: 0, stdout: '', stderr: `leakscan: wrote 2 fingerprints to ${baseline}\n` });
  expectNoRawSecret({ baseline: readFileSync(baseline, 'utf8') }, [id, secret]);
  const r = leakscan('scan', dir, '--baseline', baseline);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/No findings .* 2 suppressed/);
});

it('scans a commit range with --diff and names the commit', () => {
  const repo = new Repo(freshDir('repo-'));
  const base = repo.write('a.txt', 'a\n').commit('base');
  const added = repo.write('b.env', `K=${id}\n`).commit('key');
  const r = leakscan('scan', repo.dir, '--diff', `${base}..HEAD`, '--format', 'json');
  expect(r.code).toBe(1);
  expect(JSON.parse(r.stdout).findings).toEqual([expect.objectContaining({ file: 'b.env', line: 1, commit: added })]);
});

it.each([[['--diff', 'HEAD']], [['--diff', '..HEAD']], [['--history']]])(
  'scans the whole history with %j: a key from the root commit on, once, at the commit that added it',
  (mode) => {
    const repo = new Repo(freshDir('repo-'));
    const added = repo.write('b.env', `K=${id}\n`).commit('root adds a key');
    repo.write('b.env', 'K=\n').commit('removed');
    repo.write('b.env', `K=${id}\n`).commit('added again');
    const r = leakscan('scan', repo.dir, ...mode, '--format', 'json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings).toEqual([expect.objectContaining({ file: 'b.env', line: 1, commit: added })]);
  },
);

describe('--output', () => {
  it('writes the report to the file only: stdout stays empty, one summary line on stderr', () => {
    const out = join(freshDir('out-'), 'leakscan.sarif');
    writeFileSync(out, 'an older report that is replaced whole\n');
    const r = leakscan('scan', dir, '--format', 'sarif', '--output', out);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: `leakscan: 2 findings (0 suppressed); sarif report written to ${out}\n`,
    });
    const report = JSON.parse(readFileSync(out, 'utf8')) as { runs: Array<{ results: unknown[] }> };
    expect(report.runs[0]!.results).toHaveLength(2);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    // Written through a temp file renamed over it: nothing else is left beside it.
    expect(readdirSync(join(out, '..'))).toEqual(['leakscan.sarif']);
    expectNoRawSecret({ stderr: r.stderr, report: readFileSync(out, 'utf8') }, [id, secret]);
  });

  it('says "no findings" for a clean scan and exits 0', () => {
    const clean = freshDir('clean-');
    const out = join(clean, 'report.json');
    const r = leakscan('scan', clean, '--format', 'json', '--output', out);
    expect(r).toEqual({
      code: 0,
      stdout: '',
      stderr: `leakscan: no findings (0 suppressed); json report written to ${out}\n`,
    });
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ findings: [] });
  });

  it('fails with exit 2 when the file cannot be written, and leaves nothing behind', () => {
    const parent = freshDir('out-');
    const r = leakscan('scan', dir, '--output', join(parent, 'missing', 'report.txt'));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^leakscan: error: cannot write report .*missing\/report\.txt: ENOENT/);
    expect(readdirSync(parent)).toEqual([]);
  });
});

describe('paths given through `npm run leakscan` resolve against the caller', () => {
  it('scans the directory npm was run from, not this checkout (exit 1, masked)', () => {
    const repo = new Repo(freshDir('caller-'));
    repo.write('app.env', `AWS_ACCESS_KEY_ID=${id}\n`);
    mkdirSync(join(repo.dir, 'reports'));
    const args = [
      'run',
      '--silent',
      'leakscan',
      '--prefix',
      ROOT,
      '--',
      'scan',
      '.',
      '--format',
      'json',
      '--output',
      'reports/r.json',
    ];
    const r = spawnSync('npm', args, { cwd: repo.dir, encoding: 'utf8', timeout: 120_000 });
    expect(r.status).toBe(1);
    const report = JSON.parse(readFileSync(join(repo.dir, 'reports', 'r.json'), 'utf8')) as {
      findings: Array<{ file: string; masked: string }>;
    };
    expect(report.findings).toEqual([expect.objectContaining({ file: 'app.env', masked })]);
    expectNoRawSecret({ stdout: r.stdout, stderr: r.stderr }, [id]);
  });

  it("reads INIT_CWD only for this package's own script: any other npm script runs where it was meant to", () => {
    const caller = freshDir('caller-');
    writeFileSync(join(caller, 'app.env'), `AWS_ACCESS_KEY_ID=${id}\n`);
    const scriptDir = freshDir('script-');
    const env = { ...process.env, INIT_CWD: caller, npm_package_name: 'leakscan' };
    const own = runCli(cli, ['scan', '.'], { cwd: scriptDir, env: { ...env, npm_lifecycle_event: 'leakscan' } });
    const other = runCli(cli, ['scan', '.'], { cwd: scriptDir, env: { ...env, npm_lifecycle_event: 'test' } });
    expect([own.code, other.code]).toEqual([1, 0]);
    expect(own.stdout).toContain(masked);
  });
});

describe('usage', () => {
  it('prints usage on stderr and exits 2 when run without a command', () => {
    const r = leakscan();
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Usage:\n {2}leakscan scan \[PATH\]/);
  });

  it.each([[['--help']], [['scan', '--help']]])(
    '%j prints usage with --version, examples and exit codes on stdout',
    (args) => {
      const r = leakscan(...args);
      expect(r).toMatchObject({ code: 0, stderr: '' });
      expect(r.stdout).toContain('leakscan --version');
      expect(r.stdout).toContain('leakscan scan --staged');
      expect(r.stdout).toContain('--output F');
      expect(r.stdout).toContain('Exit status: 0 no findings, 1 findings, 2 usage or other error');
    },
  );

  it('prints the version', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(leakscan('--version')).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });
});

it.each([
  [['scan', '--bogus'], /Unknown option '--bogus'/],
  [['scan', '--format', 'xml'], /--format must be one of text, json, sarif/],
  [['scan', 'a', 'b'], /one PATH/],
  [['scan', '.', '--diff', 'main...feature'], /--diff expects BASE\.\.HEAD/],
  [['scan', '/no/such/dir'], /cannot scan \/no\/such\/dir/],
  [['scan', '.', '--max-file-size', 'lots'], /--max-file-size expects/],
  [['scan', '.', '--diff', 'a..b', '--staged'], /choose one of/],
  [['scan', '.', '--history', '--diff', 'a..b'], /--history scans every branch/],
  [['scan', '.', '--sts-endpoint', 'http://127.0.0.1:1'], /--sts-endpoint is for --verify/],
  [['scan', '.', '--verify', '--sts-endpoint', 'ftp://x'], /http\(s\) URL/],
  [['scan', '.', '--output', 'r', '--write-baseline', 'b'], /--output and --write-baseline .* choose one/],
  [['frobnicate'], /unknown command "frobnicate"/],
])('exits 2 with a clear one-line message for %j', (args, message) => {
  const r = runCli(cli, args, { cwd: dir });
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^leakscan: error: [^\n]*\n$/);
  expect(r.stderr).toMatch(message);
});

it.each([[['--staged']], [['--diff', 'main..HEAD']], [['--tree', 'HEAD']], [['--history']]])(
  'outside a repository, %j says "not a git repository" first, on one line (exit 2)',
  (mode) => {
    const r = runCli(cli, ['scan', ...mode], { cwd: freshDir('plain-') });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^leakscan: error: not a git repository\b[^\n]*\n$/);
  },
);

it('exits 2 naming the field of an invalid config', () => {
  const bad = freshDir('bad-');
  writeFileSync(join(bad, '.leakscan.json'), JSON.stringify({ maxFileBytes: 'big' }));
  const r = leakscan('scan', bad);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/invalid config .*\.leakscan\.json: maxFileBytes: /);
});

it("exits 2 on an unknown revision with git's reason", () => {
  const repo = new Repo(freshDir('repo-'));
  repo.write('a', 'a\n').commit('a');
  const r = leakscan('scan', repo.dir, '--diff', 'nope..HEAD');
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/unknown revision "nope"/);
});

it('reports on a large directory exactly what an in-process scan reports', async () => {
  const big = freshDir('big-');
  for (let i = 0; i < 800; i++)
    writeFileSync(join(big, `f${i}.env`), i % 7 === 0 ? `K=${fakeAccessKeyId('AKIA', random)}\n` : `n=${i}\n`);
  const r = leakscan('scan', big, '--format', 'json');
  expect(r.code).toBe(1);
  const fromCli = JSON.parse(r.stdout) as {
    findings: Array<{ file: string; fingerprint: string }>;
    stats: { filesScanned: number };
  };
  const inProcess = await scan({ root: big });
  expect(fromCli.findings).toHaveLength(Math.ceil(800 / 7));
  expect(fromCli.findings.map((f) => [f.file, f.fingerprint])).toEqual(
    inProcess.findings.map((f) => [f.file, f.fingerprint]),
  );
  expect(fromCli.stats.filesScanned).toBe(800);
});

it('loads the task bundle only for `leakscan task`: `scan` runs without it', () => {
  // `task` finds task/main.js beside leakscan.js (no overrides here: exit 2 naming the missing variables).
  const task = spawnSync(process.execPath, [cli, 'task'], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  expect(task.status).toBe(2);
  expect(task.stdout).toContain('"event":"invalid-configuration"');
  const alone = freshDir('alone-');
  const copy = join(alone, 'leakscan.js');
  writeFileSync(copy, readFileSync(cli));
  const r = spawnSync(process.execPath, [copy, 'scan', dir, '--format', 'json'], { encoding: 'utf8' });
  expect({ code: r.status, stderr: r.stderr }).toEqual({ code: 1, stderr: '' });
  expect((JSON.parse(r.stdout) as { findings: unknown[] }).findings).toHaveLength(2);
  expect(spawnSync(process.execPath, [copy, 'task'], { encoding: 'utf8' }).stderr).toContain(
    "Cannot find module './task/main'",
  );
});
