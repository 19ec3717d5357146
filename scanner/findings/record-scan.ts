/**
 * The entry point the scanner task calls after a scan: apply the scan to the repository's findings
 * (lifecycle.ts), store the result, then tell Security Hub and EventBridge what changed, and tell the
 * notifier which findings are new, so a scheduled scan of an unchanged repository sends nothing.
 *
 * Order matters: the store is the source of truth and decides, through its conditional writes, which
 * of two concurrent scans reports a change; publishing comes after. A store failure throws (the task
 * should then notify every finding: repeating beats silence); a Security Hub or EventBridge failure is
 * returned in `failures`, after the notifier's answer is already known.
 */
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { Finding, ScanReport } from '../../contracts/finding';
import type { ScanRequest } from '../../contracts/scan-request';
import { FindingsConflictError, FindingsError } from './errors';
import { putFindingEvents } from './events';
import { applyScan, type LifecycleResult, type ScanEvidence } from './lifecycle';
import type { FindingChange, ScanScope, Suppression, Verification } from './record';
import { importFindings, type SecurityHubTarget } from './security-hub';
import type { FindingsStore } from './store';

/** Store attempts per scan: each retry only re-applies the records another scan wrote meanwhile. */
const MAX_WRITE_ATTEMPTS = 4;

export interface FindingsSinks {
  store: FindingsStore;
  /** Opt-in: import into Security Hub. */
  securityHub?: { client: SecurityHubClient; target: SecurityHubTarget };
  /** Opt-in: one event per change on this bus (the default bus unless named). */
  events?: { client: EventBridgeClient; busName?: string };
  now?: () => Date;
}

export interface ScanToRecord {
  repository: string;
  scope: ScanScope;
  report: ScanReport;
  suppressions?: readonly Suppression[];
  verifications?: readonly Verification[];
}

export interface RecordedScan {
  /** What to report: new findings and status changes, each once across all scans. */
  changes: FindingChange[];
  /** The report's findings (every occurrence) whose value is new or open again: what to e-mail and comment. */
  notifyFindings: Finding[];
  /** Records written (new, changed, or only seen again). */
  written: number;
  /** Security Hub or EventBridge failures (the store is up to date; the next scan re-imports its records). */
  failures: FindingsError[];
}

/**
 * What a scan request covered: a pull request or a push adds a range; a full scan reads the default
 * branch's `head` (the commit the fetch resolved).
 */
export function scopeOf(request: ScanRequest, head: string): ScanScope {
  if (request.mode === 'pr') {
    return { kind: 'range', head: request.pullRequest.head, pullRequestId: request.pullRequest.id };
  }
  return request.mode === 'push' ? { kind: 'range', head: request.push.head } : { kind: 'head', head };
}

/**
 * Loads, applies, writes; on a lost race re-reads only the records concerned and re-applies the scan to
 * them, so the changes returned are exactly those this scan stored.
 */
async function applyAndStore(store: FindingsStore, evidence: ScanEvidence): Promise<LifecycleResult> {
  let result = applyScan(await store.load(evidence.repository), evidence);
  const stored: LifecycleResult = { writes: [], changes: [] };
  for (let attempt = 1; ; attempt++) {
    const conflicts = new Set((await store.save(result.writes)).conflicts);
    stored.writes.push(...result.writes.filter((record) => !conflicts.has(record.fingerprint)));
    stored.changes.push(...result.changes.filter((change) => !conflicts.has(change.record.fingerprint)));
    if (conflicts.size === 0) return stored;
    if (attempt === MAX_WRITE_ATTEMPTS) {
      throw new FindingsConflictError(
        `${conflicts.size} findings of ${evidence.repository} kept changing under ${attempt} write attempts`,
        [...conflicts],
      );
    }
    result = applyScan(await store.get(evidence.repository, [...conflicts]), evidence, conflicts);
  }
}

/** Runs the publishers side by side; what failed comes back instead of being thrown. */
async function publish(sinks: FindingsSinks, { writes, changes }: LifecycleResult): Promise<FindingsError[]> {
  const { securityHub, events } = sinks;
  const outcomes = await Promise.allSettled([
    securityHub && writes.length > 0 ? importFindings(securityHub.client, securityHub.target, writes) : undefined,
    events && changes.length > 0 ? putFindingEvents(events.client, changes, events.busName) : undefined,
  ]);
  return outcomes.flatMap((outcome) => {
    if (outcome.status === 'fulfilled') return [];
    if (outcome.reason instanceof FindingsError) return [outcome.reason];
    throw outcome.reason;
  });
}

export async function recordScan(sinks: FindingsSinks, scan: ScanToRecord): Promise<RecordedScan> {
  const now = (sinks.now ?? (() => new Date()))().toISOString();
  const { report, ...rest } = scan;
  const evidence: ScanEvidence = { ...rest, findings: report.findings, now };
  const stored = await applyAndStore(sinks.store, evidence);
  const { changes } = stored;
  const reopened = new Set(
    changes
      .filter((change) => change.type === 'opened' || change.record.status === 'open')
      .map((c) => c.record.fingerprint),
  );
  return {
    changes,
    notifyFindings: report.findings.filter((finding) => reopened.has(finding.fingerprint)),
    written: stored.writes.length,
    failures: await publish(sinks, stored),
  };
}
