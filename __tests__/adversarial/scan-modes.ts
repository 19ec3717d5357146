/**
 * For the adversarial suites: one hostile change, scanned through the shipped CLI in each mode, with
 * the JSON report parsed and every output (JSON, text, stderr) checked for raw secrets.
 */
import type { Finding, ScanStats } from '../../contracts/finding';
import type { Repo } from '../../testkit/git-repo';
import { expectNoRawSecret, runCli } from '../../testkit/leakscan-cli';

export const MODES = ['directory', 'diff', 'staged', 'tree'] as const;
export type Mode = (typeof MODES)[number];

export interface Scanned {
  code: number | null;
  findings: Finding[];
  stats: ScanStats;
  /** The text report (stdout of the same scan without `--format json`). */
  text: string;
}

/**
 * Commits a harmless base, lets `change` write the hostile files, then makes them what `mode` scans
 * (committed for directory, `--diff` and `--tree`; only staged for `--staged`). Returns the scan arguments.
 */
export function prepare(r: Repo, mode: Mode, change: (r: Repo) => void): string[] {
  const base = r.write('README.md', 'base\n').commit('base');
  change(r);
  if (mode === 'staged') {
    r.git('add', '-A');
    return [r.dir, '--staged'];
  }
  const head = r.commit('change');
  if (mode === 'diff') return [r.dir, '--diff', `${base}..${head}`];
  return mode === 'tree' ? [r.dir, '--tree', head] : [r.dir];
}

/** `leakscan scan ARGS` as JSON and as text: the same exit code, and no raw secret in any output. */
export function scanCli(cli: string, args: readonly string[], secrets: readonly string[]): Scanned {
  const json = runCli(cli, ['scan', ...args, '--format', 'json']);
  const text = runCli(cli, ['scan', ...args]);
  expectNoRawSecret(
    { json: json.stdout, 'json stderr': json.stderr, text: text.stdout, 'text stderr': text.stderr },
    secrets,
  );
  expect({ code: text.code, stderr: text.stderr }).toEqual({ code: json.code, stderr: json.stderr });
  const report = JSON.parse(json.stdout) as { findings: Finding[]; stats: ScanStats };
  return { code: json.code, findings: report.findings, stats: report.stats, text: text.stdout };
}

/** The parts of findings the suites assert: kind, file, line, location (absent = content). */
export function where(findings: readonly Finding[]): Array<[string, string, number, string | undefined]> {
  return findings.map((f) => [f.kind, f.file, f.line, f.location]);
}
