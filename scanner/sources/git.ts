/**
 * Running git: argument arrays only (no shell), `-C root`, and failures turned into GitError with
 * git's own message. Revisions from the user are checked not to look like options.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { GitError, UsageError } from '../errors';

/** Config that must not change what we parse, whatever the user's ~/.gitconfig says. */
const FIXED_CONFIG = ['-c', 'core.quotepath=false', '-c', 'diff.noprefix=false', '-c', 'color.ui=false', '-c', 'grep.fullName=false', '-c', 'grep.lineNumber=false'];

export function gitArgs(root: string, args: readonly string[]): string[] {
  return ['-C', root, ...FIXED_CONFIG, ...args];
}

export function checkRevision(rev: string): string {
  if (rev === '' || rev.startsWith('-') || /[\s\0]/.test(rev)) throw new UsageError(`not a git revision: ${JSON.stringify(rev)}`);
  return rev;
}

/** Runs git to completion and returns stdout; exit codes other than `ok` fail. */
export function git(root: string, args: readonly string[], ok: readonly number[] = [0]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile('git', gitArgs(root, args), { encoding: 'buffer', maxBuffer: 1 << 30 }, (err, stdout, stderr) => {
      if (err && !(typeof err.code === 'number' && ok.includes(err.code))) reject(new GitError(`git ${args[0]} failed: ${stderr.toString('utf8').trim() || err.message}`, { cause: err }));
      else resolve(stdout);
    });
  });
}

/** Starts git for streaming; `done` settles when it exits (rejects with GitError on exit codes other than `ok`). */
export function spawnGit(root: string, args: readonly string[], ok: readonly number[] = [0]): { child: ChildProcessWithoutNullStreams; done: Promise<void> } {
  const child = spawn('git', gitArgs(root, args), { stdio: ['pipe', 'pipe', 'pipe'] });
  // git may exit before reading its input (nothing to do): EPIPE here is not the failure; the exit code is.
  child.stdin.on('error', () => undefined);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    if (stderr.length < 10_000) stderr += chunk;
  });
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', (err) => reject(new GitError(`cannot run git: ${err.message}`, { cause: err })));
    child.on('close', (code) => {
      if (code !== null && ok.includes(code)) resolve();
      else reject(new GitError(`git ${args[0]} failed (exit ${code}): ${stderr.trim()}`));
    });
  });
  // Callers await `done` after consuming stdout; avoid an unhandled rejection in between.
  done.catch(() => undefined);
  return { child, done };
}

/** Fails with a clear message when `rev` does not name a commit in the repository at `root`. */
export async function resolveCommit(root: string, rev: string): Promise<string> {
  checkRevision(rev);
  const out = await git(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]).catch((err: unknown) => {
    throw new GitError(`unknown revision ${JSON.stringify(rev)} in ${root}`, { cause: err });
  });
  return out.toString('utf8').trim();
}
