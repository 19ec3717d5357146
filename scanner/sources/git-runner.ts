/**
 * The one way any leakscan process runs git (CLI and Fargate task). A repository being scanned is
 * untrusted, and so is its `.git/config` (a bare repository committed inside a tree has one too), its
 * `.gitattributes` and its object store. So every call:
 * - is an argument array (no shell), with `--no-pager` and fixed `-c` settings (SAFE_CONFIG) that come
 *   after, and so win over, every config file a repository can write or include: nothing that names a
 *   program (fsmonitor, gpg, pager, askpass, credential helpers, transports) can run;
 * - gets a minimal explicit environment: nothing of the caller's GIT_* reaches git by accident;
 * - runs in its own process group, killed as a whole on inactivity, deadline, abort or early exit, so
 *   no `git-remote-https` outlives it;
 * - moves bytes (Buffers; callers decode), and keeps a bounded prefix of stderr from which a failure's
 *   message leads with git's own cause. See docs/security.md ("Running git") for why each setting.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { GitError, UsageError } from '../errors';

/** git stopped producing output, or ran past its deadline, and was killed. */
export class GitTimeoutError extends GitError {}

export interface GitRunOptions {
  /** Bytes for git's stdin (git() only; spawnGit callers write `child.stdin` themselves). */
  input?: Buffer | string;
  /** Variables added to the minimal environment (HOME, PATH or credentials of the task). */
  env?: Readonly<Record<string, string>>;
  /** Extra `key=value` settings after the safe ones: the caller's own constants, never input. */
  config?: readonly string[];
  /** The one transport this call may use (the task's fetch); every other one stays `never`. */
  allowProtocol?: string;
  /** Kill git when it prints nothing (stdout or stderr, progress included) for this long. */
  inactivityTimeoutMs?: number;
  /** Kill git when it runs longer than this. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** git() fails when stdout grows past this many bytes. */
  maxOutputBytes?: number;
}

const DEFAULT_INACTIVITY_MS = 5 * 60_000;
const DEFAULT_TIMEOUT_MS = 60 * 60_000;
const DEFAULT_MAX_OUTPUT = 256 << 20;
const STDERR_KEPT = 16 << 10;

/** Every transport git 2.39 knows; each is `never` unless the caller allows exactly one. */
const PROTOCOLS = ['file', 'git', 'ssh', 'http', 'https', 'ftp', 'ftps', 'ext', 'fd'];

/**
 * Settings on every call. Command-line `-c` is read after system, global, repository and included
 * files, so for single-valued keys the value here is the one git uses. Why each: docs/security.md.
 */
export const SAFE_CONFIG: readonly string[] = [
  'core.fsmonitor=false',
  'core.hooksPath=/dev/null',
  'core.pager=cat',
  'core.editor=true',
  'sequence.editor=true',
  'core.askPass=',
  'core.sshCommand=false',
  'core.alternateRefsCommand=true',
  'credential.helper=',
  'log.showSignature=false',
  'gpg.program=false',
  'gpg.openpgp.program=false',
  'gpg.x509.program=false',
  'gpg.ssh.program=false',
  'safe.bareRepository=explicit',
  'submodule.recurse=false',
  'core.useReplaceRefs=false',
  'protocol.allow=never',
  // What git prints, whatever a repository or ~/.gitconfig says (the parsers depend on it).
  'core.quotepath=false',
  'diff.noprefix=false',
  'color.ui=false',
  'grep.fullName=false',
  'grep.lineNumber=false',
];

/** Subcommands that read the work tree or index: pinned to the work tree git would discover. */
const WORK_TREE_COMMANDS = new Set(['ls-files', 'grep', 'diff']);
/** Subcommands that read objects only: a bare repository the caller names as root is opened explicitly. */
const OBJECT_COMMANDS = new Set(['rev-parse', 'log', 'ls-tree', 'cat-file']);

const liveGroups = new Set<number>();
let exitHookInstalled = false;

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: the group is gone already.
  }
}

/** What is at `path` (undefined when nothing, or nothing this process may look at). */
function kindOf(path: string): 'file' | 'directory' | 'other' | undefined {
  try {
    const stat = statSync(path, { throwIfNoEntry: false });
    return stat === undefined ? undefined : stat.isFile() ? 'file' : stat.isDirectory() ? 'directory' : 'other';
  } catch {
    return undefined;
  }
}

/** A directory laid out as a repository without a work tree (what git calls a git directory). */
function isGitDirectory(dir: string): boolean {
  return (
    kindOf(join(dir, 'HEAD')) === 'file' &&
    kindOf(join(dir, 'objects')) === 'directory' &&
    kindOf(join(dir, 'refs')) === 'directory'
  );
}

/**
 * `--work-tree` / `--git-dir` for `root`, found as git's own discovery would, so that a repository's
 * `core.worktree` cannot point a scan at another directory. A bare repository is opened only when it
 * is `root` itself and the command reads objects (`--tree`, `--diff` on a bare clone); for work-tree
 * commands `safe.bareRepository=explicit` makes git refuse it, so its files are scanned as files.
 */
function repositoryOptions(root: string, command: string | undefined): string[] {
  const start = resolve(root);
  const workTree = command !== undefined && WORK_TREE_COMMANDS.has(command);
  if (!workTree && !(command !== undefined && OBJECT_COMMANDS.has(command))) return [];
  for (let dir = start; ; dir = dirname(dir)) {
    if (kindOf(join(dir, '.git'))) return workTree ? [`--work-tree=${dir}`] : [];
    if (isGitDirectory(dir)) return !workTree && dir === start ? [`--git-dir=${dir}`] : [];
    if (dirname(dir) === dir) return [];
  }
}

function protocolConfig(allow: string | undefined): string[] {
  return PROTOCOLS.map((name) => `protocol.${name}.allow=${name === allow ? 'always' : 'never'}`);
}

/** The full argv after `git`. */
export function gitArgs(root: string, args: readonly string[], options: GitRunOptions = {}): string[] {
  const settings = [...SAFE_CONFIG, ...protocolConfig(options.allowProtocol), ...(options.config ?? [])];
  return [
    '--no-pager',
    '-C',
    root,
    ...repositoryOptions(root, args[0]),
    ...settings.flatMap((s) => ['-c', s]),
    ...args,
  ];
}

/**
 * The environment git runs with: nothing of the caller's beyond PATH, HOME, TMPDIR and GIT_INDEX_FILE
 * (so no GIT_DIR, GIT_CONFIG_PARAMETERS, GIT_ASKPASS, SSH_ASKPASS or GIT_EXTERNAL_DIFF), C locale so
 * git's messages are the ones this module recognises. GIT_INDEX_FILE is how `git commit -a` and
 * `git commit PATH` hand a pre-commit hook the (temporary) index being committed: without it
 * `--staged` scans the other index and passes the commit. Absolute, since git runs with `-C root`.
 */
export function gitEnv(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const inherited = Object.fromEntries(
    ['PATH', 'HOME', 'TMPDIR'].flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])),
  );
  const index = process.env.GIT_INDEX_FILE;
  return {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    ...inherited,
    ...(index ? { GIT_INDEX_FILE: resolve(index) } : {}),
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_PAGER: 'cat',
    PAGER: 'cat',
    GIT_EDITOR: 'true',
    GIT_NO_REPLACE_OBJECTS: '1',
    // Read-only commands must not write the index (or run anything that follows an index write).
    GIT_OPTIONAL_LOCKS: '0',
    ...extra,
  };
}

/** git's own reason from its stderr: the first `fatal:`/`error:` line, else the first line; escaped, capped. */
export function gitCause(stderr: string): string {
  const lines = stderr.split('\n').map((line) => line.trim());
  const line = lines.find((l) => /^(fatal|error): /.test(l)) ?? lines.find((l) => l !== '') ?? '';
  const cause = line
    .replace(/^(fatal|error): /, '')
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return cause.length > 300 ? `${cause.slice(0, 300)}…` : cause;
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A leakscan process that exits (error, early return) leaves no git behind.
  process.on('exit', () => liveGroups.forEach(killGroup));
}

/**
 * Calls `onSilent` once git has printed nothing (stdout or stderr, progress included) for `ms`, until
 * `stop`. Output waiting for a slow consumer is not git being silent. Timers run before pending pipe
 * reads, so after a consumer that kept the event loop busy git's waiting output is only seen in the
 * poll phase: the decision waits for it (setImmediate).
 */
function watchActivity(child: ChildProcessWithoutNullStreams, ms: number, onSilent: () => void): { stop(): void } {
  let activity = 0;
  let stopped = false;
  let timer = setTimeout(function check() {
    const seen = activity;
    setImmediate(() => {
      if (stopped) return;
      if (activity !== seen || child.stdout.readableLength > 0) timer = setTimeout(check, ms);
      else onSilent();
    });
  }, ms);
  const active = () => {
    activity++;
    timer.refresh();
  };
  child.stdout.on('readable', active);
  child.stderr.on('data', active);
  return {
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

export interface RunningGit {
  child: ChildProcessWithoutNullStreams;
  /** Settles when git has exited: rejects with GitError (GitTimeoutError) on exit codes other than `ok`. */
  done: Promise<void>;
  /** Kills git and every process it started. */
  stop(): void;
}

/** Starts git for streaming. Kill `child` (or call `stop`) to end it early: its whole group goes. */
export function spawnGit(
  root: string,
  args: readonly string[],
  ok: readonly number[] = [0],
  options: GitRunOptions = {},
): RunningGit {
  installExitHook();
  const command = args[0] ?? '';
  const child = spawn('git', gitArgs(root, args, options), {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
    env: gitEnv(options.env),
  });
  const pid = child.pid;
  if (pid !== undefined) liveGroups.add(pid);
  const stop = () => (pid === undefined ? undefined : killGroup(pid));
  // git may exit before reading its input (nothing to do): EPIPE here is not the failure; the exit code is.
  child.stdin.on('error', () => undefined);

  let stderr = '';
  let killedFor: GitError | undefined;
  const kill = (reason: GitError) => {
    killedFor ??= reason;
    stop();
  };
  const inactivityMs = options.inactivityTimeoutMs ?? DEFAULT_INACTIVITY_MS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const idle = watchActivity(child, inactivityMs, () =>
    kill(new GitTimeoutError(`git ${command} printed nothing for ${inactivityMs} ms (inactivity timeout)`)),
  );
  const deadline = setTimeout(
    () => kill(new GitTimeoutError(`git ${command} ran longer than ${timeoutMs} ms (deadline)`)),
    timeoutMs,
  );
  const onAbort = () => kill(new GitError(`git ${command} aborted`, { cause: options.signal?.reason }));
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();

  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < STDERR_KEPT) stderr += chunk.toString('utf8');
  });

  const done = new Promise<void>((resolveDone, reject) => {
    child.on('error', (err) => reject(new GitError(`cannot run git: ${err.message}`, { cause: err })));
    child.on('exit', () => {
      // Whatever git started (a remote helper, a pack-objects) ends with it.
      stop();
      if (pid !== undefined) liveGroups.delete(pid);
      idle.stop();
      clearTimeout(deadline);
      options.signal?.removeEventListener('abort', onAbort);
    });
    child.on('close', (code, signal) => {
      if (killedFor) reject(killedFor);
      else if (code !== null && ok.includes(code)) resolveDone();
      else reject(new GitError(`${gitCause(stderr) || 'no message'} (git ${command} exited ${code ?? signal})`));
    });
  });
  // Callers await `done` after consuming stdout; avoid an unhandled rejection in between.
  done.catch(() => undefined);
  return { child, done, stop };
}

/** Runs git to completion and returns stdout; exit codes other than `ok` fail. */
export async function git(
  root: string,
  args: readonly string[],
  ok: readonly number[] = [0],
  options: GitRunOptions = {},
): Promise<Buffer> {
  const { child, done, stop } = spawnGit(root, args, ok, options);
  child.stdin.end(options.input);
  const max = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of child.stdout) {
    length += (chunk as Buffer).length;
    if (length > max) {
      stop();
      await done.catch(() => undefined);
      throw new GitError(`git ${args[0]} printed more than ${max} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  await done;
  return Buffer.concat(chunks);
}

export function checkRevision(rev: string): string {
  if (rev === '' || rev.startsWith('-') || /[\s\0]/.test(rev))
    throw new UsageError(`not a git revision: ${JSON.stringify(rev)}`);
  return rev;
}

/** Fails with a clear message when `rev` does not name a commit in the repository at `root`. */
export async function resolveCommit(root: string, rev: string): Promise<string> {
  checkRevision(rev);
  const out = await git(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]).catch(
    (err: unknown) => {
      throw new GitError(`unknown revision ${JSON.stringify(rev)} in ${root}`, { cause: err });
    },
  );
  return out.toString('utf8').trim();
}
