/** Records at each status, built by the lifecycle itself from fake findings made at run time. */
import type { Finding } from '../../../contracts/finding';
import { applyScan } from '../../../scanner/findings/lifecycle';
import type { FindingRecord, ScanScope } from '../../../scanner/findings/record';
import { finding } from '../../../testkit/findings';

export const REPO = 'payments-service';
export const PR_SCOPE: ScanScope = { kind: 'range', head: 'a'.repeat(40), pullRequestId: '42' };
export const HEAD_SCOPE: ScanScope = { kind: 'head', head: 'b'.repeat(40) };

/** A record as the first PR scan of `f` stores it. */
export function openRecord(f: Finding = finding(), now = '2026-01-01T00:00:00.000Z'): FindingRecord {
  return applyScan(new Map(), { repository: REPO, scope: PR_SCOPE, findings: [f], now }).writes[0]!;
}

/** `record` after a full head scan that no longer sees it. */
export function removedRecord(record: FindingRecord, now = '2026-01-02T00:00:00.000Z'): FindingRecord {
  return applyScan(new Map([[record.fingerprint, record]]), { repository: REPO, scope: HEAD_SCOPE, findings: [], now })
    .writes[0]!;
}
