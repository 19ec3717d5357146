/**
 * Hostile names through the shipped CLI (the esbuild bundle, as users run it): a file name that forges
 * a report line, a file named after an access key id, a key pasted into a commit message. Each case
 * asserts the exact lines printed and that no raw secret appears in stdout or stderr of any format.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprint, maskSecret } from '../../scanner/engine/mask';
import { fakeAccessKeyId, makeRandom } from '../../testkit/fake-keys';
import { tempRepos } from '../../testkit/git-repo';
import { buildCli, expectNoRawSecret, runCli, type CliRun } from '../../testkit/leakscan-cli';

const random = makeRandom('phishing-cli');
const id = fakeAccessKeyId('AKIA', random);
const nameId = fakeAccessKeyId('AKIA', random);
const newRepo = tempRepos();
let work: string;
let cli: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'leakscan-phishing-'));
  cli = buildCli();
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A fresh directory holding `files` (name → content). */
function directory(files: Record<string, string>): string {
  const dir = mkdtempSync(join(work, 'dir-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

function scanAll(args: readonly string[]): Record<'text' | 'json' | 'sarif', CliRun> {
  const run = (format: string) => runCli(cli, ['scan', ...args, '--format', format]);
  return { text: run('text'), json: run('json'), sarif: run('sarif') };
}

function printed(runs: Record<string, CliRun>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(runs).flatMap(([f, r]) => [
      [`${f} stdout`, r.stdout],
      [`${f} stderr`, r.stderr],
    ]),
  );
}

const print = (value: string) => fingerprint('aws-access-key-id', value);

it('a file name cannot forge a "No findings" line: newline and ANSI escapes are printed as escapes', () => {
  const forged = 'notes\n\x1b[1A\x1b[2KNo findings in 1 file (1 B); 0 suppressed; 1 ms';
  const r = runCli(cli, ['scan', directory({ [forged]: `key = ${id}\n` })]);
  expect(r.code).toBe(1);
  const lines = r.stdout.split('\n');
  expect(lines).toHaveLength(3);
  expect(lines[0]).toBe(
    String.raw`notes\n\x1b[1A\x1b[2KNo findings in 1 file (1 B); 0 suppressed; 1 ms:1:7` +
      `  aws-access-key-id  ${maskSecret(id)}  fingerprint ${print(id)}`,
  );
  expect(lines[1]).toMatch(/^1 finding in 1 file, 1 file scanned \(\d+ B\); 0 suppressed; \d+ ms$/);
  expect(r.stdout).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/);
  expectNoRawSecret({ stdout: r.stdout, stderr: r.stderr }, [id]);
});

it('a file named after an access key id is reported and printed masked in text, JSON and SARIF', () => {
  const shown = `${maskSecret(nameId)}.txt`;
  const runs = scanAll([directory({ [`${nameId}.txt`]: `key = ${id}\n` })]);
  for (const r of Object.values(runs)) expect(r.code).toBe(1);
  expect(runs.text.stdout.split('\n').slice(0, 2).sort()).toEqual([
    `${shown} (file name)  aws-access-key-id  ${maskSecret(nameId)}  fingerprint ${print(nameId)}`,
    `${shown}:1:7  aws-access-key-id  ${maskSecret(id)}  fingerprint ${print(id)}`,
  ]);
  const json = JSON.parse(runs.json.stdout) as { findings: Array<{ file: string; location?: string }> };
  expect(json.findings.map((f) => [f.file, f.location ?? 'content']).sort()).toEqual([
    [shown, 'content'],
    [shown, 'path'],
  ]);
  type Result = { locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> };
  const sarif = JSON.parse(runs.sarif.stdout) as { runs: Array<{ results: Result[] }> };
  const uris = sarif.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri);
  expect(uris).toEqual([shown, shown]);
  expectNoRawSecret(printed(runs), [id, nameId]);
});

it('a key pasted into a commit message is reported as the commit message, masked, in every format', () => {
  const repo = newRepo();
  const base = repo.write('README', 'nothing here\n').commit('base');
  mkdirSync(join(repo.dir, 'docs'));
  const head = repo.write('docs/notes.md', 'ok\n').commit(`deploy\n\nused aws_access_key_id=${id} to test`);
  const runs = scanAll([repo.dir, '--diff', `${base}..${head}`]);
  for (const r of Object.values(runs)) expect(r.code).toBe(1);
  expect(runs.text.stdout.split('\n')[0]).toBe(
    `commit message:3:24  aws-access-key-id  ${maskSecret(id)}  fingerprint ${print(id)}  commit ${head.slice(0, 12)}`,
  );
  expect(runs.text.stdout.split('\n')[1]).toMatch(/^1 finding in 1 commit message, 1 file in 1 commit scanned /);
  expect(JSON.parse(runs.json.stdout).findings).toEqual([
    expect.objectContaining({ location: 'commit-message', commit: head }),
  ]);
  const [run] = JSON.parse(runs.sarif.stdout).runs;
  expect(run.results).toEqual([]);
  expect(run.invocations[0].toolExecutionNotifications[0].message.text).toMatch(
    /^1 finding in commit messages left out/,
  );
  expectNoRawSecret(printed(runs), [id]);
});
