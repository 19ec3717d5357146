/**
 * Changes → EventBridge entries, batching and retries of refused entries (client mock). Delivery
 * through a rule to SQS on moto is in findings.int.test.ts.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { FindingEventsError } from '../../../scanner/findings/errors';
import { putFindingEvents, toEventEntry } from '../../../scanner/findings/events';
import type { FindingChange } from '../../../scanner/findings/record';
import { finding } from '../../../testkit/findings';
import { openRecord, removedRecord } from './support';

const events = mockClient(EventBridgeClient);
beforeEach(() => events.reset());
const client = events as unknown as EventBridgeClient;

const opened = (): FindingChange => ({ type: 'opened', record: openRecord() });

describe('toEventEntry', () => {
  it('carries the record without its lock counter, and the previous status of a change', () => {
    const leak = finding();
    const record = removedRecord(openRecord(leak));
    const entry = toEventEntry({ type: 'status-changed', record, previousStatus: 'open' });
    expect(entry).toMatchObject({
      Source: 'leakscan',
      DetailType: 'Leakscan Finding Status Changed',
      EventBusName: 'default',
      Time: new Date(record.updatedAt),
    });
    const detail = JSON.parse(entry.Detail!);
    expect(detail.record).not.toHaveProperty('version');
    expect(detail).toEqual({ record: { ...record, version: undefined }, previousStatus: 'open' });
    expect(entry.Detail).not.toContain(leak.secret);
  });

  it('names a new finding Opened, without a previous status', () => {
    const entry = toEventEntry(opened());
    expect(entry.DetailType).toBe('Leakscan Finding Opened');
    expect(JSON.parse(entry.Detail!)).not.toHaveProperty('previousStatus');
  });
});

describe('putFindingEvents', () => {
  it('puts at most 10 entries per call', async () => {
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    await putFindingEvents(client, Array.from({ length: 23 }, opened));
    const sizes = events.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries!.length);
    expect(sizes).toEqual([10, 10, 3]);
  });

  it('sends again only the entries EventBridge refused', async () => {
    const changes = Array.from({ length: 3 }, opened);
    events
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 1,
        Entries: [{ EventId: '1' }, { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' }, { EventId: '3' }],
      })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: '2' }] });
    await putFindingEvents(client, changes);
    const calls = events.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.args[0].input.Entries).toEqual([toEventEntry(changes[1]!)]);
  });

  it('names by fingerprint what is still refused after the last attempt, having tried every batch', async () => {
    const changes = Array.from({ length: 11 }, opened);
    events.on(PutEventsCommand).callsFake(({ Entries }: { Entries: unknown[] }) => ({
      FailedEntryCount: Entries.length === 10 ? 0 : 1,
      Entries: Entries.map(() => (Entries.length === 10 ? { EventId: 'ok' } : { ErrorCode: 'InternalFailure' })),
    }));
    const error = await putFindingEvents(client, changes).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FindingEventsError);
    expect((error as FindingEventsError).rejected).toEqual([
      { id: changes[10]!.record.fingerprint, code: 'InternalFailure' },
    ]);
    // One call for the first batch, three attempts for the second.
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(4);
  });
});
