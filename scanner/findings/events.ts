/**
 * Findings changes → Amazon EventBridge, one event per new finding and per status change, so other
 * tools (ticketing, chat, a SIEM) subscribe with a rule instead of parsing e-mails. The detail is the
 * record (masked value and fingerprint, never a raw value) and, for a change, the previous status.
 */
import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { backoff, chunks } from './batch';
import { causeOf, FindingEventsError, type RejectedItem } from './errors';
import type { FindingChange, FindingRecord } from './record';

export const FINDING_EVENT_SOURCE = 'leakscan';
export const FINDING_DETAIL_TYPES = {
  opened: 'Leakscan Finding Opened',
  'status-changed': 'Leakscan Finding Status Changed',
} as const satisfies Record<FindingChange['type'], string>;

/** PutEvents takes at most 10 entries per call. */
export const PUT_EVENTS_BATCH_SIZE = 10;
/** Calls per entry: EventBridge refuses entries one by one (throttling, internal failures). */
const MAX_ATTEMPTS = 3;

export interface FindingEventDetail {
  record: Omit<FindingRecord, 'version'>;
  previousStatus?: FindingChange['previousStatus'];
}

export function toEventEntry(change: FindingChange, busName = 'default'): PutEventsRequestEntry {
  const record: FindingEventDetail['record'] & { version?: number } = { ...change.record };
  // The store's lock counter: meaningless to a subscriber.
  delete record.version;
  const detail: FindingEventDetail = {
    record,
    ...(change.previousStatus && { previousStatus: change.previousStatus }),
  };
  return {
    Source: FINDING_EVENT_SOURCE,
    DetailType: FINDING_DETAIL_TYPES[change.type],
    Detail: JSON.stringify(detail),
    EventBusName: busName,
    Time: new Date(change.record.updatedAt),
  };
}

interface PendingEntry {
  entry: PutEventsRequestEntry;
  /** The record's fingerprint: what a refusal is reported by. */
  id: string;
  code?: string;
}

/** Sends one batch, then again what it refused; returns what is still refused after the last attempt. */
async function putBatch(client: EventBridgeClient, batch: PendingEntry[]): Promise<RejectedItem[]> {
  let pending = batch;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS && pending.length > 0; attempt++) {
    if (attempt > 1) await backoff(attempt);
    const response = await client.send(new PutEventsCommand({ Entries: pending.map((p) => p.entry) }));
    if (!response.FailedEntryCount) return [];
    // Result entries are in request order; a refused one has an ErrorCode instead of an EventId.
    pending = pending.flatMap((p, i) => {
      const code = response.Entries?.[i]?.ErrorCode;
      return code ? [{ ...p, code }] : [];
    });
  }
  return pending.map(({ id, code }) => ({ id, code: code ?? 'unknown' }));
}

/**
 * Puts one event per change, 10 per call, retrying refused entries; after every batch was tried, a
 * FindingEventsError names (by fingerprint) the events EventBridge did not take.
 */
export async function putFindingEvents(
  client: EventBridgeClient,
  changes: readonly FindingChange[],
  busName = 'default',
): Promise<void> {
  const rejected: RejectedItem[] = [];
  const errors: unknown[] = [];
  const entries = changes.map((change) => ({ entry: toEventEntry(change, busName), id: change.record.fingerprint }));
  for (const batch of chunks(entries, PUT_EVENTS_BATCH_SIZE)) {
    try {
      rejected.push(...(await putBatch(client, batch)));
    } catch (error) {
      errors.push(error);
      rejected.push(...batch.map(({ id }) => ({ id, code: 'call-failed' })));
    }
  }
  if (rejected.length === 0) return;
  throw new FindingEventsError(
    `EventBridge did not take ${rejected.length} of ${changes.length} finding events`,
    rejected,
    causeOf(errors),
  );
}
