/**
 * Wall time of synthesizing every stack (goal: ≤ 10 s). Three views: `cdktf synth` as `npm run synth`
 * runs it (CLI + app), the app alone in a fresh process (what the CLI spawns), and the app's phases
 * in this process, so a regression can be placed. CPU time is shown too: on a busy machine wall time
 * varies with load, CPU time much less.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type * as Cdktf from 'cdktf';
import { loadConfig } from '../config/load';
import { bundleLambda } from '../scripts/bundle';
import type * as Stacks from '../stacks/app';

const ROOT = resolve(__dirname, '..');
const GOAL_MS = 10_000;
const RUNS = 3;

interface Row {
  what: string;
  wallMs: number;
  cpuMs?: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * CPU milliseconds of every finished child (and their waited-for children) of this process, from
 * Linux /proc/self/stat cutime + cstime (clock ticks, 100 per second); undefined elsewhere.
 */
function childrenCpuMs(): number | undefined {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return undefined;
  }
}

/** Median wall time and CPU time of a fresh process writing into a throwaway outdir. */
function timeProcess(what: string, args: string[]): Row {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const outdir = mkdtempSync(join(tmpdir(), 'leakscan-bench-'));
    const cpuBefore = childrenCpuMs();
    const started = performance.now();
    const run = spawnSync(args[0]!, args.slice(1), {
      cwd: ROOT,
      encoding: 'utf8',
      // The environment .ci/run synthesizes in: no checkpoint or version-check calls, no spinner.
      env: { ...process.env, CHECKPOINT_DISABLE: '1', DISABLE_VERSION_CHECK: '1', CI: 'true', CDKTF_OUTDIR: outdir },
    });
    walls.push(performance.now() - started);
    const cpuAfter = childrenCpuMs();
    if (cpuBefore !== undefined && cpuAfter !== undefined) cpus.push(cpuAfter - cpuBefore);
    rmSync(outdir, { recursive: true, force: true });
    if (run.status !== 0) throw new Error(`${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  }
  return {
    what: `${what} (median of ${RUNS})`,
    wallMs: median(walls),
    cpuMs: cpus.length > 0 ? median(cpus) : undefined,
  };
}

/** One phase in this process: wall and CPU (user + system) milliseconds. */
async function phase<T>(rows: Row[], what: string, fn: () => T | Promise<T>): Promise<T> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await fn();
  const used = process.cpuUsage(cpu);
  rows.push({ what, wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 });
  return result;
}

export async function run(): Promise<void> {
  const rows: Row[] = [];
  const outdir = mkdtempSync(join(tmpdir(), 'leakscan-bench-'));
  // require, not import: the first load of these modules is what is measured (type-only imports above).
  const { App } = await phase(rows, 'in-process: import cdktf', () => require('cdktf') as typeof Cdktf);
  const { buildApp } = await phase(
    rows,
    'in-process: import stacks (deep provider imports)',
    () => require('../stacks/app') as typeof Stacks,
  );
  const config = await phase(rows, 'in-process: read + validate config/dev.json', () => loadConfig('dev'));
  const bundle = await phase(rows, 'in-process: esbuild lambda bundle', () => bundleLambda(join(outdir, 'lambda')));
  const app = await phase(rows, 'in-process: construct 5 stacks', () => {
    const a = new App({ outdir: join(outdir, 'out') });
    buildApp(a, config, { lambdaBundleDir: bundle });
    return a;
  });
  await phase(rows, 'in-process: app.synth() (JSON + asset zip)', () => app.synth());
  rmSync(outdir, { recursive: true, force: true });

  const appOnly = timeProcess('fresh process: tsx main.ts', [process.execPath, '--import', 'tsx', 'main.ts']);
  const endToEnd = timeProcess('npm run synth = cdktf synth', [join(ROOT, 'node_modules', '.bin', 'cdktf'), 'synth']);
  // What the CLI adds around the app: loading itself, `terraform version` checks, the spinner.
  const cliCpu =
    endToEnd.cpuMs !== undefined && appOnly.cpuMs !== undefined ? endToEnd.cpuMs - appOnly.cpuMs : undefined;
  rows.push(appOnly, endToEnd, {
    what: '  of which cdktf CLI (difference)',
    wallMs: endToEnd.wallMs - appOnly.wallMs,
    cpuMs: cliCpu,
  });

  const width = Math.max(...rows.map((r) => r.what.length));
  console.log(`${'what'.padEnd(width)}  ${'wall ms'.padStart(8)}  ${'cpu ms'.padStart(8)}`);
  for (const r of rows)
    console.log(
      `${r.what.padEnd(width)}  ${r.wallMs.toFixed(0).padStart(8)}  ${(r.cpuMs === undefined ? '-' : r.cpuMs.toFixed(0)).padStart(8)}`,
    );
  const met = endToEnd.wallMs <= GOAL_MS ? 'met' : 'NOT met';
  console.log(
    `goal: npm run synth ≤ ${GOAL_MS} ms wall → ${met} (${endToEnd.wallMs.toFixed(0)} ms; 1-min load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores)`,
  );
}
