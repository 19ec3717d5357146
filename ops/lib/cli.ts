/**
 * What every ops command shares: flag parsing, I/O that tests can capture, synth + manifest loading,
 * the per-stack loop that never lets one failure hide the others, and report files.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { OpsError, UsageError } from './errors';
import { readManifest, selectStacks, type StackEntry } from './manifest';
import { EXIT, type Outcome } from './outcome';
import { execRunner, runChecked, type Runner } from './runner';

export interface CliIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Report output (text or JSON). */
  stdout: (text: string) => void;
  /** Progress and diagnostics, so `--json` stdout stays machine-readable. */
  stderr: (text: string) => void;
  runner: Runner;
}

export type Main = (argv: string[], io: CliIo) => Promise<number>;

/** Entry point for `tsx ops/<command>.ts`: real process I/O, exit code on process.exitCode. */
export function runMain(main: Main): void {
  const io: CliIo = {
    cwd: process.cwd(),
    env: process.env,
    stdout: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    stderr: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    runner: execRunner,
  };
  runWithErrors(main, process.argv.slice(2), io).then((code) => {
    process.exitCode = code;
  });
}

/** Typed errors become one readable line and exit 1; anything else is a bug and keeps its stack. */
export async function runWithErrors(main: Main, argv: string[], io: CliIo): Promise<number> {
  try {
    return await main(argv, io);
  } catch (error) {
    io.stderr(error instanceof OpsError ? `error: ${error.message}` : `error: ${(error as Error)?.stack ?? String(error)}`);
    return EXIT.error;
  }
}

export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: false, strict: true }).values;
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
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
    await runChecked(io.runner, 'npx', ['cdktf', 'synth', '--output', cdktfOut], { cwd: io.cwd, env: { ...io.env, CHECKPOINT_DISABLE: '1' } });
  }
  const stacks = selectStacks(readManifest(cdktfOut), options.stacks ?? []);
  io.stderr(`stacks in dependency order: ${stacks.map((s) => s.name).join(' -> ')}`);
  return stacks;
}

/** Runs `fn` for each stack in order; a failure is recorded and the loop goes on. */
export async function forEachStack<T>(io: CliIo, stacks: readonly StackEntry[], fn: (stack: StackEntry) => Promise<T>): Promise<Outcome<T>[]> {
  const outcomes: Outcome<T>[] = [];
  for (const stack of stacks) {
    io.stderr(`[${stack.name}] …`);
    try {
      outcomes.push({ stack: stack.name, ok: true, value: await fn(stack) });
    } catch (error) {
      const message = error instanceof OpsError ? error.message : String(error);
      const headline = message.split('\n').find((line) => /\bError:/.test(line)) ?? message.split('\n')[0];
      io.stderr(`[${stack.name}] FAILED: ${headline!.replace(/^[\s│╷╵]+/, '')}`);
      outcomes.push({ stack: stack.name, ok: false, error: message });
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
