/**
 * The shape both command-line tools share (`leakscan` and the ops commands): `main(argv, io)` does the
 * work and returns the exit code; every read of the process (cwd, environment) and every write goes
 * through `io`, so tests run a command in process and capture what it printed. The thin wrapper in
 * each `bin` turns typed errors into one readable line and sets `process.exitCode` (never
 * `process.exit()`, which can cut off a report still being flushed to a pipe).
 */
import { randomBytes } from 'node:crypto';
import { rmSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface CliIo {
  /** The directory relative paths on the command line are resolved against. */
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** The command's result (a report, a plan summary): nothing else, so it can be piped or redirected. */
  stdout(text: string): void;
  /** Progress, summaries and errors. */
  stderr(text: string): void;
}

export type CliMain<Io extends CliIo> = (argv: string[], io: Io) => Promise<number>;

/** How a CLI reports a failure: which errors the user can act on, and the exit codes it uses. */
export interface ErrorPolicy {
  /** Start of the error line, e.g. `leakscan: error: `. */
  prefix: string;
  /** The exit code of an error the user can act on (a typed error); undefined for a bug. */
  exitCodeOf(error: unknown): number | undefined;
  /** The exit code of a bug, which is printed with its stack. */
  bugExitCode: number;
  /**
   * Lines of a typed error's message shown after its headline, indented: the stderr tail of a failed
   * terraform is worth reading, git's usage text after a one-line reason is not.
   */
  detailLines: number;
  /** Each printed line made safe (escapes, masking): messages quote paths and names from untrusted input. */
  shown?: (line: string) => string;
}

/** The output streams of this process; each write ends with a newline. */
export function processIo(cwd = process.cwd()): CliIo {
  const line = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);
  return {
    cwd,
    env: process.env,
    stdout: (text) => process.stdout.write(line(text)),
    stderr: (text) => process.stderr.write(line(text)),
  };
}

/**
 * A typed error as the user reads it: the first line of its message, then up to `detailLines` more.
 * The message alone, never its `cause`: throwers word the message for people (and keep out what a
 * cause may quote, such as JSON.parse's piece of a file); the cause is for code and logs.
 */
function errorText(error: Error, detailLines: number): string {
  const [headline = '', ...rest] = error.message.split('\n').filter((l) => l.trim() !== '');
  return [headline, ...rest.slice(0, detailLines).map((l) => `  ${l}`)].join('\n');
}

/** Runs `main`; a typed error becomes its exit code and a message, anything else a bug with its stack. */
export async function runCli<Io extends CliIo>(
  main: CliMain<Io>,
  argv: string[],
  io: Io,
  policy: ErrorPolicy,
): Promise<number> {
  try {
    return await main(argv, io);
  } catch (error) {
    const code = policy.exitCodeOf(error);
    const typed = code !== undefined && error instanceof Error;
    const text = typed
      ? errorText(error, policy.detailLines)
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error);
    const shown = policy.shown ?? ((line: string) => line);
    io.stderr(`${policy.prefix}${text.split('\n').map(shown).join('\n')}`);
    return typed ? code : policy.bugExitCode;
  }
}

/** The `bin` wrapper: runs `main` with this process's arguments and sets the exit code it returns. */
export function runProcess<Io extends CliIo>(main: CliMain<Io>, io: Io, policy: ErrorPolicy): void {
  // Node exits once its event loop is empty, even while `main`'s promise is still pending (a stream that
  // never ended, a child whose close was missed). Such an exit must never read as 0 — "no findings" from a
  // scan that never finished — so the error code stands until `main` settles.
  let settled = false;
  process.exitCode = policy.bugExitCode;
  process.once('exit', () => {
    if (!settled) io.stderr(`${policy.prefix}internal error: exited before the command finished`);
  });
  void runCli(main, process.argv.slice(2), io, policy).then((code) => {
    settled = true;
    process.exitCode = code;
  });
}

/**
 * Writes `file` whole or not at all: a new temp file beside it (`wx`: never through a planted symlink)
 * renamed over it, so a reader (a CI upload step) never sees half a report. Owner-only, because a
 * report names where the secrets are (and holds them with `--no-redact`).
 */
export function writeFileAtomic(file: string, text: string): void {
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(temp, text, { flag: 'wx', mode: 0o600 });
    renameSync(temp, file);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}
