/**
 * gitleaks as a benchmark peer: installed by the benchmark itself from the Go module proxy into
 * .cache/go-bin (once: a marker names the version), and run on the same tree and history as leakscan.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ROOT, timed, type Timed } from './scanner-tools';

const GITLEAKS_MODULE = 'github.com/zricethezav/gitleaks/v8';
const GITLEAKS_VERSION = 'v8.30.1';
const GO_BIN = join(ROOT, '.cache', 'go-bin');

/** The gitleaks binary, installed on first use; undefined (with the reason printed) when Go is missing. */
export function ensureGitleaks(): string | undefined {
  const bin = join(GO_BIN, 'gitleaks');
  const marker = join(GO_BIN, `.gitleaks-${GITLEAKS_VERSION}`);
  if (existsSync(bin) && existsSync(marker)) return bin;
  if (spawnSync('go', ['version'], { stdio: 'ignore' }).error) {
    console.log('gitleaks: Go not found (it installs with `go install`): its rows are skipped');
    return undefined;
  }
  console.log(`installing ${GITLEAKS_MODULE}@${GITLEAKS_VERSION} into ${relative(ROOT, GO_BIN)} …`);
  mkdirSync(GO_BIN, { recursive: true });
  execFileSync('go', ['install', `${GITLEAKS_MODULE}@${GITLEAKS_VERSION}`], {
    stdio: 'inherit',
    env: { ...process.env, GOBIN: GO_BIN },
  });
  writeFileSync(marker, '');
  return bin;
}

/**
 * One gitleaks run with a JSON report in a temp file (gitleaks deletes the file `--report-path` names
 * before writing it, so never /dev/null), redacted; `findings` counts its report's entries.
 */
export function runGitleaks(bin: string, args: readonly string[], cwd: string): Timed & { findings: number } {
  const dir = mkdtempSync(join(tmpdir(), 'leakscan-bench-gitleaks-'));
  const report = join(dir, 'report.json');
  try {
    const common = [
      '--no-banner',
      '--redact',
      '--log-level',
      'error',
      '--report-format',
      'json',
      '--report-path',
      report,
    ];
    const t = timed(bin, [...args, ...common], cwd);
    const findings = existsSync(report) ? (JSON.parse(readFileSync(report, 'utf8') || '[]') as unknown[]).length : 0;
    return { ...t, findings };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
