/** Findings for formatter and notifier tests, built from fake keys generated at run time. */
import type { PullRequestScanRequest } from '../contracts/scan-request';
import { NOTHING_SKIPPED, type Finding, type ScanReport, type ScanStats } from '../contracts/finding';
import { fingerprint, maskSecret } from '../scanner/engine/mask';
import { fakeAccessKeyId, fakeSecretAccessKey } from './fake-keys';

export type RevealedTestFinding = Finding & { secret: string };

/**
 * A finding as the engine reports it (masked, fingerprinted) plus, like scanRevealing(), the raw
 * value: every formatter and notifier must drop it.
 */
export function finding(overrides: Partial<Finding> = {}, raw = fakeAccessKeyId()): RevealedTestFinding {
  const kind = overrides.kind ?? 'aws-access-key-id';
  return {
    kind,
    ruleId: kind,
    severity: 'critical',
    file: 'src/upload.ts',
    line: 7,
    column: 18,
    endColumn: 18 + raw.length,
    masked: maskSecret(raw),
    fingerprint: fingerprint(kind, raw),
    commit: 'c0ffee0000000000000000000000000000000001',
    secret: raw,
    ...overrides,
  };
}

/** `f` as a scan without `--no-redact` reports it: the same finding without the raw value. */
export function redacted(f: RevealedTestFinding): Finding {
  const copy: Finding & { secret?: string } = { ...f };
  delete copy.secret;
  return copy;
}

export function secretFinding(overrides: Partial<Finding> = {}): RevealedTestFinding {
  return finding({ kind: 'aws-secret-access-key', line: 8, ...overrides }, fakeSecretAccessKey());
}

export function report(findings: Finding[], stats: Partial<ScanStats> = {}): ScanReport {
  const defaults: ScanStats = {
    filesScanned: 3,
    bytesScanned: 2048,
    commitsScanned: 2,
    skipped: NOTHING_SKIPPED,
    suppressed: 0,
    durationMs: 12,
  };
  return { findings, stats: { ...defaults, ...stats } };
}

/** The pull request the notification tests post about (commit ids are fixed, not secret-shaped). */
export const PULL_REQUEST: PullRequestScanRequest = {
  repository: 'payments-service',
  mode: 'pr',
  pullRequest: {
    id: '42',
    base: '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b',
    head: '9f2b6c1d0e4a7b3c5d8e9f0a1b2c3d4e5f6a7b8c',
  },
};
