/**
 * Incremental scheduled scans: what a scan-queue message starts given the repository's default-branch head
 * now and the head its last scan recorded (scheduledLaunch), and how the consumer acts on it.
 */
import { ECSClient, RunTaskCommand, type RunTaskCommandInput } from '@aws-sdk/client-ecs';
import { ChangeMessageVisibilityBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { TASK_ENV } from '../../contracts/env';
import { createLogger } from '../../contracts/log';
import { clientToken } from '../../lambda/runtask';
import { scheduledLaunch, type HeadSource, type ScanMessage } from '../../lambda/scan-queue';
import { createScanQueueConsumer } from '../../lambda/scan-queue-consumer';
import { captureOutput, testConfig } from './support';

const OLD = 'a'.repeat(40);
const NEW = 'b'.repeat(40);
const message: ScanMessage = { repository: 'ledger', region: 'us-east-1', time: '2026-03-05T02:00:00Z' };
const KEY = ['full', 'ledger', message.time];

function heads(current: string | undefined, scanned: string | undefined): HeadSource {
  return { current: () => Promise.resolve(current), scanned: () => Promise.resolve(scanned) };
}

describe('scheduledLaunch', () => {
  it('scans the commits since the last scanned head when the default branch moved', async () => {
    await expect(scheduledLaunch(message, heads(NEW, OLD))).resolves.toEqual({
      request: { repository: 'ledger', mode: 'full', history: { base: OLD, head: NEW } },
      region: 'us-east-1',
      idempotencyKey: KEY,
    });
  });

  it('starts nothing when the head has not moved', async () => {
    await expect(scheduledLaunch(message, heads(OLD, OLD))).resolves.toBeUndefined();
  });

  it('scans the whole history of a repository never scanned before', async () => {
    const launch = await scheduledLaunch(message, heads(NEW, undefined));
    expect(launch?.request).toEqual({ repository: 'ledger', mode: 'full', history: { head: NEW } });
  });

  it('starts nothing for a repository without a default branch (no commits yet)', async () => {
    await expect(scheduledLaunch(message, heads(undefined, undefined))).resolves.toBeUndefined();
    await expect(scheduledLaunch(message, heads(undefined, OLD))).resolves.toBeUndefined();
  });

  it('scans the tip, as before, when no heads are remembered (no findings table)', async () => {
    const launch = await scheduledLaunch(message);
    expect(launch).toEqual({
      request: { repository: 'ledger', mode: 'full' },
      region: 'us-east-1',
      idempotencyKey: KEY,
    });
  });
});

describe('the consumer with heads', () => {
  const ecsMock = mockClient(ECSClient);
  const sqsMock = mockClient(SQSClient);
  let output: ReturnType<typeof captureOutput>;
  const current = new Map<string, string>();
  const scanned = new Map<string, string>();
  const consumer = createScanQueueConsumer({
    config: testConfig(),
    ecs: new ECSClient({ region: 'us-east-1' }),
    sqs: new SQSClient({ region: 'us-east-1' }),
    log: createLogger({ service: 'leakscan-scan-queue' }),
    heads: {
      current: (repository) => Promise.resolve(current.get(repository)),
      scanned: async (repository) => {
        if (repository === 'throttled')
          throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
        return scanned.get(repository);
      },
    },
    random: () => 1,
  });
  const record = (repository: string) => ({
    messageId: `m-${repository}`,
    receiptHandle: `rh-${repository}`,
    body: JSON.stringify({ ...message, repository }),
    attributes: { ApproximateReceiveCount: '1' },
  });
  const env = (input: RunTaskCommandInput) =>
    Object.fromEntries((input.overrides?.containerOverrides?.[0]?.environment ?? []).map((e) => [e.name, e.value]));

  beforeEach(() => {
    ecsMock.reset();
    sqsMock.reset();
    ecsMock.on(RunTaskCommand).resolves({ tasks: [{ taskArn: 'arn:aws:ecs:us-east-1:111122223333:task/leakscan/1' }] });
    sqsMock.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
    output = captureOutput();
    current.clear();
    scanned.clear();
  });
  afterEach(() => output.restore());
  afterAll(() => {
    ecsMock.restore();
    sqsMock.restore();
  });

  it('starts a task only for the repository that moved, with its range in the task environment', async () => {
    current.set('moved', NEW).set('unchanged', OLD).set('throttled', NEW);
    scanned.set('moved', OLD).set('unchanged', OLD);
    const response = await consumer({ Records: [record('moved'), record('unchanged'), record('throttled')] });
    // The unchanged message is done (deleted by the mapping); a failed lookup comes back after a backoff.
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-throttled' }] });
    const calls = ecsMock.commandCalls(RunTaskCommand).map((call) => call.args[0].input);
    expect(calls).toHaveLength(1);
    expect(env(calls[0]!)).toMatchObject({
      [TASK_ENV.repository]: 'moved',
      [TASK_ENV.mode]: 'full',
      [TASK_ENV.sourceCommit]: NEW,
      [TASK_ENV.destinationCommit]: OLD,
    });
    expect(calls[0]?.clientToken).toBe(clientToken(['full', 'moved', message.time]));
    expect(output.metrics()).toEqual([expect.objectContaining({ started: 1, unchanged: 1, retried: 1 })]);
    expect(output.logs()).toContainEqual(
      expect.objectContaining({ event: 'scan not needed: the default branch has not moved since its last scan' }),
    );
  });
});
