/** Masked findings for notification tests: built from fake keys generated at run time. */
import { createHash } from 'node:crypto';
import { NOTHING_SKIPPED, type Finding, type ScanReport } from '../contracts/finding';
import { fakeAccessKeyId, fakeSecretAccessKey } from './fake-keys';

export function mask(raw: string): string {
  return raw.slice(0, 4) + '*'.repeat(raw.length - 8) + raw.slice(-4);
}

/** A finding as the engine reports it (masked) plus, like scanRevealing(), the raw value: notifiers must drop it. */
export function finding(overrides: Partial<Finding> = {}, raw = fakeAccessKeyId()): Finding & { secret: string } {
  return {
    kind: 'aws-access-key-id',
    ruleId: 'aws-access-key-id',
    severity: 'critical',
    file: 'src/upload.ts',
    line: 7,
    column: 18,
    masked: mask(raw),
    fingerprint: createHash('sha256').update(raw).digest('hex').slice(0, 16),
    commit: 'c0ffee0000000000000000000000000000000001',
    secret: raw,
    ...overrides,
  };
}

export function secretFinding(overrides: Partial<Finding> = {}): Finding & { secret: string } {
  return finding({ kind: 'aws-secret-access-key', ruleId: 'aws-secret-access-key', line: 8, ...overrides }, fakeSecretAccessKey());
}

export function report(findings: Finding[]): ScanReport {
  return { findings, stats: { filesScanned: 3, bytesScanned: 2048, commitsScanned: 2, skipped: NOTHING_SKIPPED, suppressed: 0, durationMs: 12 } };
}
