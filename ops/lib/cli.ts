/**
 * What every ops command shares: flag parsing, I/O that tests can capture, synth + manifest loading,
 * the per-stack loop that never lets one failure hide the others, and report files.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  processIo,
  runCli,
  runProcess,
  type CliIo as BaseIo,
  type CliMain,
  type ErrorPolicy,
} from '../../contracts/cli';
import { OpsError, UsageError } from './errors';
import { readManifest, selectStacks, type StackEntry } from './manifest';
import { EXIT, type Outcome } from './outcome';
import { execRunner, runChecked, type Runner } from './runner';

/** The shared CLI io (contracts/cli.ts) plus the one way ops commands start processes. */
export interface CliIo extends BaseIo {
  runner: Runner;
}

export type Main = CliMain<CliIo>;

/**
 * Exit codes as terraform's `-detailed-exitcode` gives them (0 no changes, 1 error, 2 changes), so
 * scripts around plan and drift read them as they read terraform's. Typed errors keep the stderr tail
 * of the command that failed: terraform's own words are what the user needs.
 */
const OPS_ERRORS: ErrorPolicy = {
  prefix: 'error: ',
  exitCodeOf: (error) => (error instanceof OpsError ? EXIT.error : undefined),
  bugExitCode: EXIT.error,
  detailLines: 20,
};

/**
 * `main`, except that `--help` or `-h` prints `usage` and exits 0 before anything runs: no synth, no
 * terraform, nothing that needs credentials.
 */
export function withHelp(main: Main, usage: string): Main {
  return (argv, io) => {
    if (!argv.includes('--help') && !argv.includes('-h')) return main(argv, io);
    io.stdout(usage);
    return Promise.resolve(EXIT.ok);
  };
}

/** Entry point for `tsx ops/<command>.ts`: real process I/O, exit code on process.exitCode. */
export function runMain(main: Main, usage: string): void {
  runProcess(withHelp(main, usage), { ...processIo(), runner: execRunner }, OPS_ERRORS);
}

/** Typed errors become a readable message and exit 1; anything else is a bug and keeps its stack. */
export function runWithErrors(main: Main, argv: string[], io: CliIo): Promise<number> {
  return runCli(main, argv, io, OPS_ERRORS);
}

export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: false, strict: true }).values;
  } catch (error) {
    throw new UsageError(`${(error as Error).message} (--help lists the options)`, { cause: error });
  }
}

/** Flags every stack-walking command accepts. */
export const STACK_FLAGS = {
  stack: { type: 'string', multiple: true },
  'skip-synth': { type: 'boolean' },
  'cdktf-out': { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** Non-interactive and no update check (colour is turned off per command with -no-color). */
export function terraformEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' };
}

export interface LoadOptions {
  skipSynth?: boolean;
  cdktfOut?: string;
  stacks?: string[];
}

/** Synthesizes (unless told not to) and returns the selected stacks in dependency order. */
export async function loadStacks(io: CliIo, options: LoadOptions): Promise<StackEntry[]> {
  const cdktfOut = resolve(io.cwd, options.cdktfOut ?? 'cdktf.out');
  if (!options.skipSynth) {
    io.stderr('synthesizing stacks (npx cdktf synth) …');
    // cdktf creates only the last directory of --output; a nested --cdktf-out would fail in the app.
    mkdirSync(cdktfOut, { recursive: true });
    await runChecked(io.runner, 'npx', ['cdktf', 'synth', '--output', cdktfOut], {
      cwd: io.cwd,
      env: { ...io.env, CHECKPOINT_DISABLE: '1' },
    });
  }
  const stacks = selectStacks(readManifest(cdktfOut), options.stacks ?? []);
  io.stderr(`stacks in dependency order: ${stacks.map((s) => s.name).join(' -> ')}`);
  return stacks;
}

/** Runs `fn` for each stack in order; a failure is recorded and the loop goes on. */
export async function forEachStack<T>(
  io: CliIo,
  stacks: readonly StackEntry[],
  fn: (stack: StackEntry) => Promise<T>,
): Promise<Outcome<T>[]> {
  const outcomes: Outcome<T>[] = [];
  for (const stack of stacks) {
    io.stderr(`[${stack.name}] …`);
    try {
      outcomes.push({ stack: stack.name, ok: true, value: await fn(stack) });
    } catch (error) {
      const message = error instanceof OpsError ? error.message : String(error);
      const headline = error instanceof OpsError ? error.headline : message.split('\n')[0]!;
      io.stderr(`[${stack.name}] FAILED: ${headline}`);
      outcomes.push({ stack: stack.name, ok: false, error: message, headline });
    }
  }
  return outcomes;
}

/**
 * Writes a report file. Plan JSON holds sensitive values in clear (Terraform only marks them), so
 * every file is owner-only.
 */
export function writePrivate(dir: string, name: string, content: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, content, { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}

export function displayPath(io: CliIo, path: string): string {
  const rel = relative(io.cwd, path);
  return rel.startsWith('..') ? path : rel;
}
