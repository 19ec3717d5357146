/**
 * Incremental scheduled scans, fetched like the task does against real git repositories (file:// remotes):
 * the commits since the last scanned head, or all of them, plus every blob of the head's tree, and then
 * scanned offline (the remote is gone: nothing may be lazily fetched).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HistoryRange } from '../../../contracts/scan-request';
import { scan } from '../../../scanner/scan';
import { fetchForScan } from '../../../scanner/task/clone';
import { fakeAccessKeyId } from '../../../testkit/fake-keys';
import { tempRepos, type Repo } from '../../../testkit/git-repo';

const newRepo = tempRepos();
let scratch: string;
beforeAll(() => (scratch = mkdtempSync(join(tmpdir(), 'leakscan-incremental-'))));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Seen {
  /** Subjects of the range's commits, oldest first. */
  commits: string[];
  /** Files with findings: in the range's history, and in the head's tree. */
  range: string[];
  tree: string[];
}

async function scanIncrementally(repo: Repo, history: HistoryRange): Promise<Seen> {
  const target = { repository: 'ledger', mode: 'full', history } as const;
  const workspace = await fetchForScan({ cloneUrl: `file://${repo.dir}`, target, tmpRoot: scratch });
  renameSync(repo.dir, `${repo.dir}.gone`);
  try {
    const diff = workspace.scan && 'diff' in workspace.scan ? workspace.scan.diff : undefined;
    expect(workspace.headTree).toBe(history.head);
    const log = execFileSync(
      'git',
      ['-C', workspace.root, 'log', '--reverse', '--format=%s', `${diff?.base}..${diff?.head}`],
      {
        env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
        encoding: 'utf8',
      },
    );
    const files = (report: Awaited<ReturnType<typeof scan>>) => [...new Set(report.findings.map((f) => f.file))].sort();
    const options = { root: workspace.root, ...workspace.settings };
    return {
      commits: log.trim().split('\n'),
      range: files(await scan({ ...options, diff: diff! })),
      tree: files(await scan({ ...options, tree: workspace.headTree! })),
    };
  } finally {
    renameSync(`${repo.dir}.gone`, repo.dir);
    await workspace.cleanup();
  }
}

/** main: an old leak and a plain file; then a leak added and removed again since the last scan. */
function repository() {
  const repo = newRepo();
  const scanned = repo
    .write('old-leak.env', `AWS_ACCESS_KEY_ID=${fakeAccessKeyId()}\n`)
    .write('README.md', 'ledger\n')
    .commit('scanned last night');
  repo.write('brief-leak.env', `AWS_ACCESS_KEY_ID=${fakeAccessKeyId()}\n`).commit('a leak');
  repo.git('rm', '-q', 'brief-leak.env');
  const head = repo.write('NOTES.md', 'notes\n').commit('the leak removed');
  return { repo, scanned, head };
}

it('scans the commits since the last scanned head as history, and the whole head tree offline', async () => {
  const { repo, scanned, head } = repository();
  await expect(scanIncrementally(repo, { base: scanned, head })).resolves.toEqual({
    commits: ['a leak', 'the leak removed'],
    range: ['brief-leak.env'],
    tree: ['old-leak.env'],
  });
});

it('scans the whole history on a first scan', async () => {
  const { repo, head } = repository();
  await expect(scanIncrementally(repo, { head })).resolves.toEqual({
    commits: ['scanned last night', 'a leak', 'the leak removed'],
    range: ['brief-leak.env', 'old-leak.env'],
    tree: ['old-leak.env'],
  });
});

it('scans the whole history when the last scanned head is gone (the branch was rewritten)', async () => {
  const { repo, head } = repository();
  const seen = await scanIncrementally(repo, { base: 'f'.repeat(40), head });
  expect(seen.commits).toEqual(['scanned last night', 'a leak', 'the leak removed']);
});
