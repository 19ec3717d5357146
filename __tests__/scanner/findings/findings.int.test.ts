/**
 * The findings lifecycle on moto: the DynamoDB store (pagination, optimistic locking, concurrent scans),
 * Security Hub (BatchImportFindings / GetFindings) and EventBridge (a rule on the default bus → SQS),
 * through recordScan as the task calls it.
 */
import { DynamoDBClient, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import {
  BatchImportFindingsCommand,
  EnableSecurityHubCommand,
  GetFindingsCommand,
  SecurityHubClient,
  type AwsSecurityFinding,
} from '@aws-sdk/client-securityhub';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { Finding } from '../../../contracts/finding';
import { FindingsConflictError, SecurityHubImportError } from '../../../scanner/findings/errors';
import type { FindingEventDetail } from '../../../scanner/findings/events';
import type { ScanScope } from '../../../scanner/findings/record';
import { recordScan, type FindingsSinks, type ScanToRecord } from '../../../scanner/findings/record-scan';
import { DynamoFindingsStore, type FindingsStore } from '../../../scanner/findings/store';
import { finding, redacted, report, type RevealedTestFinding } from '../../../testkit/findings';
import { clientConfig, createFindingsTable, startMoto, type MotoServer } from '../../../testkit/moto';
import { HEAD_SCOPE, openRecord, PR_SCOPE, REPO } from './support';

const TABLE = 'leakscan-findings';
const ACCOUNT = '123456789012'; // moto's default account
let moto: MotoServer;
let dynamo: DynamoDBClient;
let store: DynamoFindingsStore;

beforeAll(async () => {
  moto = await startMoto();
  dynamo = new DynamoDBClient(clientConfig(moto));
}, 120_000);
afterAll(async () => moto?.stop());

beforeEach(async () => {
  await moto.reset();
  await createFindingsTable(dynamo, TABLE);
  store = new DynamoFindingsStore(dynamo, TABLE);
});

let tick = 0;
/** A clock that moves one minute per scan, so every scan's times differ. */
const clock = () => new Date(Date.UTC(2026, 0, 1, 0, ++tick));

function scanOf(scope: ScanScope, leaks: Finding[], extra: Partial<ScanToRecord> = {}): ScanToRecord {
  return {
    repository: REPO,
    scope,
    report: report(leaks.map((leak) => redacted(leak as RevealedTestFinding))),
    ...extra,
  };
}

async function tableItems(): Promise<string> {
  return JSON.stringify((await dynamo.send(new ScanCommand({ TableName: TABLE }))).Items);
}

describe('DynamoFindingsStore', () => {
  it('loads every record of a repository across query pages, and no other repository', async () => {
    // ~1.5 KB records: 800 of them exceed one 1 MB query page.
    const records = Array.from({ length: 800 }, () => openRecord(finding({ file: `src/${'deep/'.repeat(180)}x.ts` })));
    const other = { ...openRecord(), repository: 'other-service' };
    expect(await store.save([...records, other])).toEqual({ conflicts: [] });
    const firstPage = await dynamo.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'repository = :r',
        ExpressionAttributeValues: { ':r': { S: REPO } },
      }),
    );
    expect(firstPage.LastEvaluatedKey).toBeDefined();
    const loaded = await store.load(REPO);
    expect(loaded.size).toBe(800);
    expect(loaded.get(records[7]!.fingerprint)).toEqual(records[7]);
  }, 120_000);

  it('refuses a write derived from a version that is no longer stored', async () => {
    const record = openRecord();
    await store.save([record]);
    const theirs = { ...record, status: 'revoked' as const, version: 2 };
    const ours = { ...record, lastSeen: { ...record.lastSeen, at: '2026-02-01T00:00:00.000Z' }, version: 2 };
    expect(await store.save([theirs])).toEqual({ conflicts: [] });
    expect(await store.save([ours, { ...openRecord() }])).toEqual({ conflicts: [record.fingerprint] });
    expect(await store.save([record])).toEqual({ conflicts: [record.fingerprint] });
    expect((await store.get(REPO, [record.fingerprint])).get(record.fingerprint)).toEqual(theirs);
  });
});

/** Holds every load until `parties` loads have happened: the scans all read the same state, then race. */
function raceAfterLoading(inner: FindingsStore, parties: number): FindingsStore {
  let arrived = 0;
  let release: () => void = () => {};
  const allLoaded = new Promise<void>((resolve) => (release = resolve));
  return {
    load: async (repository) => {
      const records = await inner.load(repository);
      if (++arrived === parties) release();
      await allLoaded;
      return records;
    },
    get: (repository, fingerprints) => inner.get(repository, fingerprints),
    save: (records) => inner.save(records),
  };
}

describe('recordScan with concurrent scans of one repository', () => {
  it('reports a new finding once, whichever scan stores it first', async () => {
    const leak = finding();
    const racing = raceAfterLoading(store, 2);
    const results = await Promise.all([
      recordScan({ store: racing, now: clock }, scanOf(PR_SCOPE, [leak])),
      recordScan({ store: racing, now: clock }, scanOf(HEAD_SCOPE, [leak])),
    ]);
    expect(results.flatMap((r) => r.changes).map((c) => c.type)).toEqual(['opened']);
    expect(results.flatMap((r) => r.notifyFindings)).toHaveLength(1);
    // The loser re-read the winner's record and stored its own sighting on top of it.
    const stored = (await store.load(REPO)).get(leak.fingerprint)!;
    expect(stored).toMatchObject({ status: 'open', version: 2 });
  });

  it('loses neither update when one scan suppresses and another sees the finding', async () => {
    const leak = finding();
    await recordScan({ store, now: clock }, scanOf(PR_SCOPE, [leak]));
    const racing = raceAfterLoading(store, 2);
    const owner = { fingerprint: leak.fingerprint, source: 'owner' as const, by: 'alice' };
    const headScanTime = new Date(Date.UTC(2026, 5, 1));
    const results = await Promise.all([
      recordScan({ store: racing, now: clock }, scanOf(PR_SCOPE, [], { suppressions: [owner] })),
      recordScan({ store: racing, now: () => headScanTime }, scanOf(HEAD_SCOPE, [leak])),
    ]);
    expect(results.flatMap((r) => r.changes)).toEqual([
      expect.objectContaining({ type: 'status-changed', previousStatus: 'open' }),
    ]);
    expect((await store.load(REPO)).get(leak.fingerprint)).toMatchObject({
      status: 'suppressed',
      statusBy: 'alice',
      lastSeen: { at: headScanTime.toISOString(), commit: leak.commit },
      version: 3,
    });
  });

  it('gives up after a bounded number of lost races', async () => {
    let saves = 0;
    const alwaysBeaten: FindingsStore = {
      load: (repository) => store.load(repository),
      get: (repository, fingerprints) => store.get(repository, fingerprints),
      save: async (records) => {
        saves++;
        return { conflicts: records.map((r) => r.fingerprint) };
      },
    };
    const leak = finding();
    const error = await recordScan({ store: alwaysBeaten }, scanOf(PR_SCOPE, [leak])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FindingsConflictError);
    expect((error as FindingsConflictError).fingerprints).toEqual([leak.fingerprint]);
    expect(saves).toBe(4);
  });
});

/** An SQS queue that receives every `leakscan` event of the default bus. */
async function subscribeQueue(sqs: SQSClient, events: EventBridgeClient): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'finding-events' }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  await events.send(
    new PutRuleCommand({ Name: 'leakscan-findings', EventPattern: JSON.stringify({ source: ['leakscan'] }) }),
  );
  await events.send(
    new PutTargetsCommand({ Rule: 'leakscan-findings', Targets: [{ Id: 'queue', Arn: Attributes!.QueueArn }] }),
  );
  return QueueUrl!;
}

interface ReceivedEvent {
  'detail-type': string;
  detail: FindingEventDetail;
  /** The message body as delivered. */
  raw: string;
}

async function drain(sqs: SQSClient, queueUrl: string): Promise<ReceivedEvent[]> {
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
  for (const { ReceiptHandle } of Messages) {
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle }));
  }
  return Messages.map((m) => ({ ...JSON.parse(m.Body!), raw: m.Body! }));
}

async function hubFindings(securityHub: SecurityHubClient): Promise<AwsSecurityFinding[]> {
  return (await securityHub.send(new GetFindingsCommand({}))).Findings ?? [];
}

describe('recordScan through a finding’s life, with Security Hub and EventBridge', () => {
  it('stores, imports and announces each change once, and never a raw value', async () => {
    const securityHub = new SecurityHubClient(clientConfig(moto));
    const events = new EventBridgeClient(clientConfig(moto));
    const sqs = new SQSClient(clientConfig(moto));
    await securityHub.send(new EnableSecurityHubCommand({}));
    const queueUrl = await subscribeQueue(sqs, events);
    const target = { partition: 'aws', region: moto.region, accountId: ACCOUNT };
    const sinks: FindingsSinks = {
      store,
      securityHub: { client: securityHub, target },
      events: { client: events },
      now: clock,
    };
    const leak = finding();
    const raw: string[] = [];

    // A pull request adds the leak: one finding stored, one notification, one Security Hub finding, one event.
    const pr = await recordScan(sinks, scanOf(PR_SCOPE, [leak]));
    expect(pr).toMatchObject({ notifyFindings: [redacted(leak)], written: 1, failures: [] });
    const [imported] = await hubFindings(securityHub);
    expect(imported).toMatchObject({ Id: `leakscan/${REPO}/${leak.fingerprint}`, RecordState: 'ACTIVE' });
    const opened = await drain(sqs, queueUrl);
    expect(opened.map((e) => [e['detail-type'], e.detail.record.status])).toEqual([
      ['Leakscan Finding Opened', 'open'],
    ]);
    raw.push(await tableItems(), JSON.stringify(await hubFindings(securityHub)), ...opened.map((e) => e.raw));

    // The nightly scan of the merged head sees it again: nothing to notify or announce; Security Hub observes it.
    const nightly = await recordScan(sinks, scanOf(HEAD_SCOPE, [leak]));
    expect(nightly).toMatchObject({ changes: [], notifyFindings: [], written: 1, failures: [] });
    expect(await drain(sqs, queueUrl)).toEqual([]);
    const [observed] = await hubFindings(securityHub);
    expect(observed!.LastObservedAt).not.toBe(imported!.LastObservedAt);

    // A triager takes the finding (BatchUpdateFindings, which moto lacks: stood in for by an import).
    await securityHub.send(
      new BatchImportFindingsCommand({ Findings: [{ ...observed!, Workflow: { Status: 'NOTIFIED' } }] }),
    );

    // The leak is removed: removed-from-head in the table, Security Hub (still active) and one event.
    const removed = await recordScan(sinks, scanOf(HEAD_SCOPE, []));
    expect(removed.changes).toEqual([expect.objectContaining({ type: 'status-changed', previousStatus: 'open' })]);
    expect(removed.notifyFindings).toEqual([]);
    expect((await store.load(REPO)).get(leak.fingerprint)!.status).toBe('removed-from-head');
    expect((await hubFindings(securityHub))[0]).toMatchObject({
      RecordState: 'ACTIVE',
      ProductFields: expect.objectContaining({ 'leakscan/status': 'removed-from-head' }),
    });
    const statusEvents = await drain(sqs, queueUrl);
    expect(statusEvents.map((e) => [e['detail-type'], e.detail.previousStatus, e.detail.record.status])).toEqual([
      ['Leakscan Finding Status Changed', 'open', 'removed-from-head'],
    ]);

    // The key is reported inactive: revoked, archived in Security Hub, the triager's workflow untouched.
    const verified = [{ fingerprint: leak.fingerprint, state: 'inactive' as const }];
    const revoked = await recordScan(sinks, scanOf(HEAD_SCOPE, [], { verifications: verified }));
    expect(revoked.changes.map((c) => c.record.status)).toEqual(['revoked']);
    const archived = await hubFindings(securityHub);
    expect(archived).toHaveLength(1);
    expect(archived[0]).toMatchObject({ RecordState: 'ARCHIVED', Workflow: { Status: 'NOTIFIED' } });
    const revokedEvents = await drain(sqs, queueUrl);
    expect(revokedEvents).toHaveLength(1);

    raw.push(
      await tableItems(),
      JSON.stringify(archived),
      ...statusEvents.map((e) => e.raw),
      ...revokedEvents.map((e) => e.raw),
    );
    for (const text of raw) expect(text).not.toContain(leak.secret);
  }, 60_000);

  it('returns a Security Hub failure after storing, and still tells the notifier what is new', async () => {
    const unreachable = new SecurityHubClient({
      ...clientConfig(moto),
      endpoint: 'http://127.0.0.1:9',
      maxAttempts: 1,
    });
    const target = { partition: 'aws', region: moto.region, accountId: ACCOUNT };
    const leak = finding();
    const result = await recordScan(
      { store, securityHub: { client: unreachable, target }, now: clock },
      scanOf(PR_SCOPE, [leak]),
    );
    expect(result.notifyFindings).toEqual([redacted(leak)]);
    expect(result.failures).toEqual([expect.any(SecurityHubImportError)]);
    expect((await store.load(REPO)).get(leak.fingerprint)!.status).toBe('open');
  });
});
