/**
 * The Finding contract: what the engine produces and every reporter, notifier and the
 * JSON output (`leakscan scan --format json`) carries. `kind` values are public API.
 */
export const FINDING_KINDS = [
  'aws-access-key-id',
  'aws-secret-access-key',
  'aws-session-token',
  'aws-account-id',
  'aws-mws-key',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Finding {
  kind: FindingKind;
  ruleId: string;
  severity: Severity;
  /** Relative to the scanned root, `/` separators. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, in characters of the decoded line. */
  column: number;
  /**
   * The column just after the value (exclusive), in the same unit: SARIF `region.endColumn`. Set by
   * the engine; absent in findings rebuilt from the SNS message, which does not carry it.
   */
  endColumn?: number;
  /** Redacted form, e.g. `AKIA************WXYZ`. The raw value never leaves the engine's caller. */
  masked: string;
  /** Stable across runs and machines: sha256 over kind + raw value, hex, truncated. */
  fingerprint: string;
  /** Commit that added the line (diff / history scans only). */
  commit?: string;
}

export interface ScanStats {
  filesScanned: number;
  bytesScanned: number;
  commitsScanned?: number;
  suppressed: number;
  durationMs: number;
}

export interface ScanReport {
  findings: Finding[];
  stats: ScanStats;
}
