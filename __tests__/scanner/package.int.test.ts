/**
 * leakscan as users install it: `npm pack` (its prepack builds the bundle), `npm install -g` of the
 * tarball into a temp prefix (offline: the package has no dependencies to fetch), then the installed
 * `leakscan` run from a repository elsewhere — directly, with `--staged`, from a plain git pre-commit
 * hook, as the pre-commit framework's hook entry, and through `npx ./leakscan-<version>.tgz`.
 */
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fakeAccessKeyId, makeRandom } from '../../testkit/fake-keys';
import { tempRepos, type Repo } from '../../testkit/git-repo';
import { expectNoRawSecret } from '../../testkit/leakscan-cli';

const ROOT = resolve(__dirname, '..', '..');
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const random = makeRandom('package');
const repo = tempRepos();
let work: string;
let tarball: string;
let env: NodeJS.ProcessEnv;

const masked = (key: string) => `AKIA${'*'.repeat(12)}${key.slice(-4)}`;

function run(command: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 300_000 });
}

/** A repository elsewhere holding a key in `app.env`, not yet added. */
function repositoryWithKey(): { r: Repo; key: string } {
  const key = fakeAccessKeyId('AKIA', random);
  return { r: repo().write('app.env', `AWS_ACCESS_KEY_ID=${key}\n`), key };
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'leakscan-package-'));
  const packed = spawnSync('npm', ['pack', '--pack-destination', work], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 300_000,
  });
  expect({ status: packed.status, stderr: packed.stderr }).toMatchObject({ status: 0 });
  tarball = join(work, `leakscan-${version}.tgz`);
  const prefix = join(work, 'prefix');
  const install = [
    'install',
    '-g',
    '--prefix',
    prefix,
    '--offline',
    '--no-audit',
    '--no-fund',
    '--cache',
    join(work, 'cache'),
    tarball,
  ];
  const installed = spawnSync('npm', install, { cwd: work, encoding: 'utf8', timeout: 300_000 });
  // Offline: a runtime dependency (one that `npm install <pkg>` put under dependencies) fails here.
  expect({ status: installed.status, stderr: installed.stderr }).toMatchObject({ status: 0 });
  // The git identity of the test repositories, and the installed leakscan first on PATH.
  env = {
    ...process.env,
    PATH: `${join(prefix, 'bin')}:${process.env.PATH}`,
    GIT_AUTHOR_NAME: 'test',
    GIT_AUTHOR_EMAIL: 'test@example.invalid',
    GIT_COMMITTER_NAME: 'test',
    GIT_COMMITTER_EMAIL: 'test@example.invalid',
    GIT_CONFIG_GLOBAL: '/dev/null',
  };
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

it('packs only the built bundle, with no runtime dependencies to install', () => {
  const entries = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n').sort();
  expect(entries.filter((e) => !/^package\/(?:README\.md|LICENSE)$/.test(e))).toEqual([
    'package/dist/scanner/leakscan.js',
    'package/dist/scanner/task/main.js',
    'package/package.json',
  ]);
  const manifest = JSON.parse(
    execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }),
  ) as Record<string, unknown>;
  expect(manifest.dependencies).toBeUndefined();
  expect(manifest.bin).toEqual({ leakscan: 'dist/scanner/leakscan.js' });
  const bin = execFileSync('tar', ['-xzOf', tarball, 'package/dist/scanner/leakscan.js'], { encoding: 'utf8' });
  expect(bin.split('\n', 1)[0]).toBe('#!/usr/bin/env node');
});

it('the installed `leakscan scan .` finds a key in a repository outside the checkout (exit 1, masked)', () => {
  const { r, key } = repositoryWithKey();
  const scanned = run('leakscan', ['scan', '.'], r.dir);
  expect(scanned.status).toBe(1);
  expect(scanned.stdout).toContain(`app.env:1:19  aws-access-key-id  ${masked(key)}`);
  expectNoRawSecret({ stdout: scanned.stdout, stderr: scanned.stderr }, [key]);
  expect(run('leakscan', ['--version'], r.dir).stdout).toBe(`${version}\n`);
});

it('`leakscan scan --staged` finds the key once it is added (exit 1), not before (exit 0)', () => {
  const { r, key } = repositoryWithKey();
  expect(run('leakscan', ['scan', '--staged'], r.dir).status).toBe(0);
  r.git('add', 'app.env');
  const staged = run('leakscan', ['scan', '--staged'], r.dir);
  expect(staged.status).toBe(1);
  expect(staged.stdout).toContain(masked(key));
  expectNoRawSecret({ stdout: staged.stdout, stderr: staged.stderr }, [key]);
});

it('a plain git pre-commit hook lets a clean commit through and blocks one adding a key', () => {
  const { r, key } = repositoryWithKey();
  const hook = join(r.dir, '.git', 'hooks', 'pre-commit');
  writeFileSync(hook, '#!/bin/sh\nexec leakscan scan --staged\n');
  chmodSync(hook, 0o755);
  r.write('README.md', 'clean\n').git('add', 'README.md');
  expect(run('git', ['commit', '-q', '-m', 'clean'], r.dir).status).toBe(0);
  const head = r.git('rev-parse', 'HEAD');
  r.git('add', 'app.env');
  const blocked = run('git', ['commit', '-q', '-m', 'add a key'], r.dir);
  expect(blocked.status).not.toBe(0);
  expect(blocked.stdout + blocked.stderr).toContain(masked(key));
  expect(r.git('rev-parse', 'HEAD')).toBe(head);
  expectNoRawSecret({ stdout: blocked.stdout, stderr: blocked.stderr }, [key]);
});

it.each([
  ['git commit -a', ['commit', '-q', '-a', '-m', 'edit']],
  ['git commit PATH', ['commit', '-q', '-m', 'edit', 'README.md']],
])('the hook also blocks `%s`, which hands it a temporary index (GIT_INDEX_FILE)', (_, commit) => {
  const r = repo();
  const key = fakeAccessKeyId('AKIA', random);
  r.write('README.md', 'clean\n').commit('clean');
  const hook = join(r.dir, '.git', 'hooks', 'pre-commit');
  writeFileSync(hook, '#!/bin/sh\nexec leakscan scan --staged\n');
  chmodSync(hook, 0o755);
  const head = r.git('rev-parse', 'HEAD');
  r.write('README.md', `clean\nAWS_ACCESS_KEY_ID=${key}\n`);
  const blocked = run('git', commit, r.dir);
  expect(blocked.status).not.toBe(0);
  expect(blocked.stdout + blocked.stderr).toContain(masked(key));
  expect(r.git('rev-parse', 'HEAD')).toBe(head);
  expectNoRawSecret({ stdout: blocked.stdout, stderr: blocked.stderr }, [key]);
});

it("the pre-commit framework's hook runs the installed leakscan on staged changes, no file names passed", () => {
  const { load } = require('js-yaml') as { load(text: string): unknown };
  const hooks = load(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Array<Record<string, unknown>>;
  expect(hooks).toEqual([
    expect.objectContaining({
      id: 'leakscan',
      entry: 'leakscan scan --staged',
      language: 'system',
      pass_filenames: false,
    }),
  ]);
  // As pre-commit runs a `system` hook: the entry split into words, in the repository's top level.
  const { r, key } = repositoryWithKey();
  r.git('add', 'app.env');
  const [command, ...args] = String(hooks[0]!.entry).split(' ');
  const hooked = run(command!, args, r.dir);
  expect(hooked.status).toBe(1);
  expect(hooked.stdout).toContain(masked(key));
  expectNoRawSecret({ stdout: hooked.stdout, stderr: hooked.stderr }, [key]);
});

it('`npx ./leakscan-<version>.tgz scan .` runs the packed CLI without installing it globally', () => {
  const { r, key } = repositoryWithKey();
  const npx = ['--yes', '--offline', '--cache', join(work, 'npx-cache'), relative(r.dir, tarball), 'scan', '.'];
  const scanned = run('npx', npx, r.dir);
  expect(scanned.status).toBe(1);
  expect(scanned.stdout).toContain(masked(key));
  expectNoRawSecret({ stdout: scanned.stdout, stderr: scanned.stderr }, [key]);
});
