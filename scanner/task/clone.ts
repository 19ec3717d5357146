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
 * PR mode: a blob-less partial fetch of the two commits, then one batched fetch of the blobs the
 * range's diffs touch (so the engine never lazy-fetches). Full mode: a depth-1 fetch of HEAD.
 * The repository's scanner settings (`.leakscan.json`, `.leakscan-baseline.json`) are taken from the
 * destination commit, never from the pull request: a PR cannot exclude or baseline its own leak.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cloneUrlSchema, commitIdSchema, type PullRequest, type ScanRequest } from '../../contracts/scan-request';
import { git as runGit, GitTimeoutError, type GitRunOptions } from '../sources/git-runner';
import { SETTINGS_FILES, type SettingsFiles } from '../repository-settings';
import type { GitCredentials } from './codecommit-credentials';
import { LeakscanError } from '../errors';

export class CloneError extends LeakscanError {}

export type ScanTarget = { diff: { base: string; head: string } } | { tree: string };

export interface FetchOptions {
  cloneUrl: string;
  /** PR mode: the pull request's commits; full mode: the remote's default branch. */
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
  /** Paths (inside the workspace) of the settings files the trusted commit has. */
  settings: SettingsFiles;
  /** Blobs fetched for PR-mode diffs. */
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
  if (
    target.mode === 'pr' &&
    ![target.pullRequest.head, target.pullRequest.base].every((id) => commitIdSchema.safeParse(id).success)
  ) {
    throw new CloneError('refusing commit: not a 40-character hex commit id');
  }

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
    await writeFile(join(root, '.git', 'config'), repositoryConfig(options.cloneUrl, target.mode === 'pr'));
    if (target.mode === 'full') return await fetchFull(git, root, workspace, cleanup);
    return await fetchPullRequest(git, root, workspace, target.pullRequest, cleanup);
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
  const head = await fetchDefaultHead(git);
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

async function fetchPullRequest(
  git: Git,
  root: string,
  workspace: string,
  { base, head }: PullRequest,
  cleanup: () => Promise<void>,
): Promise<Workspace> {
  try {
    await git([...COMMON_FETCH, '--', REMOTE, base, head]);
  } catch (byIdError) {
    // A silent server stays silent: asking again would only double the wait.
    if (byIdError instanceof GitTimeoutError) throw byIdError;
    // Servers that refuse unadvertised wants: take every branch head (commits and trees only).
    await git([...COMMON_FETCH, '--', REMOTE, `+refs/heads/*:refs/remotes/${REMOTE}/*`]).catch((error: unknown) => {
      if (error instanceof GitTimeoutError) throw error;
      throw new CloneError('fetching the pull request commits failed', {
        cause: new AggregateError([byIdError, error], 'by id, then by branch heads'),
      });
    });
  }
  const rawLog = await git([
    'log',
    '--raw',
    '--no-abbrev',
    '--no-renames',
    '--format=',
    '--end-of-options',
    `${base}..${head}`,
    '--',
  ]).catch((error: unknown) =>
    Promise.reject(new CloneError('the pull request commits are not in the repository', { cause: error })),
  );
  const settings = await settingsBlobs(git, base);
  const blobs = [...new Set([...blobsInRawLog(rawLog.toString('latin1')), ...Object.values(settings)])];
  if (blobs.length > 0) {
    // The same request git's own lazy fetch makes, batched: one round trip for all the diffs' blobs.
    await git([...COMMON_FETCH, '--no-write-fetch-head', '--stdin', '--', REMOTE], {
      input: blobs.join('\n') + '\n',
      config: ['fetch.negotiationAlgorithm=noop'],
    });
  }
  return {
    root,
    scan: { diff: { base, head } },
    settings: await writeSettings(git, workspace, settings),
    blobsFetched: blobs.length,
    cleanup,
  };
}

/** Depth-1 fetch of the remote's HEAD (its default branch); undefined for an empty repository. */
async function fetchDefaultHead(git: Git): Promise<string | undefined> {
  try {
    await git(['fetch', '--no-tags', '--progress', '--recurse-submodules=no', '--depth=1', '--', REMOTE, 'HEAD']);
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
