/**
 * cdktf.out/manifest.json → stacks in dependency order. Stack names come from the manifest only,
 * never from this code: the stacks are someone else's to rename.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ManifestError, UsageError } from './errors';

export interface StackEntry {
  name: string;
  constructPath: string;
  /** Absolute directory in which to run terraform. */
  workingDirectory: string;
  /** Absolute path of cdk.tf.json. */
  synthesizedStackPath: string;
  /** Names (not construct paths) of the stacks this one depends on. */
  dependencies: string[];
}

interface RawStack {
  name?: unknown;
  constructPath?: unknown;
  workingDirectory?: unknown;
  synthesizedStackPath?: unknown;
  dependencies?: unknown;
}

export function readManifest(cdktfOut: string): StackEntry[] {
  const path = join(cdktfOut, 'manifest.json');
  let raw: { stacks?: Record<string, RawStack> };
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ManifestError(`cannot read ${path} (run \`npx cdktf synth\` first, or drop --skip-synth)`, {
      cause: error,
    });
  }
  return parseManifest(raw, cdktfOut, path);
}

export function parseManifest(
  raw: { stacks?: Record<string, RawStack> },
  cdktfOut: string,
  label = 'manifest',
): StackEntry[] {
  if (!raw.stacks || typeof raw.stacks !== 'object') throw new ManifestError(`${label}: no "stacks" object`);
  const entries = Object.entries(raw.stacks).map(([key, stack]) => {
    const field = (name: keyof RawStack): string => {
      const value = stack[name];
      if (typeof value !== 'string' || !value) throw new ManifestError(`${label}: stack "${key}" has no ${name}`);
      return value;
    };
    const deps = stack.dependencies ?? [];
    if (!Array.isArray(deps) || deps.some((d) => typeof d !== 'string'))
      throw new ManifestError(`${label}: stack "${key}" has bad dependencies`);
    return {
      name: typeof stack.name === 'string' ? stack.name : key,
      constructPath: typeof stack.constructPath === 'string' ? stack.constructPath : key,
      workingDirectory: resolve(cdktfOut, field('workingDirectory')),
      synthesizedStackPath: resolve(cdktfOut, field('synthesizedStackPath')),
      dependencies: deps as string[],
    };
  });
  // cdktf records dependencies as construct paths; map them to stack names.
  const byPath = new Map(entries.map((e) => [e.constructPath, e.name]));
  const names = new Set(entries.map((e) => e.name));
  return entries.map((entry) => ({
    ...entry,
    dependencies: entry.dependencies.map((dep) => {
      const name = byPath.get(dep) ?? (names.has(dep) ? dep : undefined);
      if (!name) throw new ManifestError(`${label}: stack "${entry.name}" depends on unknown stack "${dep}"`);
      return name;
    }),
  }));
}

/**
 * Topological order (dependencies first); ties keep manifest order so output is stable.
 * A cycle is an error naming the stacks on it.
 */
export function orderStacks(stacks: readonly StackEntry[]): StackEntry[] {
  const byName = new Map(stacks.map((s) => [s.name, s]));
  const state = new Map<string, 'visiting' | 'done'>();
  const ordered: StackEntry[] = [];
  const visit = (stack: StackEntry, trail: string[]): void => {
    const seen = state.get(stack.name);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(stack.name)), stack.name];
      throw new ManifestError(`dependency cycle between stacks: ${cycle.join(' -> ')}`);
    }
    state.set(stack.name, 'visiting');
    for (const dep of stack.dependencies) visit(byName.get(dep)!, [...trail, stack.name]);
    state.set(stack.name, 'done');
    ordered.push(stack);
  };
  for (const stack of stacks) visit(stack, []);
  return ordered;
}

/** The stacks named on the command line (all when none), in dependency order. */
export function selectStacks(stacks: readonly StackEntry[], wanted: readonly string[]): StackEntry[] {
  const ordered = orderStacks(stacks);
  if (wanted.length === 0) return ordered;
  const unknown = wanted.filter((name) => !stacks.some((s) => s.name === name));
  if (unknown.length > 0) {
    throw new UsageError(
      `unknown stack ${unknown.map((n) => `"${n}"`).join(', ')}; the manifest has: ${stacks.map((s) => s.name).join(', ')}`,
    );
  }
  return ordered.filter((s) => wanted.includes(s.name));
}
