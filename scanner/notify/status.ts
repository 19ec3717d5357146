/**
 * Status changes of known findings (scanner/findings): what the message says when a leak leaves the
 * scanned head, is revoked, suppressed, or is open again. Built from stored records, which hold masked
 * values and shown paths only; listed up to a constant, so the message stays bounded whatever changed.
 */
import { SEVERITIES, type Finding } from '../../contracts/finding';
import type { FindingChange, FindingRecord, FindingStatus } from '../findings';
import { plainText } from '../report/plain-text';
import { clippedPath, KIND_LABELS, place, shortCommit } from './wording';

/** Entries listed in one message (each one is repeated in every protocol's copy); the rest are counted. */
export const MAX_LISTED_STATUS_CHANGES = 20;

/** A status change as it may leave the task: a PublicFinding's fields plus the status, before and after. */
export interface PublicStatusChange {
  kind: Finding['kind'];
  ruleId: string;
  severity: Finding['severity'];
  file: string;
  line: number;
  column: number;
  masked: string;
  fingerprint: string;
  commit?: string;
  location?: Finding['location'];
  status: FindingStatus;
  previousStatus: FindingStatus;
  statusReason: FindingRecord['statusReason'];
}

const STATUS_WORDING: Record<FindingStatus, string> = {
  open: 'open again',
  'removed-from-head':
    'removed from the scanned head; still in the history, so still a leak until the key is deactivated',
  revoked: 'revoked: verification says the key no longer works',
  suppressed: 'suppressed',
};

/** The changes of known findings' status (new findings are notified as findings), most severe first. */
export function statusChanges(changes: readonly FindingChange[]): FindingChange[] {
  return changes
    .filter((change) => change.type === 'status-changed')
    .sort(
      (a, b) =>
        SEVERITIES.indexOf(a.record.severity) - SEVERITIES.indexOf(b.record.severity) ||
        a.record.location.file.localeCompare(b.record.location.file) ||
        a.record.location.line - b.record.location.line,
    );
}

export function publicStatusChange({ record, previousStatus }: FindingChange): PublicStatusChange {
  const { kind, ruleId, severity, masked, fingerprint, location, status, statusReason } = record;
  return {
    kind,
    ruleId,
    severity,
    file: clippedPath(location.file),
    line: location.line,
    column: location.column,
    masked,
    fingerprint,
    ...(location.commit && { commit: location.commit }),
    ...(location.in !== 'content' && { location: location.in }),
    status,
    // Only absent on `opened`, which statusChanges() leaves out.
    previousStatus: previousStatus ?? status,
    statusReason,
  };
}

/** The e-mail's section on status changes; `listed` are the first of `total`. */
export function statusChangeLines(listed: readonly PublicStatusChange[], total: number): string[] {
  if (total === 0) return [];
  const lines = ['', 'Status changes of known findings (values are masked):', ''];
  listed.forEach((change, i) =>
    lines.push(
      `  ${i + 1}. ${KIND_LABELS[change.kind]} [${change.severity}]: ${STATUS_WORDING[change.status]}`,
      `     Was:         ${change.previousStatus}`,
      `     Where:       ${place(change, plainText)}`,
      `     Value:       ${plainText(change.masked)}`,
      `     Commit:      ${plainText(shortCommit(change.commit))}`,
      `     Fingerprint: ${change.fingerprint}`,
      '',
    ),
  );
  if (listed.length < total) lines.push(`  … and ${total - listed.length} more status changes.`, '');
  return lines;
}
