/**
 * Fetches exactly what a scan needs into a fresh temporary repository, safely:
 * - no value from an event becomes a git option or ref name: commits are addressed by validated
 *   40-hex ids only, every positional argument follows `--`, and git runs without a shell;
 * - the repository's own config allows one transport (the clone URL's), disables hooks and
 *   fsmonitor, and ignores system/global config (HOME is the temp dir), so the scan's later git
 *   commands are restricted the same way;
 * - credentials (CodeCommit only) reach git through a constant credential helper that reads two
 *   environment variables of the fetch processes: never the URL, argv or a log line;
 * - git runs only through scanner/sources/git-runner (fixed safe settings, minimal environment); every
 *   git process has an inactivity timeout and the whole fetch an overall deadline, and a timed-out git
 *   is killed with its whole process group (its `git-remote-https` too).
 * PR and push modes: a blob-less partial fetch of the two commits, then one batched fetch of the blobs
 * the range's diffs touch (so the engine never lazy-fetches). A new branch (a push without a previous
 * head) is measured against the remote's other branch heads (see fetchNewBranch). Full mode: a depth-1
 * fetch of HEAD; incremental full mode (a history range) fetches like a push, plus the blobs of the head's
 * whole tree, scanned as well so the lifecycle still learns what is gone from the head.
 * The repository's scanner settings (`.leakscan.json`, `.leakscan-baseline.json`) are taken from the
 * trusted side, never from the commits scanned: the destination commit of a PR, the previous head of a
 * pushed branch, the default branch for a new one. No change can exclude or baseline its own leak.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cloneUrlSchema, commitIdSchema, type HistoryRange, type ScanRequest } from '../../contracts/scan-request';
import { git as runGit, GitTimeoutError, type GitRunOptions } from '../sources/git-runner';
import { SETTINGS_FILES, type SettingsFiles } from '../repository-settings';
import type { GitCredentials } from './codecommit-credentials';
import { LeakscanError } from '../errors';

export class CloneError extends LeakscanError {}

export type ScanTarget = { diff: { base: string; head: string } } | { tree: string };

export interface FetchOptions {
  cloneUrl: string;
  /** PR and push modes: the commits the change adds; full mode: the remote's default branch. */
  target: ScanRequest;
  /** Writable directory for the workspace (TMPDIR; /scratch in the container). */
  tmpRoot: string;
  /** CodeCommit HTTPS only. */
  credentials?: GitCredentials;
  /** PATH for git; nothing else of the caller's environment reaches git. */
  path?: string;
  /** Kill a git process that prints nothing (not even progress) for this long. */
  inactivityTimeoutMs?: number;
  /** Abort the whole fetch after this long. */
  totalTimeoutMs?: number;
  /** Abort the fetch when this aborts (the task's overall scan deadline). */
  signal?: AbortSignal;
}

export interface Workspace {
  /** The repository to scan (no working tree checked out). */
  root: string;
  /** What to hand to the engine; undefined when the remote repository is empty (full mode). */
  scan: ScanTarget | undefined;
  /** Incremental full mode: the head whose whole tree is scanned too (every blob of it is fetched). */
  headTree?: string;
  /** Paths (inside the workspace) of the settings files the trusted commit has. */
  settings: SettingsFiles;
  /** Blobs fetched for PR- and push-mode diffs. */
  blobsFetched: number;
  cleanup(): Promise<void>;
}

const REMOTE = 'origin';
const EMPTY_OBJECT_ID = /^0{40}$/;
const GITLINK_MODE = '160000';
/** A constant: git appends the operation (`get`, `store`, `erase`); only `get` answers. */
export const CREDENTIAL_HELPER =
  '!f() { test "$1" = get || return 0; ' +
  'printf "username=%s\\npassword=%s\\n" "$LEAKSCAN_GIT_USERNAME" "$LEAKSCAN_GIT_PASSWORD"; }; f';

/** The workspace repository's complete `.git/config` (the URL was checked: no quotes, newlines or spaces). */
export function repositoryConfig(cloneUrl: string, partial: boolean): string {
  const scheme = cloneUrl.slice(0, cloneUrl.indexOf(':'));
  const lines = [
    '[core]',
    `\trepositoryformatversion = ${partial ? 1 : 0}`,
    '\tbare = false',
    '\thooksPath = /dev/null',
    '\tfsmonitor = false',
    // index-pack streams blobs above this to disk instead of holding them in memory: a pull request
    // adding a 200 MB file must not cost the task 200 MB (the scan itself skips blobs over its limit).
    '\tbigFileThreshold = 16m',
    '[protocol]',
    '\tallow = never',
    `[protocol "${scheme}"]`,
    '\tallow = always',
    '[fetch]',
    '\trecurseSubmodules = false',
    '[gc]',
    '\tauto = 0',
    `[remote "${REMOTE}"]`,
    `\turl = ${cloneUrl}`,
  ];
  if (partial)
    lines.push('\tpromisor = true', '\tpartialclonefilter = blob:none', '[extensions]', `\tpartialClone = ${REMOTE}`);
  return lines.join('\n') + '\n';
}

/** Blob ids on both sides of every change in `git log --raw` output (no gitlinks, no zero ids). */
export function blobsInRawLog(rawLog: string): string[] {
  const blobs = new Set<string>();
  for (const line of rawLog.split('\n')) {
    if (!line.startsWith(':')) continue;
    const [oldMode, newMode, oldId, newId] = line.slice(1).split('\t', 1)[0]!.split(' ');
    for (const [mode, id] of [
      [oldMode, oldId],
      [newMode, newId],
    ] as const) {
      if (id && mode !== GITLINK_MODE && !EMPTY_OBJECT_ID.test(id)) blobs.add(id);
    }
  }
  return [...blobs];
}

/** Runs git in the workspace repository and returns its stdout; `extra` adds stdin or settings to one call. */
type Git = (args: readonly string[], extra?: Pick<GitRunOptions, 'input' | 'config'>) => Promise<Buffer>;

function workspaceGit(root: string, options: FetchOptions, workspace: string, signal: AbortSignal): Git {
  const env: Record<string, string> = {
    PATH: options.path ?? '/usr/local/bin:/usr/bin:/bin',
    // The workspace as HOME: no global config of the task's user reaches git.
    HOME: workspace,
    XDG_CONFIG_HOME: workspace,
    TMPDIR: options.tmpRoot,
    ...(options.credentials && {
      LEAKSCAN_GIT_USERNAME: options.credentials.username,
      LEAKSCAN_GIT_PASSWORD: options.credentials.password,
    }),
  };
  const base: GitRunOptions = {
    env,
    allowProtocol: options.cloneUrl.slice(0, options.cloneUrl.indexOf(':')),
    inactivityTimeoutMs: options.inactivityTimeoutMs ?? 120_000,
    signal,
    // The runner's settings clear every credential helper; this one is the only one.
    ...(options.credentials && { config: [`credential.helper=${CREDENTIAL_HELPER}`] }),
  };
  return async (args, extra = {}) => {
    const config = [...(base.config ?? []), ...(extra.config ?? [])];
    return runGit(root, args, [0], { ...base, ...extra, config });
  };
}

export async function fetchForScan(options: FetchOptions): Promise<Workspace> {
  const target = options.target;
  // Checked again here (not only in the config reader): this is where the values meet git.
  if (!cloneUrlSchema.safeParse(options.cloneUrl).success)
    throw new CloneError('refusing clone URL: not an https:// or file:/// URL of the allowed form');
  const range = target.mode === 'pr' ? target.pullRequest : target.mode === 'push' ? target.push : target.history;
  const commits = range ? [range.head, ...(range.base === undefined ? [] : [range.base])] : [];
  if (!commits.every((id) => commitIdSchema.safeParse(id).success))
    throw new CloneError('refusing commit: not a 40-character hex commit id');

  const workspace = await mkdtemp(join(options.tmpRoot, 'leakscan-'));
  const cleanup = () => rm(workspace, { recursive: true, force: true });
  const root = join(workspace, 'repo');
  const abort = new AbortController();
  const deadline = setTimeout(() => abort.abort(), options.totalTimeoutMs ?? 15 * 60_000);
  const onAbort = () => abort.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) abort.abort();
  try {
    await mkdir(root, { mode: 0o700 });
    const git = workspaceGit(root, options, workspace, abort.signal);
    await git(['init', '--quiet']);
    await writeFile(join(root, '.git', 'config'), repositoryConfig(options.cloneUrl, range !== undefined));
    if (!range) return await fetchFull(git, root, workspace, cleanup);
    if (target.mode === 'full') {
      return { root, ...(await completeRange(git, workspace, await fetchHistory(git, range), range.head)), cleanup };
    }
    const fetched = range.base
      ? await fetchRange(git, { base: range.base, head: range.head })
      : await fetchNewBranch(git, range.head);
    return { root, ...(await completeRange(git, workspace, fetched)), cleanup };
  } catch (error) {
    await cleanup();
    if (error instanceof CloneError) throw error;
    throw new CloneError(
      abort.signal.aborted || error instanceof GitTimeoutError ? 'fetch timed out' : 'fetch failed',
      { cause: error },
    );
  } finally {
    clearTimeout(deadline);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

async function fetchFull(git: Git, root: string, workspace: string, cleanup: () => Promise<void>): Promise<Workspace> {
  const head = await fetchDefaultHead(git, '--depth=1');
  if (head === undefined) return { root, scan: undefined, settings: {}, blobsFetched: 0, cleanup };
  const settings = await settingsBlobs(git, head);
  return {
    root,
    scan: { tree: head },
    settings: await writeSettings(git, workspace, settings),
    blobsFetched: 0,
    cleanup,
  };
}

const COMMON_FETCH = ['fetch', '--no-tags', '--progress', '--recurse-submodules=no', '--filter=blob:none'];
const BRANCH_HEADS = `+refs/heads/*:refs/remotes/${REMOTE}/*`;

/**
 * A new branch is measured against at most this many other heads (the most recently committed): past
 * that, a commit already on an old branch may be scanned again, never one skipped; and the boundary
 * commit's parents stay far below the argument-size limit.
 */
const MAX_BASE_HEADS = 1000;

/** The commits to scan (`base..head`, as the scanner reads a range) and where the settings come from. */
interface FetchedRange {
  range: { base: string; head: string };
  /** A commit outside the scanned range, or undefined when there is none to trust (no settings then). */
  trusted: string | undefined;
}

/** Commits and trees of `wants` (ids and refspecs); servers that refuse unadvertised ids get every branch head. */
async function fetchCommits(git: Git, wants: readonly string[]): Promise<void> {
  try {
    await git([...COMMON_FETCH, '--', REMOTE, ...wants]);
  } catch (byIdError) {
    // A silent server stays silent: asking again would only double the wait.
    if (byIdError instanceof GitTimeoutError) throw byIdError;
    await git([...COMMON_FETCH, '--', REMOTE, BRANCH_HEADS]).catch((error: unknown) => {
      if (error instanceof GitTimeoutError) throw error;
      throw new CloneError('fetching the commits to scan failed', {
        cause: new AggregateError([byIdError, error], 'by id, then by branch heads'),
      });
    });
  }
}

/** A pull request or a pushed branch: what `head` adds on top of `base`, with `base`'s settings. */
async function fetchRange(git: Git, range: { base: string; head: string }): Promise<FetchedRange> {
  await fetchCommits(git, [range.base, range.head]);
  return { range, trusted: range.base };
}

/**
 * An incremental scheduled scan: the default branch's commits since the last scanned head, with that
 * head's settings. Its whole history on a first scan, or when the last scanned head is no longer in the
 * repository (the branch was rewritten): the range would not exist, and scanning everything once beats
 * failing every night. The settings then come from the head, as in a plain full scan.
 */
async function fetchHistory(git: Git, { base, head }: HistoryRange): Promise<FetchedRange> {
  await fetchCommits(git, base ? [base, head] : [head]);
  const known = base !== undefined && (await hasCommit(git, base));
  return { range: { base: known ? base : await boundaryCommit(git, []), head }, trusted: known ? base : head };
}

async function hasCommit(git: Git, id: string): Promise<boolean> {
  try {
    await git(['cat-file', '-e', '--end-of-options', `${id}^{commit}`]);
    return true;
  } catch {
    return false;
  }
}

/**
 * A new branch has no previous head: it adds whatever none of the remote's other branch heads reaches.
 * The scanner reads one range, `base..head` (head minus all base reaches), so the base is a local commit
 * whose parents are those heads. Heads that already contain `head` are not among them: the branch itself,
 * a branch created at the same commit, a branch it was merged into since the push — each would hide the
 * pushed commits. The settings come from the default branch, unless it contains the pushed commits (the
 * repository's first branch): then there are none to trust and the defaults apply.
 */
async function fetchNewBranch(git: Git, head: string): Promise<FetchedRange> {
  await fetchCommits(git, [head, BRANCH_HEADS]);
  const others = await git([
    'for-each-ref',
    `--no-contains=${head}`,
    '--sort=-committerdate',
    `--count=${MAX_BASE_HEADS}`,
    '--format=%(objectname)',
    `refs/remotes/${REMOTE}/`,
  ]);
  const defaultHead = await fetchDefaultHead(git, '--filter=blob:none');
  // Empty when `head` is reachable from the default branch.
  const pushedOnDefault =
    defaultHead && (await git(['rev-list', '--max-count=1', '--end-of-options', head, `^${defaultHead}`])).length === 0;
  return {
    range: { base: await boundaryCommit(git, others.toString('latin1').split('\n').filter(Boolean)), head },
    trusted: pushedOnDefault ? undefined : defaultHead,
  };
}

/** A local commit with an empty tree and these parents: `it..head` is what `head` adds to all of them. */
async function boundaryCommit(git: Git, parents: readonly string[]): Promise<string> {
  const emptyTree = (await git(['mktree'], { input: '' })).toString('latin1').trim();
  const parentArgs = parents.flatMap((parent) => ['-p', parent]);
  // The workspace has no identity of its own (HOME is the workspace); the commit never leaves it.
  const identity = ['user.name=leakscan', 'user.email=leakscan@localhost'];
  const commit = await git(['commit-tree', '-m', 'leakscan: other branch heads', ...parentArgs, emptyTree], {
    config: identity,
  });
  return commit.toString('latin1').trim();
}

/**
 * The blobs of the range's diffs, the trusted settings and `headTree`'s files (when given), fetched in one
 * batch; the settings written out.
 */
async function completeRange(
  git: Git,
  workspace: string,
  { range, trusted }: FetchedRange,
  headTree?: string,
): Promise<Omit<Workspace, 'root' | 'cleanup'>> {
  const rawLog = await git([
    'log',
    '--raw',
    '--no-abbrev',
    '--no-renames',
    '--format=',
    '--end-of-options',
    `${range.base}..${range.head}`,
    '--',
  ]).catch((error: unknown) =>
    Promise.reject(new CloneError('the commits to scan are not in the repository', { cause: error })),
  );
  const settings = trusted ? await settingsBlobs(git, trusted) : {};
  const treeBlobs =
    headTree === undefined ? [] : blobsInTree(await git(['ls-tree', '-r', '-z', '--end-of-options', headTree]));
  const blobs = [...new Set([...blobsInRawLog(rawLog.toString('latin1')), ...Object.values(settings), ...treeBlobs])];
  if (blobs.length > 0) {
    // The same request git's own lazy fetch makes, batched: one round trip for all the diffs' blobs.
    await git([...COMMON_FETCH, '--no-write-fetch-head', '--stdin', '--', REMOTE], {
      input: blobs.join('\n') + '\n',
      config: ['fetch.negotiationAlgorithm=noop'],
    });
  }
  return {
    scan: { diff: range },
    ...(headTree !== undefined && { headTree }),
    settings: await writeSettings(git, workspace, settings),
    blobsFetched: blobs.length,
  };
}

/** Blob ids of a `git ls-tree -r -z` listing (`<mode> <type> <id>\t<path>` entries; gitlinks are `commit`). */
function blobsInTree(listing: Buffer): string[] {
  return listing
    .toString('latin1')
    .split('\0')
    .filter((entry) => entry.split(' ')[1] === 'blob')
    .map((entry) => entry.split(' ')[2]!.split('\t')[0]!);
}

/**
 * Fetch of the remote's HEAD (its default branch), `shape` = `--depth=1` or a filter; undefined for an
 * empty repository or one whose HEAD names no branch.
 */
async function fetchDefaultHead(git: Git, shape: string): Promise<string | undefined> {
  try {
    await git(['fetch', '--no-tags', '--progress', '--recurse-submodules=no', shape, '--', REMOTE, 'HEAD']);
  } catch (error) {
    if (error instanceof Error && /couldn't find remote ref HEAD/i.test(error.message)) return undefined;
    throw error;
  }
  return (await git(['rev-parse', '--verify', '--end-of-options', 'FETCH_HEAD^{commit}'])).toString('latin1').trim();
}

/** Blob ids of the settings files present in `commit`'s root tree (trees are local even in a partial clone). */
async function settingsBlobs(git: Git, commit: string): Promise<SettingsFiles> {
  const listing = await git(['ls-tree', '-z', '--end-of-options', commit, '--', ...Object.values(SETTINGS_FILES)]);
  const byPath = new Map(
    listing
      .toString('utf8')
      .split('\0')
      .filter((entry) => entry.includes(' blob '))
      .map((entry) => [entry.slice(entry.indexOf('\t') + 1), entry.split(' ')[2]!.split('\t')[0]!] as const),
  );
  const found: SettingsFiles = {};
  for (const [key, path] of Object.entries(SETTINGS_FILES) as Array<[keyof typeof SETTINGS_FILES, string]>) {
    const blob = byPath.get(path);
    if (blob) found[key] = blob;
  }
  return found;
}

/** Copies the settings blobs out of git into the workspace and returns their paths. */
async function writeSettings(git: Git, workspace: string, blobs: SettingsFiles): Promise<SettingsFiles> {
  const paths: SettingsFiles = {};
  for (const [key, blob] of Object.entries(blobs) as Array<[keyof typeof SETTINGS_FILES, string]>) {
    const path = join(workspace, SETTINGS_FILES[key]);
    await writeFile(path, await git(['cat-file', 'blob', blob]));
    paths[key] = path;
  }
  return paths;
}
