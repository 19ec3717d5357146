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

/**
 * Live keys first (`--verify`: someone can use them now), then most severe, then by file and line: the
 * order of e-mails, PR comments and SARIF truncation.
 */
export function bySeverity(a: Finding, b: Finding): number {
  return (
    activeFirst(a, b) ||
    SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
    a.file.localeCompare(b.file) ||
    a.line - b.line
  );
}

/** Negative when only `a` is a verified active key, positive when only `b` is. */
export function activeFirst(a: Finding, b: Finding): number {
  return Number(b.verification === 'active') - Number(a.verification === 'active');
}

/**
 * `--verify`: what STS said of an access key id found with its secret (both findings carry it).
 * `active`: GetCallerIdentity succeeded; `inactive`: STS rejected the key id (deactivated, deleted or
 * never issued); `unknown`: no answer (network, timeout, throttling) or the pair did not sign
 * correctly (the secret beside the key id may not be its own).
 */
export const VERIFICATION_STATUSES = ['active', 'inactive', 'unknown'] as const;
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];

/**
 * Where in the scanned material a value was found. Absent means file content (the JSON output of
 * earlier versions); `path` is a file name that is itself a credential, `commit-message` a commit's message.
 */
export const FINDING_LOCATIONS = ['path', 'commit-message'] as const;
export type FindingLocation = (typeof FINDING_LOCATIONS)[number];

export const FINDING_ENCODINGS = ['base64', 'url', 'escape'] as const;
export type FindingEncoding = (typeof FINDING_ENCODINGS)[number];

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
  /**
   * Set when the value was found by decoding the text at line/column (`base64`, `url`, `escape`),
   * outermost first; `masked` and `fingerprint` are then the decoded value's.
   */
  encoding?: FindingEncoding[];
  /** The account the value belongs to, decoded offline from it (access key ids), masked like any account id. */
  accountMasked?: string;
  /** Commit that added the line (diff / history scans only). */
  commit?: string;
  /** Not file content: see FINDING_LOCATIONS. `file` and `line` then name the path or message (line 1 = subject). */
  location?: FindingLocation;
  /** Set by `--verify` on a paired access key id and secret (and session token); absent otherwise. */
  verification?: VerificationStatus;
  /** With `active`: the owning account, masked like any account id (e.g. `12********12`). */
  verifiedAccountMasked?: string;
  /** With `active`: the caller's ARN, its account masked (`arn:aws:iam::12********12:user/ci`). */
  verifiedArnMasked?: string;
}

/** Files (or, in diffs, one commit's change to one file) not scanned, by reason: never silent. */
export interface SkippedCounts {
  /** A NUL byte in the first 8,000 bytes (leakscan's own test, never git's attributes). */
  binary: number;
  /** Larger than the size limit. */
  tooLarge: number;
  /** Could not be read (permissions, vanished, not a regular file). */
  unreadable: number;
}

export interface ScanStats {
  filesScanned: number;
  bytesScanned: number;
  commitsScanned?: number;
  skipped: SkippedCounts;
  suppressed: number;
  durationMs: number;
}

export const NOTHING_SKIPPED: Readonly<SkippedCounts> = Object.freeze({ binary: 0, tooLarge: 0, unreadable: 0 });

/** Why a value was not reported: a `leakscan:allow` pragma, an `allow` pattern, a baseline entry. */
export const SUPPRESSION_REASONS = ['pragma', 'allow', 'baseline'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/** A value the scan found and did not report, by fingerprint only (for the findings lifecycle). */
export interface SuppressedValue {
  fingerprint: string;
  reason: SuppressionReason;
}

export interface ScanReport {
  findings: Finding[];
  stats: ScanStats;
  /** What `stats.suppressed` counts, one entry per occurrence; not part of the JSON report. */
  suppressed?: SuppressedValue[];
}
