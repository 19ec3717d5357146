/**
 * The findings store's data model: one record per repository and fingerprint, what every adapter
 * (DynamoDB, Security Hub, EventBridge) carries. A record holds the masked value and the fingerprint
 * only: there is no field a raw secret could go into, so no code path can store or emit one.
 */
import type { FindingKind, FindingLocation, Severity } from '../../contracts/finding';

export const FINDING_STATUSES = ['open', 'removed-from-head', 'revoked', 'suppressed'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];

/** Who may suppress: the repository's baseline file, an inline pragma, or an owner's recorded decision. */
export const SUPPRESSION_SOURCES = ['baseline', 'pragma', 'allow', 'owner'] as const;
export type SuppressionSource = (typeof SUPPRESSION_SOURCES)[number];

/** Why a record has its status: the evidence of the scan (or decision) that set it. */
export type StatusReason =
  | 'detected'
  | 'seen-again'
  | 'absent-from-head'
  | 'verified-inactive'
  | 'verified-active'
  | 'suppression-lifted'
  | SuppressionSource;

/** What a scan could see: `range` only what some commits add (a pull request, a push). */
export const SCAN_KINDS = ['range', 'head', 'history'] as const;
export type ScanKind = (typeof SCAN_KINDS)[number];

export interface Sighting {
  /** The commit that added the value when the scan knows it, else the scanned head. */
  commit: string;
  /** ISO 8601. */
  at: string;
  pullRequestId?: string;
}

export interface RecordLocation {
  /** As every channel shows it (scanner/report/shown.ts): a path that is itself a credential is masked. */
  file: string;
  line: number;
  column: number;
  commit?: string;
  /** `content` for file content, else FINDING_LOCATIONS. */
  in: 'content' | FindingLocation;
}

export interface FindingRecord {
  repository: string;
  fingerprint: string;
  kind: FindingKind;
  ruleId: string;
  severity: Severity;
  /** `AKIA************WXYZ`. */
  masked: string;
  /** The first occurrence of the most recent sighting (one value may be in several files). */
  location: RecordLocation;
  firstSeen: Sighting;
  lastSeen: Sighting;
  status: FindingStatus;
  statusReason: StatusReason;
  /** `leakscan` for the scanner's own evidence, else who suppressed (an owner, `baseline`, `pragma`). */
  statusBy: string;
  /** An owner's why, clipped. */
  statusNote?: string;
  statusChangedAt: string;
  /** Last verification result, when verification ran on this value. */
  verification?: 'active' | 'inactive';
  updatedAt: string;
  /** Optimistic lock: the store writes version n only over version n - 1 (1 over nothing). */
  version: number;
}

/** A status that is new since the last scan: reported exactly once, by the writer that stored it. */
export interface FindingChange {
  type: 'opened' | 'status-changed';
  record: FindingRecord;
  /** Absent for `opened`. */
  previousStatus?: FindingStatus;
}

/** What one scan covered. */
export interface ScanScope {
  kind: ScanKind;
  /** The scanned head commit (40 hex). */
  head: string;
  pullRequestId?: string;
}

export interface Suppression {
  fingerprint: string;
  source: SuppressionSource;
  /** Who decided (an owner's identity); defaults to the source. Untrusted text: clipped when stored. */
  by?: string;
  note?: string;
}

export interface Verification {
  fingerprint: string;
  state: 'active' | 'inactive';
}
