/**
 * The shipped CLI (esbuild bundle of scanner/bin.ts) run as a child process, and the check every
 * hostile-input test ends with: no raw secret in anything leakscan printed or wrote.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleScanner } from '../scripts/bundle';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Builds the CLI bundle once into a fresh temp directory; returns the path of `leakscan.js`. */
export function buildCli(): string {
  return bundleScanner(join(mkdtempSync(join(tmpdir(), 'leakscan-cli-')), 'dist'));
}

export function runCli(
  cli: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): CliRun {
  const r = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    cwd: options.cwd,
    env: options.env ?? process.env,
    timeout: options.timeoutMs ?? 60_000,
    maxBuffer: 64 << 20,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Fails (naming the output, never printing the value) when any raw secret occurs in any of `outputs`
 * (stdout, stderr, reports, log lines, SNS messages, PR comments …).
 */
export function expectNoRawSecret(outputs: Record<string, string>, secrets: readonly string[]): void {
  const leaks = Object.entries(outputs).flatMap(([name, text]) =>
    secrets.flatMap((secret, i) => (text.includes(secret) ? [`${name} contains secret #${i}`] : [])),
  );
  expect(leaks).toEqual([]);
}
