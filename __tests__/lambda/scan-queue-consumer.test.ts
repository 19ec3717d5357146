import { ECSClient, RunTaskCommand, type RunTaskCommandInput } from '@aws-sdk/client-ecs';
import { ChangeMessageVisibilityBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { TASK_ENV } from '../../contracts/env';
import { createLogger } from '../../contracts/log';
import { clientToken } from '../../lambda/runtask';
import {
  BACKOFF,
  backoffSeconds,
  createScanQueueConsumer,
  type ScanQueueRecord,
} from '../../lambda/scan-queue-consumer';
import { captureOutput, testConfig } from './support';

const ecsMock = mockClient(ECSClient);
const sqsMock = mockClient(SQSClient);
const region = 'us-east-1';
const TIME = '2026-03-05T02:00:00Z';
let output: ReturnType<typeof captureOutput>;

const consumer = createScanQueueConsumer({
  config: testConfig(),
  ecs: new ECSClient({ region }),
  sqs: new SQSClient({ region }),
  log: createLogger({ service: 'leakscan-scan-queue' }),
  random: () => 1,
});

function record(repository: string, receiveCount = 1, body?: string): ScanQueueRecord {
  return {
    messageId: `m-${repository}`,
    receiptHandle: `rh-${repository}`,
    body: body ?? JSON.stringify({ repository, region, time: TIME }),
    attributes: { ApproximateReceiveCount: String(receiveCount) },
  };
}
const repositoryOf = (input: RunTaskCommandInput): string | undefined =>
  input.overrides?.containerOverrides?.[0]?.environment?.find((e) => e.name === TASK_ENV.repository)?.value;

beforeEach(() => {
  ecsMock.reset();
  sqsMock.reset();
  ecsMock.on(RunTaskCommand).callsFake((input: RunTaskCommandInput) => ({
    tasks: [{ taskArn: `arn:aws:ecs:${region}:111122223333:task/leakscan/${repositoryOf(input)}` }],
  }));
  sqsMock.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
  sqsMock.on(SendMessageCommand).resolves({ MessageId: 'r-1' });
  output = captureOutput();
});
afterEach(() => output.restore());

it('starts one full scan per message with the clientToken of (repository, tick time), one call at a time', async () => {
  let inFlight = 0;
  let most = 0;
  ecsMock.on(RunTaskCommand).callsFake(async (input: RunTaskCommandInput) => {
    most = Math.max(most, ++inFlight);
    await new Promise((resolve) => setImmediate(resolve));
    inFlight -= 1;
    return { tasks: [{ taskArn: `arn:aws:ecs:${region}:111122223333:task/leakscan/${repositoryOf(input)}` }] };
  });
  const response = await consumer({ Records: [record('a'), record('b')] });
  expect(response).toEqual({ batchItemFailures: [] });
  const inputs = ecsMock.commandCalls(RunTaskCommand).map((call) => call.args[0].input);
  expect(inputs.map(repositoryOf)).toEqual(['a', 'b']);
  expect(inputs[0]?.clientToken).toBe(clientToken(['full', 'a', TIME]));
  expect(inputs[0]?.startedBy).toBe('leakscan/scheduled');
  expect(most).toBe(1);
  expect(sqsMock.commandCalls(ChangeMessageVisibilityBatchCommand)).toHaveLength(0);
});

it('reports throttled and capacity-starved messages as batch item failures, hidden for a backoff', async () => {
  ecsMock.on(RunTaskCommand).callsFake((input: RunTaskCommandInput) => {
    const repository = repositoryOf(input);
    if (repository === 'b') throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    if (repository === 'c') return { failures: [{ reason: 'RESOURCE:CPU' }] };
    return { tasks: [{ taskArn: `arn:aws:ecs:${region}:111122223333:task/leakscan/${repository}` }] };
  });
  const response = await consumer({ Records: [record('a'), record('b', 1), record('c', 4)] });
  expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-b' }, { itemIdentifier: 'm-c' }] });
  const [change] = sqsMock.commandCalls(ChangeMessageVisibilityBatchCommand);
  expect(change?.args[0].input).toEqual({
    QueueUrl: testConfig().scanQueueUrl,
    Entries: [
      { Id: '0', ReceiptHandle: 'rh-b', VisibilityTimeout: BACKOFF.baseSeconds },
      { Id: '1', ReceiptHandle: 'rh-c', VisibilityTimeout: BACKOFF.baseSeconds * 8 },
    ],
  });
  expect(output.metrics()).toEqual([expect.objectContaining({ started: 1, retried: 2, duplicate: 0, rejected: 0 })]);
});

it('treats an already-started task (ConflictException on the token) as done', async () => {
  ecsMock.on(RunTaskCommand).rejects(Object.assign(new Error('token used'), { name: 'ConflictException' }));
  await expect(consumer({ Records: [record('a', 2)] })).resolves.toEqual({ batchItemFailures: [] });
  expect(output.metrics()).toEqual([expect.objectContaining({ duplicate: 1 })]);
});

it('still reports failures when the backoff cannot be set (the queue visibility timeout applies)', async () => {
  ecsMock.on(RunTaskCommand).resolves({ failures: [{ reason: 'MISSING' }] });
  sqsMock.on(ChangeMessageVisibilityBatchCommand).rejects(new Error('sqs unavailable'));
  await expect(consumer({ Records: [record('a')] })).resolves.toEqual({
    batchItemFailures: [{ itemIdentifier: 'm-a' }],
  });
  expect(output.logs()).toContainEqual(
    expect.objectContaining({ event: 'scan task not started: the message returns after a backoff', retryable: false }),
  );
});

it.each([
  ['not JSON', '{', 'body is not JSON'],
  ['a name that is no repository name', JSON.stringify({ repository: '../x', region, time: TIME }), 'repository'],
  ['an extra field', JSON.stringify({ repository: 'a', region, time: TIME, mode: 'pr' }), 'mode'],
])('sends a message that can never be valid (%s) to the rejected-event queue once', async (_, body, reason) => {
  await expect(consumer({ Records: [record('x', 1, body)] })).resolves.toEqual({ batchItemFailures: [] });
  expect(ecsMock.commandCalls(RunTaskCommand)).toHaveLength(0);
  const [sent] = sqsMock.commandCalls(SendMessageCommand);
  expect(sent?.args[0].input).toMatchObject({ QueueUrl: testConfig().rejectedEventQueueUrl, MessageBody: body });
  expect(sent?.args[0].input.MessageAttributes?.reason?.StringValue).toContain(reason);
});

it('backs off exponentially from the receive count, capped, with jitter between half and all of it', () => {
  expect([1, 2, 3, 7, 20].map((n) => backoffSeconds(n, () => 1))).toEqual([10, 20, 40, 640, 900]);
  expect(backoffSeconds(3, () => 0)).toBe(20);
});
