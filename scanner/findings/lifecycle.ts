/**
 * The findings lifecycle, pure: the records a repository already has + what one scan saw → the records
 * to write and the changes to report. No I/O and no clock (the caller passes `now`), so the store can
 * re-apply it after a write conflict and get the answer the other writer left room for.
 *
 * Applying the same scan twice writes nothing the second time: that is what makes a conflict retry
 * (and a retried task) report each change once.
 */
import type { Finding } from '../../contracts/finding';
import { clip } from '../../contracts/log';
import { shownPath } from '../report/shown';
import type {
  FindingChange,
  FindingRecord,
  FindingStatus,
  ScanScope,
  Sighting,
  StatusReason,
  Suppression,
  Verification,
} from './record';

/** Longest path, owner identity and note a record keeps (Security Hub's string fields stop at 1,024). */
const MAX_PATH_CHARS = 1000;
const MAX_BY_CHARS = 128;
const MAX_NOTE_CHARS = 512;

export interface ScanEvidence {
  repository: string;
  scope: ScanScope;
  /** Masked findings of the scan; one value may occur several times. */
  findings: readonly Finding[];
  suppressions?: readonly Suppression[];
  verifications?: readonly Verification[];
  /** ISO 8601: every time the result carries. */
  now: string;
}

export interface LifecycleResult {
  /** Records that differ from what the store had (new ones have version 1). */
  writes: FindingRecord[];
  changes: FindingChange[];
}

interface StatusUpdate {
  status: FindingStatus;
  reason: StatusReason;
  by: string;
  note?: string;
}

const SCANNER = 'leakscan';

function sighting(finding: Finding, { scope, now }: ScanEvidence): Sighting {
  return {
    commit: finding.commit ?? scope.head,
    at: now,
    ...(scope.pullRequestId !== undefined && { pullRequestId: scope.pullRequestId }),
  };
}

function newRecord(finding: Finding, evidence: ScanEvidence, verification?: Verification): FindingRecord {
  const seen = sighting(finding, evidence);
  const revoked = verification?.state === 'inactive';
  return {
    repository: evidence.repository,
    fingerprint: finding.fingerprint,
    kind: finding.kind,
    ruleId: finding.ruleId,
    severity: finding.severity,
    masked: finding.masked,
    location: {
      file: clip(shownPath(finding.file), MAX_PATH_CHARS),
      line: finding.line,
      column: finding.column,
      ...(finding.commit !== undefined && { commit: finding.commit }),
      in: finding.location ?? 'content',
    },
    firstSeen: seen,
    lastSeen: seen,
    status: revoked ? 'revoked' : 'open',
    statusReason: revoked ? 'verified-inactive' : 'detected',
    statusBy: SCANNER,
    statusChangedAt: evidence.now,
    ...(verification && { verification: verification.state }),
    updatedAt: evidence.now,
    version: 1,
  };
}

/**
 * The status a known record moves to, or undefined when it keeps its own. Precedence: a suppression,
 * then verification (it knows more than any scan), then what the scan saw. A history scan sees every
 * old commit, so its sightings say nothing about the head and never reopen anything.
 */
function nextStatus(
  record: FindingRecord,
  seen: boolean,
  evidence: ScanEvidence,
  suppression?: Suppression,
  verification?: Verification,
): StatusUpdate | undefined {
  const { status } = record;
  const seenNow = seen && evidence.scope.kind !== 'history';
  if (suppression && status !== 'suppressed') {
    const by = clip(suppression.by ?? suppression.source, MAX_BY_CHARS);
    const note = suppression.note === undefined ? undefined : clip(suppression.note, MAX_NOTE_CHARS);
    return { status: 'suppressed', reason: suppression.source, by, ...(note !== undefined && { note }) };
  }
  if (status === 'suppressed') {
    // An owner's decision holds; a baseline or pragma holds only while the scanner still applies it.
    const lifted = seenNow && !suppression && record.statusReason !== 'owner';
    return lifted ? { status: 'open', reason: 'suppression-lifted', by: SCANNER } : undefined;
  }
  if (verification?.state === 'inactive' && status !== 'revoked') {
    return { status: 'revoked', reason: 'verified-inactive', by: SCANNER };
  }
  // IAM keys can be made active again: a revoked key that verifies is a live leak once more.
  if (verification?.state === 'active' && status === 'revoked') {
    return { status: 'open', reason: 'verified-active', by: SCANNER };
  }
  if (seenNow && status === 'removed-from-head') return { status: 'open', reason: 'seen-again', by: SCANNER };
  // Only a scan of the whole head (or of all history, which contains the head) proves absence.
  if (!seen && evidence.scope.kind !== 'range' && status === 'open') {
    return { status: 'removed-from-head', reason: 'absent-from-head', by: SCANNER };
  }
  return undefined;
}

function withStatus(record: FindingRecord, update: StatusUpdate, now: string): FindingRecord {
  const next: FindingRecord = {
    ...record,
    status: update.status,
    statusReason: update.reason,
    statusBy: update.by,
    statusNote: update.note,
    statusChangedAt: now,
  };
  // A note belongs to the decision it explains: a later status must not inherit it.
  if (update.note === undefined) delete next.statusNote;
  return next;
}

/**
 * What a record says, bookkeeping aside, as JSON with sorted keys: two records are the same whatever
 * order their fields were built in.
 */
function canonical(record: FindingRecord): string {
  return JSON.stringify({ ...record, version: 0, updatedAt: '' }, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/** The known record updated by the evidence about its fingerprint; undefined when nothing changed. */
function updatedRecord(
  known: FindingRecord,
  found: Finding | undefined,
  evidence: ScanEvidence,
  suppression?: Suppression,
  verification?: Verification,
): FindingRecord | undefined {
  let next: FindingRecord = { ...known };
  if (found) {
    const fresh = newRecord(found, evidence);
    next = { ...next, lastSeen: fresh.lastSeen, location: fresh.location };
  }
  if (verification) next.verification = verification.state;
  const update = nextStatus(known, found !== undefined, evidence, suppression, verification);
  if (update) next = withStatus(next, update, evidence.now);
  if (canonical(next) === canonical(known)) return undefined;
  return { ...next, updatedAt: evidence.now, version: known.version + 1 };
}

function byFingerprint<T extends { fingerprint: string }>(items: readonly T[]): Map<string, T> {
  const map = new Map<string, T>();
  // The first occurrence wins: the engine reports in file and line order.
  for (const item of items) if (!map.has(item.fingerprint)) map.set(item.fingerprint, item);
  return map;
}

/**
 * Applies one scan to the known records of its repository. `only` limits the work to some
 * fingerprints (the store's conflict retry re-applies the scan to the records it lost the race for).
 */
export function applyScan(
  known: ReadonlyMap<string, FindingRecord>,
  evidence: ScanEvidence,
  only?: ReadonlySet<string>,
): LifecycleResult {
  const found = byFingerprint(evidence.findings);
  const suppressions = byFingerprint(evidence.suppressions ?? []);
  const verifications = byFingerprint(evidence.verifications ?? []);
  const result: LifecycleResult = { writes: [], changes: [] };
  for (const fingerprint of new Set([...known.keys(), ...found.keys()])) {
    if (only && !only.has(fingerprint)) continue;
    const previous = known.get(fingerprint);
    const finding = found.get(fingerprint);
    const suppression = suppressions.get(fingerprint);
    const verification = verifications.get(fingerprint);
    const next = previous
      ? updatedRecord(previous, finding, evidence, suppression, verification)
      : finding && newRecord(finding, evidence, verification);
    if (!next) continue;
    result.writes.push(next);
    if (!previous) result.changes.push({ type: 'opened', record: next });
    else if (next.status !== previous.status) {
      result.changes.push({ type: 'status-changed', record: next, previousStatus: previous.status });
    }
  }
  return result;
}
