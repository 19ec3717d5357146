import { CodeCommitClient, ListRepositoriesCommand } from '@aws-sdk/client-codecommit';
import { ConflictException, ECSClient, RunTaskCommand, type RunTaskCommandInput } from '@aws-sdk/client-ecs';
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { TASK_ENV } from '../../contracts/env';
import { createLogger, type LogThreshold } from '../../contracts/log';
import { createHandler } from '../../lambda/app';
import type { LambdaConfig } from '../../lambda/config';
import { FanOutError, RetryableTaskStartError, TaskStartError } from '../../lambda/errors';
import { scanKey, type ScanMessage } from '../../lambda/scan-queue';
import { listAllRepositories } from '../../lambda/repositories';
import { clientToken } from '../../lambda/runtask';
import { captureOutput, prEvent, REFERENCE_PR_EVENT, scheduledEvent, testConfig } from './support';

const ecsMock = mockClient(ECSClient);
const sqsMock = mockClient(SQSClient);
const codecommitMock = mockClient(CodeCommitClient);
const region = 'us-east-1';
let output: ReturnType<typeof captureOutput>;

function handlerWith(config: Partial<LambdaConfig> = {}, level?: LogThreshold) {
  return createHandler({
    config: testConfig(config),
    ecs: new ECSClient({ region }),
    sqs: new SQSClient({ region }),
    listRepositories: () => listAllRepositories(new CodeCommitClient({ region })),
    log: createLogger({ service: 'leakscan-trigger' }, { ...(level && { level }) }),
  });
}
const runTaskInputs = (): RunTaskCommandInput[] =>
  ecsMock.commandCalls(RunTaskCommand).map((call) => call.args[0].input);
const envOf = (input: RunTaskCommandInput | undefined): Record<string, string | undefined> =>
  Object.fromEntries((input?.overrides?.containerOverrides?.[0]?.environment ?? []).map((e) => [e.name, e.value]));
const metricValues = (): Record<string, unknown> => {
  const [emf, ...more] = output.metrics();
  expect(more).toHaveLength(0);
  return Object.fromEntries(
    ['started', 'duplicate', 'queued', 'ignored', 'rejected', 'failed'].map((name) => [name, emf?.[name]]),
  );
};

beforeEach(() => {
  ecsMock.reset();
  sqsMock.reset();
  codecommitMock.reset();
  ecsMock.on(RunTaskCommand).callsFake((input: RunTaskCommandInput) => ({
    tasks: [{ taskArn: `arn:aws:ecs:${region}:111122223333:task/leakscan/${input.clientToken?.slice(0, 32)}` }],
  }));
  sqsMock.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  sqsMock.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
  output = captureOutput();
});
afterEach(() => output.restore());

describe('pull request events', () => {
  it('starts one PR scan by commit id, never passing branch names, and logs/metrics with the event id', async () => {
    const summary = await handlerWith()(prEvent());
    expect(summary).toEqual({ started: 1, duplicate: 0, queued: 0, ignored: 0, rejected: 0, failed: 0 });
    const [input] = runTaskInputs();
    expect(runTaskInputs()).toHaveLength(1);
    expect(envOf(input)).toMatchObject({
      [TASK_ENV.repository]: 'payments-service',
      [TASK_ENV.mode]: 'pr',
      [TASK_ENV.pullRequestId]: '42',
      [TASK_ENV.sourceCommit]: REFERENCE_PR_EVENT.detail.sourceCommit,
      [TASK_ENV.destinationCommit]: REFERENCE_PR_EVENT.detail.destinationCommit,
      [TASK_ENV.cloneUrl]: 'file:///srv/git/us-east-1/payments-service',
    });
    expect(input?.clientToken).toBe(
      clientToken(['pr', 'payments-service', '42', REFERENCE_PR_EVENT.detail.sourceCommit]),
    );
    expect(JSON.stringify(input)).not.toMatch(/feature\/s3-upload|refs\/heads/);
    expect(output.logs()).toEqual([
      expect.objectContaining({
        level: 'info',
        event: 'scan task started',
        correlationId: REFERENCE_PR_EVENT.id,
        repository: 'payments-service',
        pullRequestId: '42',
      }),
    ]);
    expect(metricValues()).toEqual({ started: 1, duplicate: 0, queued: 0, ignored: 0, rejected: 0, failed: 0 });
    expect(output.metrics()[0]).toMatchObject({
      _aws: {
        Timestamp: expect.any(Number),
        CloudWatchMetrics: [
          {
            Namespace: 'leakscan',
            Dimensions: [['service']],
            Metrics: ['started', 'duplicate', 'queued', 'ignored', 'rejected', 'failed'].map((name) => ({
              Name: name,
              Unit: 'Count',
            })),
          },
        ],
      },
      service: 'leakscan-trigger',
      correlationId: REFERENCE_PR_EVENT.id,
    });
  });

  it('adds the Lambda request id and function name to every line, and keeps no keys from one invocation to the next', async () => {
    const handler = handlerWith();
    const context = {
      awsRequestId: 'req-1',
      functionName: 'leakscan-trigger',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:leakscan-trigger',
      memoryLimitInMB: '256',
    };
    await handler(prEvent(), context);
    await handler('not an event');
    const [started, rejected] = output.logs();
    const invocationKeys = {
      requestId: 'req-1',
      functionName: 'leakscan-trigger',
      correlationId: REFERENCE_PR_EVENT.id,
      detailType: 'CodeCommit Pull Request State Change',
    };
    expect(started).toMatchObject(invocationKeys);
    expect(output.metrics()[0]).toMatchObject(invocationKeys);
    for (const key of Object.keys(invocationKeys)) expect(rejected).not.toHaveProperty(key);
  });

  it('writes nothing below the configured level: at WARN, errors only (the metrics line is INFO, as Lambda treats it)', async () => {
    ecsMock.on(RunTaskCommand).resolves({ failures: [{ reason: 'MISSING' }] });
    await handlerWith({}, 'warn')(prEvent({ event: 'pullRequestStatusChanged', pullRequestStatus: 'Closed' }));
    await expect(handlerWith({}, 'warn')(prEvent())).rejects.toThrow(TaskStartError);
    expect(output.logs()).toEqual([expect.objectContaining({ level: 'error', event: 'scan task not started' })]);
    expect(output.metrics()).toEqual([]);
  });

  it('starts the same token for a redelivered event and counts a token conflict as a duplicate', async () => {
    const handler = handlerWith();
    await handler(prEvent());
    ecsMock.on(RunTaskCommand).rejects(new ConflictException({ message: 'clientToken already used', $metadata: {} }));
    await expect(handler(prEvent({ destinationCommit: 'f'.repeat(40) }))).resolves.toMatchObject({
      started: 0,
      duplicate: 1,
    });
    const [first, second] = runTaskInputs();
    expect(second?.clientToken).toBe(first?.clientToken);
    expect(output.logs().at(-1)).toMatchObject({ event: 'scan task already started' });
  });

  it('gives a new push (new source commit) a new token', async () => {
    const handler = handlerWith();
    await handler(prEvent());
    await handler(prEvent({ sourceCommit: 'a'.repeat(40) }));
    const [first, second] = runTaskInputs();
    expect(second?.clientToken).not.toBe(first?.clientToken);
  });

  it.each([
    ['an approval', 'pullRequestApprovalStateChanged', { sourceCommit: undefined, approvalStatus: 'APPROVE' }],
    ['a merge', 'pullRequestMergeStatusUpdated', { isMerged: 'True', pullRequestStatus: 'Closed' }],
    ['a closed pull request', 'pullRequestStatusChanged', { pullRequestStatus: 'Closed' }],
    ['a created but already closed pull request', 'pullRequestCreated', { pullRequestStatus: 'Closed' }],
    ['an update of a merged pull request', 'pullRequestSourceBranchUpdated', { isMerged: 'True' }],
  ])('ignores %s with exactly one log line', async (_label, kind, fields) => {
    const detail = { event: kind, ...fields };
    const summary = await handlerWith()(prEvent(detail));
    expect(summary).toMatchObject({ ignored: 1, started: 0, rejected: 0 });
    expect(runTaskInputs()).toHaveLength(0);
    expect(sqsMock.commandCalls(SendMessageCommand)).toHaveLength(0);
    expect(output.logs()).toEqual([
      expect.objectContaining({ level: 'info', event: expect.stringMatching(/^event ignored/), prEvent: kind }),
    ]);
    expect(metricValues()).toMatchObject({ ignored: 1 });
  });

  it('fails the invocation on a retryable RunTask failure so Lambda retries, and counts it', async () => {
    ecsMock.on(RunTaskCommand).resolves({ failures: [{ reason: 'RESOURCE:MEMORY' }] });
    await expect(handlerWith()(prEvent())).rejects.toBeInstanceOf(RetryableTaskStartError);
    expect(output.logs()).toEqual([
      expect.objectContaining({
        level: 'error',
        event: 'scan task not started',
        retryable: true,
        error: expect.objectContaining({ name: 'RetryableTaskStartError' }),
      }),
    ]);
    expect(metricValues()).toMatchObject({ failed: 1, started: 0 });
  });

  it('fails the invocation on a configuration failure too, logged as not retryable', async () => {
    ecsMock.on(RunTaskCommand).resolves({ failures: [{ reason: 'MISSING' }] });
    await expect(handlerWith()(prEvent())).rejects.toThrow('RunTask started no task: MISSING');
    expect(output.logs()).toEqual([expect.objectContaining({ level: 'error', retryable: false })]);
  });
});

describe('events that can never succeed', () => {
  it.each([
    [
      'a PR event with a bad commit id',
      prEvent({ sourceCommit: 'main' }),
      'detail.sourceCommit: must be a 40-character lowercase hex commit id',
    ],
    ['a PR event without repository', prEvent({ repositoryNames: [] }), 'detail.repositoryNames'],
    [
      'a PR event whose repository name ends in .git',
      prEvent({ repositoryNames: ['mirror.git'] }),
      'must not end in .git',
    ],
    ['a PR event without detail.event', prEvent({ event: undefined }), 'detail.event'],
    ['a PR-shaped event from another source', prEvent({}, { source: 'custom.app' }), 'source: '],
    ['a scheduled event without time', { ...scheduledEvent(), time: undefined }, 'time: '],
    [
      'an unknown detail-type',
      { ...scheduledEvent(), 'detail-type': 'AWS API Call via CloudTrail' },
      'unsupported event: detail-type "AWS API Call via CloudTrail"',
    ],
    ['no object at all', 'hello', 'unsupported event: detail-type null'],
  ])(
    'rejects %s: logs the reason, sends it to the queue once with a reason attribute, and succeeds',
    async (_label, event, reason) => {
      const summary = await handlerWith()(event);
      expect(summary).toMatchObject({ rejected: 1, started: 0 });
      expect(runTaskInputs()).toHaveLength(0);
      const sends = sqsMock.commandCalls(SendMessageCommand);
      expect(sends).toHaveLength(1);
      const message = sends[0]!.args[0].input;
      expect(message.QueueUrl).toBe(testConfig().rejectedEventQueueUrl);
      expect(JSON.parse(message.MessageBody!)).toEqual(event);
      expect(message.MessageAttributes?.reason?.DataType).toBe('String');
      expect(message.MessageAttributes?.reason?.StringValue).toContain(reason);
      expect(output.logs()).toEqual([
        expect.objectContaining({ level: 'error', reason: expect.stringContaining(reason) }),
      ]);
      expect(metricValues()).toMatchObject({ rejected: 1 });
    },
  );

  describe('untrusted strings in logs, reasons and metrics are clipped', () => {
    const huge = 'x'.repeat(300_000);
    const lineSizes = () => [...output.logs(), ...output.metrics()].map((entry) => JSON.stringify(entry).length);

    it('rejects a 300 KB detail-type once as unsupported; every line, metrics included, stays under 2 KB', async () => {
      const event = {
        ...scheduledEvent(),
        id: huge,
        'detail-type': huge,
        source: huge,
        detail: { event: huge, [huge]: huge },
      };
      await expect(handlerWith()(event)).resolves.toMatchObject({ rejected: 1, started: 0 });
      const sends = sqsMock.commandCalls(SendMessageCommand);
      expect(sends).toHaveLength(1);
      const reason = sends[0]!.args[0].input.MessageAttributes?.reason?.StringValue ?? '';
      expect(reason).toMatch(/^unsupported event: detail-type "x{255}… \(300002 characters\)$/);
      const [rejected] = output.logs();
      expect(rejected).toMatchObject({
        level: 'error',
        reason,
        detailType: expect.stringMatching(/… \(300000 characters\)$/),
      });
      expect(output.logs()).toHaveLength(1);
      expect(metricValues()).toMatchObject({ rejected: 1 });
      expect(Math.max(...lineSizes())).toBeLessThan(2048);
    });

    it.each([
      [
        'an ignored PR event with huge fields',
        prEvent({ event: huge, pullRequestStatus: huge, isMerged: huge }, { id: huge }),
        'ignored',
      ],
      [
        'a PR event with a huge repository name and commit',
        prEvent({ repositoryNames: [huge], sourceCommit: huge }, { id: huge }),
        'rejected',
      ],
    ] as const)('%s: every line stays under 2 KB', async (_label, event, outcome) => {
      await expect(handlerWith()(event)).resolves.toMatchObject({ [outcome]: 1 });
      expect(output.logs()).toHaveLength(1);
      expect(lineSizes()).toHaveLength(2);
      expect(Math.max(...lineSizes())).toBeLessThan(2048);
    });
  });

  it('fails the invocation when the queue cannot take the event, so Lambda keeps it', async () => {
    sqsMock.on(SendMessageCommand).rejects(new Error('queue unavailable'));
    await expect(handlerWith()(prEvent({ sourceCommit: 'main' }))).rejects.toThrow('queue unavailable');
  });
});

describe('scheduled events', () => {
  const QUEUE = testConfig().scanQueueUrl;
  const sentBatches = () =>
    sqsMock.commandCalls(SendMessageBatchCommand).map((call) => {
      expect(call.args[0].input.QueueUrl).toBe(QUEUE);
      return call.args[0].input.Entries ?? [];
    });
  const sentMessages = (): ScanMessage[] =>
    sentBatches()
      .flat()
      .map((entry) => JSON.parse(entry.MessageBody ?? '') as ScanMessage);

  it('queues one message per watched repository and starts no task itself', async () => {
    const handler = handlerWith({ watchedRepositories: ['payments-service', 'infra'] });
    await expect(handler(scheduledEvent())).resolves.toMatchObject({ queued: 2, started: 0 });
    expect(runTaskInputs()).toHaveLength(0);
    expect(sentMessages()).toEqual([
      { repository: 'payments-service', region, time: '2026-03-05T02:00:00Z' },
      { repository: 'infra', region, time: '2026-03-05T02:00:00Z' },
    ]);
    expect(codecommitMock.commandCalls(ListRepositoriesCommand)).toHaveLength(0);
  });

  it('keys each message by (repository, tick time): the same tick twice gives the same keys', async () => {
    const handler = handlerWith({ watchedRepositories: ['payments-service', 'infra'] });
    await handler(scheduledEvent());
    await handler(scheduledEvent());
    await handler(scheduledEvent('2026-03-06T02:00:00Z'));
    const keys = sentBatches().map((entries) => entries.map((e) => e.MessageAttributes?.scanKey?.StringValue));
    expect(keys[1]).toEqual(keys[0]);
    expect(keys[2]).not.toContainEqual(keys[0]?.[0]);
    expect(keys[0]).toEqual([
      scanKey({ repository: 'payments-service', region, time: '2026-03-05T02:00:00Z' }),
      scanKey({ repository: 'infra', region, time: '2026-03-05T02:00:00Z' }),
    ]);
    // The key is the RunTask clientToken the consumer will send.
    expect(keys[0]?.[0]).toBe(clientToken(['full', 'payments-service', '2026-03-05T02:00:00Z']));
  });

  it('queues every repository, across ListRepositories pages, 10 to a SendMessageBatch call', async () => {
    const names = Array.from({ length: 23 }, (_, i) => `repo-${i}`);
    codecommitMock
      .on(ListRepositoriesCommand, { nextToken: undefined })
      .resolves({ repositories: names.slice(0, 20).map((repositoryName) => ({ repositoryName })), nextToken: 'next' })
      .on(ListRepositoriesCommand, { nextToken: 'next' })
      .resolves({ repositories: names.slice(20).map((repositoryName) => ({ repositoryName })) });
    await expect(handlerWith()(scheduledEvent())).resolves.toMatchObject({ queued: 23 });
    expect(sentBatches().map((entries) => entries.length)).toEqual([10, 10, 3]);
    expect(
      sentMessages()
        .map((m) => m.repository)
        .sort(),
    ).toEqual([...names].sort());
  });

  it('does nothing (and succeeds) when the account has no repositories', async () => {
    codecommitMock.on(ListRepositoriesCommand).resolves({ repositories: [] });
    await expect(handlerWith()(scheduledEvent())).resolves.toMatchObject({ queued: 0, failed: 0 });
    expect(sentBatches()).toHaveLength(0);
  });

  it('sends refused entries again, and fails the tick naming what the queue never took', async () => {
    let calls = 0;
    sqsMock.on(SendMessageBatchCommand).callsFake((input: { Entries: Array<{ Id: string; MessageBody: string }> }) => {
      calls += 1;
      // Entry "1" of the first batch is refused once (then taken); `d` is refused every time.
      const refused = input.Entries.filter(
        (e) => (calls === 1 && e.Id === '1') || (JSON.parse(e.MessageBody) as ScanMessage).repository === 'd',
      );
      return { Failed: refused.map((e) => ({ Id: e.Id, SenderFault: false, Code: 'InternalError' })) };
    });
    const error = await handlerWith({ watchedRepositories: ['a', 'b', 'c', 'd'] })(scheduledEvent()).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FanOutError);
    expect((error as FanOutError).failedRepositories).toEqual(['d']);
    expect((error as Error).message).toBe('1 of 4 scheduled scans were not queued');
    const sent = sentBatches().map((entries) =>
      entries.map((e) => (JSON.parse(e.MessageBody!) as ScanMessage).repository),
    );
    expect(sent).toEqual([['a', 'b', 'c', 'd'], ['b', 'd'], ['d']]);
  });
});
