/**
 * The only place that starts processes. execFile with an argument vector (never a shell), so no
 * value — stack name, repository URI, path — is ever interpreted by a shell. Commands take a Runner
 * so tests can substitute one; the integration tests use the real one with stub executables on PATH.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { CommandError } from './errors';
import { redactText } from './redact';

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Written to the child's stdin (e.g. a registry password), never logged. */
  input?: string;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export type Runner = (command: string, args: readonly string[], options?: RunOptions) => Promise<RunResult>;

// Plan JSON of a large stack runs to tens of megabytes.
const MAX_BUFFER = 512 * 1024 * 1024;

export const execRunner: Runner = (command, args, options = {}) =>
  new Promise((resolve, reject) => {
    const child = execFile(
      command,
      args,
      { cwd: options.cwd, env: options.env, maxBuffer: MAX_BUFFER, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(new CommandError(describe(command, args), null, tail(stderr), { cause: error }));
          return;
        }
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });

/** Runs a command and fails with a CommandError unless it exits with one of `okCodes`. */
export async function runChecked(
  runner: Runner,
  command: string,
  args: readonly string[],
  options: RunOptions = {},
  okCodes: readonly number[] = [0],
): Promise<RunResult> {
  const result = await runner(command, args, options);
  if (!okCodes.includes(result.code))
    throw new CommandError(describe(command, args), result.code, tail(result.stderr || result.stdout));
  return result;
}

export function describe(command: string, args: readonly string[]): string {
  return [command, ...args].join(' ');
}

/**
 * The part of a command's error output worth reading, redacted: from Terraform's first "Error:"
 * (warnings before it are noise), else the last lines; never more than `max` lines.
 */
function tail(text: string, max = 15): string {
  const lines = text.trimEnd().split('\n');
  const firstError = lines.findIndex((line) => /\bError:/.test(line));
  const start = firstError >= 0 ? firstError : Math.max(0, lines.length - max);
  return redactText(lines.slice(start, start + max).join('\n'));
}

/** Absolute path of an executable found on PATH, or undefined. */
export function which(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}
