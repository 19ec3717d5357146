/**
 * Push mode of the task's fetch against real git repositories (file:// remotes): exactly the commits a
 * push adds are scanned, and the settings come from the side the push cannot change.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Push, ScanRequest } from '../../../contracts/scan-request';
import { CloneError, fetchForScan } from '../../../scanner/task/clone';
import { fakeAccessKeyId, fakeSecretAccessKey } from '../../../testkit/fake-keys';
import { tempRepos, type Repo } from '../../../testkit/git-repo';

const newRepo = tempRepos();
let scratch: string;
beforeAll(() => (scratch = mkdtempSync(join(tmpdir(), 'leakscan-push-'))));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const leak = () =>
  `[default]\naws_access_key_id = ${fakeAccessKeyId()}\naws_secret_access_key = ${fakeSecretAccessKey()}\n`;
const SETTINGS = JSON.stringify({ exclude: ['docs/**'] });
const SILENCE = JSON.stringify({ exclude: ['**'] });
const pushOf = (push: Push): ScanRequest => ({ repository: 'payments-service', mode: 'push', push });

/**
 * Fetches the push like the task: the subjects of the commits the scanner will read (its range, oldest
 * first, read offline: the remote is gone by then) and the settings file it will use.
 */
async function scanPush(repo: Repo, push: Push): Promise<{ commits: string[]; config: string | undefined }> {
  const workspace = await fetchForScan({ cloneUrl: `file://${repo.dir}`, target: pushOf(push), tmpRoot: scratch });
  // The remote disappears: a lazy fetch of a blob the batch missed would fail.
  renameSync(repo.dir, `${repo.dir}.gone`);
  try {
    const range = workspace.scan && 'diff' in workspace.scan ? workspace.scan.diff : undefined;
    const log = (format: string) =>
      execFileSync('git', ['-C', workspace.root, 'log', '--reverse', format, `${range?.base}..${range?.head}`], {
        env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
        encoding: 'utf8',
      });
    expect(log('-p')).toContain('aws_access_key_id');
    const { configFile } = workspace.settings;
    return { commits: log('--format=%s').trim().split('\n'), config: configFile && readFileSync(configFile, 'utf8') };
  } finally {
    renameSync(`${repo.dir}.gone`, repo.dir);
    await workspace.cleanup();
  }
}

/** main: a leak and the repository's settings; feature: a leak, then the push (a leak, a silencing config, docs). */
function repositoryWithFeature() {
  const repo = newRepo();
  repo.write('leak-main.ini', leak()).write('.leakscan.json', SETTINGS).commit('main');
  repo.git('checkout', '-q', '-b', 'feature');
  const before = repo.write('leak-old.ini', leak()).commit('already pushed');
  repo.write('leak-new.ini', leak()).write('.leakscan.json', SILENCE).commit('the push: a leak');
  const after = repo.write('docs/notes.md', 'notes\n').commit('the push: docs');
  repo.git('checkout', '-q', 'main');
  return { repo, before, after };
}

describe('fetchForScan, push to an existing branch', () => {
  it('scans exactly the pushed commits, with the settings of the previous head', async () => {
    const { repo, before, after } = repositoryWithFeature();
    await expect(scanPush(repo, { base: before, head: after })).resolves.toEqual({
      commits: ['the push: a leak', 'the push: docs'],
      config: SETTINGS,
    });
  });

  it('scans what a force push brings that the old head did not have', async () => {
    const { repo, after } = repositoryWithFeature();
    repo.git('checkout', '-q', '-b', 'rewritten', 'main');
    const forced = repo.write('leak-forced.ini', leak()).commit('rewritten history');
    repo.git('checkout', '-q', 'main');
    await expect(scanPush(repo, { base: after, head: forced })).resolves.toMatchObject({
      commits: ['rewritten history'],
    });
  });
});

describe('fetchForScan, new branch', () => {
  it('scans what no other head has, even beside a twin at the same commit; default-branch settings', async () => {
    const { repo } = repositoryWithFeature();
    repo.git('checkout', '-q', '-b', 'topic', 'feature');
    repo.write('leak-topic.ini', leak()).commit('topic: a leak');
    const head = repo.write('.leakscan.json', SILENCE).commit('topic: silence the scanner');
    repo.git('branch', 'twin', head);
    repo.git('checkout', '-q', 'main');
    await expect(scanPush(repo, { head })).resolves.toEqual({
      commits: ['topic: a leak', 'topic: silence the scanner'],
      config: SETTINGS,
    });
  });

  it('scans the whole history of a repository’s first branch, with no settings (none are trusted)', async () => {
    const repo = newRepo();
    repo.write('leak-1.ini', leak()).write('.leakscan.json', SILENCE).commit('first');
    const head = repo.write('leak-2.ini', leak()).commit('second');
    await expect(scanPush(repo, { head })).resolves.toEqual({ commits: ['first', 'second'], config: undefined });
  });

  it.each([
    ['a head that is a branch name', { head: 'main' }],
    ['an option-like base', { base: '--upload-pack=touch /tmp/x', head: 'a'.repeat(40) }],
  ])('refuses %s before running git', async (_label, push) => {
    const repo = newRepo();
    await expect(
      fetchForScan({ cloneUrl: `file://${repo.dir}`, target: pushOf(push), tmpRoot: scratch }),
    ).rejects.toThrow(new CloneError('refusing commit: not a 40-character hex commit id'));
  });
});
