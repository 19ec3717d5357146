import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scan } from '../../scanner/scan';
import { bundleScanner } from '../../scripts/bundle';
import { fakeAccessKeyId, fakeSecretAccessKey, makeRandom } from '../../testkit/fake-keys';
import { Repo } from '../../testkit/git-repo';

const random = makeRandom('cli-test');
const id = fakeAccessKeyId('AKIA', random);
const secret = fakeSecretAccessKey(random);
let work: string;
let cli: string;
let dir: string;

/** The shipped artifact (esbuild bundle of scanner/bin.ts), run as a process. */
function leakscan(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'leakscan-cli-'));
  cli = bundleScanner(join(work, 'dist'));
  dir = mkdtempSync(join(work, 'scan-'));
  writeFileSync(join(dir, 'credentials'), `[default]\naws_access_key_id = ${id}\naws_secret_access_key = ${secret}\n`);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

it('exits 0 with no findings', () => {
  const clean = mkdtempSync(join(work, 'clean-'));
  writeFileSync(join(clean, 'a.txt'), 'nothing here\n');
  const r = leakscan('scan', clean);
  expect(r).toMatchObject({ code: 0, stderr: '' });
  expect(r.stdout).toMatch(/^No findings in 1 files/);
});

it.each(['text', 'json', 'sarif'])('exits 1 with findings and prints them masked in %s', (format) => {
  const r = leakscan('scan', dir, '--format', format);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain(`AKIA${'*'.repeat(12)}${id.slice(-4)}`);
  expect(r.stdout + r.stderr).not.toContain(id);
  expect(r.stdout + r.stderr).not.toContain(secret);
});

it('prints raw values only with --no-redact', () => {
  const r = leakscan('scan', dir, '--no-redact', '--format', 'json');
  expect(r.code).toBe(1);
  const findings = JSON.parse(r.stdout).findings as Array<{ secret: string }>;
  expect(findings.map((f) => f.secret)).toEqual([id, secret]);
});

it('writes a baseline (exit 0) that makes the next scan clean', () => {
  const baseline = join(work, 'baseline.json');
  expect(leakscan('scan', dir, '--write-baseline', baseline).code).toBe(0);
  expect(readFileSync(baseline, 'utf8')).not.toContain(id);
  const r = leakscan('scan', dir, '--baseline', baseline);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/No findings .* 2 suppressed/);
});

it('scans a commit range with --diff and names the commit', () => {
  const repo = new Repo(mkdtempSync(join(work, 'repo-')));
  const base = repo.write('a.txt', 'a\n').commit('base');
  const added = repo.write('b.env', `K=${id}\n`).commit('key');
  const r = leakscan('scan', repo.dir, '--diff', `${base}..HEAD`, '--format', 'json');
  expect(r.code).toBe(1);
  expect(JSON.parse(r.stdout).findings).toEqual([expect.objectContaining({ file: 'b.env', line: 1, commit: added })]);
});

it.each([
  [['scan', '--bogus'], /Unknown option '--bogus'/],
  [['scan', '--format', 'xml'], /--format must be one of text, json, sarif/],
  [['scan', 'a', 'b'], /one PATH/],
  [['scan', '.', '--diff', 'main...feature'], /--diff expects BASE\.\.HEAD/],
  [['scan', '/no/such/dir'], /cannot scan \/no\/such\/dir/],
  [['scan', '.', '--max-file-size', 'lots'], /--max-file-size expects/],
  [['scan', '.', '--diff', 'a..b', '--staged'], /choose one of/],
  [['frobnicate'], /unknown command "frobnicate"/],
])('exits 2 with a clear message for %j', (args, message) => {
  const r = leakscan(...args);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^leakscan: error: /);
  expect(r.stderr).toMatch(message);
});

it('exits 2 naming the field of an invalid config', () => {
  const bad = mkdtempSync(join(work, 'bad-'));
  writeFileSync(join(bad, '.leakscan.json'), JSON.stringify({ maxFileBytes: 'big' }));
  const r = leakscan('scan', bad);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/invalid config .*\.leakscan\.json: maxFileBytes: /);
});

it('exits 2 on an unknown revision with git\'s reason', () => {
  const repo = new Repo(mkdtempSync(join(work, 'repo-')));
  repo.write('a', 'a\n').commit('a');
  const r = leakscan('scan', repo.dir, '--diff', 'nope..HEAD');
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/unknown revision "nope"/);
});

it('reports on a large directory exactly what an in-process scan reports', async () => {
  const big = mkdtempSync(join(work, 'big-'));
  for (let i = 0; i < 800; i++) writeFileSync(join(big, `f${i}.env`), i % 7 === 0 ? `K=${fakeAccessKeyId('AKIA', random)}\n` : `n=${i}\n`);
  const r = leakscan('scan', big, '--format', 'json');
  expect(r.code).toBe(1);
  const cli = JSON.parse(r.stdout) as { findings: Array<{ file: string; fingerprint: string }>; stats: { filesScanned: number } };
  const inProcess = await scan({ root: big });
  expect(cli.findings).toHaveLength(Math.ceil(800 / 7));
  expect(cli.findings.map((f) => [f.file, f.fingerprint])).toEqual(inProcess.findings.map((f) => [f.file, f.fingerprint]));
  expect(cli.stats.filesScanned).toBe(800);
});

it('loads the task bundle only for `leakscan task`: `scan` runs without it', () => {
  // `task` finds task/main.js beside leakscan.js (no overrides here: exit 2 naming the missing variables).
  const task = spawnSync(process.execPath, [cli, 'task'], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  expect(task.status).toBe(2);
  expect(task.stdout).toContain('"event":"invalid-configuration"');
  const alone = mkdtempSync(join(work, 'alone-'));
  const copy = join(alone, 'leakscan.js');
  writeFileSync(copy, readFileSync(cli));
  const r = spawnSync(process.execPath, [copy, 'scan', dir, '--format', 'json'], { encoding: 'utf8' });
  expect({ code: r.status, stderr: r.stderr }).toEqual({ code: 1, stderr: '' });
  expect((JSON.parse(r.stdout) as { findings: unknown[] }).findings).toHaveLength(2);
  expect(spawnSync(process.execPath, [copy, 'task'], { encoding: 'utf8' }).stderr).toContain("Cannot find module './task/main'");
});
