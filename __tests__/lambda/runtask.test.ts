import { ConflictException, ECSClient, RunTaskCommand, type RunTaskCommandInput } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { TASK_ENV } from '../../contracts/env';
import { RetryableTaskStartError, TaskStartError } from '../../lambda/errors';
import { buildRunTaskInput, clientToken, startScanTask, type TaskLaunch } from '../../lambda/runtask';
import { REFERENCE_PR_EVENT, testConfig } from './support';

const { sourceCommit, destinationCommit } = REFERENCE_PR_EVENT.detail;
const prScan: TaskLaunch = {
  request: {
    repository: 'payments-service',
    mode: 'pr',
    pullRequest: { id: '42', base: destinationCommit, head: sourceCommit },
  },
  region: 'us-east-1',
  idempotencyKey: ['pr', 'payments-service', '42', sourceCommit],
};
const TASK_ARN = 'arn:aws:ecs:us-east-1:111122223333:task/leakscan/0123456789abcdef0123456789abcdef';

describe('buildRunTaskInput', () => {
  it('builds the whole PR request: private awsvpc, env overrides, tags, startedBy, token', () => {
    expect(buildRunTaskInput(testConfig(), prScan)).toEqual({
      cluster: 'arn:aws:ecs:us-east-1:111122223333:cluster/leakscan',
      taskDefinition: 'arn:aws:ecs:us-east-1:111122223333:task-definition/leakscan-scanner:3',
      count: 1,
      launchType: 'FARGATE',
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: ['subnet-0aaa1111bbbb2222c', 'subnet-0ddd3333eeee4444f'],
          securityGroups: ['sg-0123456789abcdef0'],
          assignPublicIp: 'DISABLED',
        },
      },
      overrides: {
        containerOverrides: [
          {
            name: 'scanner',
            environment: [
              { name: TASK_ENV.repository, value: 'payments-service' },
              { name: TASK_ENV.cloneUrl, value: 'file:///srv/git/us-east-1/payments-service' },
              { name: TASK_ENV.mode, value: 'pr' },
              { name: TASK_ENV.findingsTopicArn, value: 'arn:aws:sns:us-east-1:111122223333:leakscan-findings' },
              { name: TASK_ENV.notifyClean, value: 'false' },
              { name: TASK_ENV.pullRequestId, value: '42' },
              { name: TASK_ENV.sourceCommit, value: sourceCommit },
              { name: TASK_ENV.destinationCommit, value: destinationCommit },
            ],
          },
        ],
      },
      tags: [
        { key: 'leakscan:repository', value: 'payments-service' },
        { key: 'leakscan:mode', value: 'pr' },
        { key: 'leakscan:pull-request', value: '42' },
      ],
      startedBy: 'leakscan/pr/42',
      clientToken: clientToken(prScan.idempotencyKey),
    });
  });

  it('asks for Fargate Spot through a capacity provider strategy instead of a launch type', () => {
    const input = buildRunTaskInput(testConfig({ capacityStrategy: 'FARGATE_SPOT' }), prScan);
    expect(input.capacityProviderStrategy).toEqual([{ capacityProvider: 'FARGATE_SPOT', weight: 1 }]);
    expect(input).not.toHaveProperty('launchType');
  });

  it('passes no PR fields for a full scan, and notifyClean as "true" when set', () => {
    const launch: TaskLaunch = {
      request: { repository: 'infra', mode: 'full' },
      region: 'eu-west-1',
      idempotencyKey: ['full', 'infra', 't'],
    };
    const input = buildRunTaskInput(testConfig({ notifyClean: true }), launch);
    const env = input.overrides?.containerOverrides?.[0]?.environment ?? [];
    expect(env.map((e) => e.name)).toEqual([
      TASK_ENV.repository,
      TASK_ENV.cloneUrl,
      TASK_ENV.mode,
      TASK_ENV.findingsTopicArn,
      TASK_ENV.notifyClean,
    ]);
    expect(env).toContainEqual({ name: TASK_ENV.notifyClean, value: 'true' });
    expect(input.startedBy).toBe('leakscan/scheduled');
  });

  it('derives the clone URL from the default CodeCommit template', () => {
    const input = buildRunTaskInput(
      testConfig({ cloneUrlTemplate: 'https://git-codecommit.{region}.amazonaws.com/v1/repos/{repository}' }),
      prScan,
    );
    expect(input.overrides?.containerOverrides?.[0]?.environment).toContainEqual({
      name: TASK_ENV.cloneUrl,
      value: 'https://git-codecommit.us-east-1.amazonaws.com/v1/repos/payments-service',
    });
  });
});

describe('clientToken', () => {
  it('is a 64-character digest, the same for the same key and different when any part differs', () => {
    const token = clientToken(['pr', 'payments-service', '42', sourceCommit]);
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(clientToken(['pr', 'payments-service', '42', sourceCommit])).toBe(token);
    expect(clientToken(['pr', 'payments-service', '43', sourceCommit])).not.toBe(token);
    expect(clientToken(['pr', 'payments-servic', 'e42', sourceCommit])).not.toBe(token);
    expect(clientToken(['pr', 'x'.repeat(100), '42', sourceCommit])).toHaveLength(64);
  });
});

describe('startScanTask', () => {
  const ecsMock = mockClient(ECSClient);
  const ecs = new ECSClient({ region: 'us-east-1' });
  const spotInput = buildRunTaskInput(testConfig({ capacityStrategy: 'FARGATE_SPOT' }), prScan);
  beforeEach(() => ecsMock.reset());

  it('reports the started task', async () => {
    ecsMock.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TASK_ARN }], failures: [] });
    await expect(startScanTask(ecs, spotInput)).resolves.toEqual({
      outcome: 'started',
      taskArn: TASK_ARN,
      clientToken: spotInput.clientToken,
    });
    expect(ecsMock.commandCalls(RunTaskCommand)[0]?.args[0].input).toEqual(spotInput);
  });

  it('treats a clientToken conflict as "already started"', async () => {
    ecsMock.on(RunTaskCommand).rejects(new ConflictException({ message: 'token in use', $metadata: {} }));
    await expect(startScanTask(ecs, spotInput)).resolves.toEqual({
      outcome: 'duplicate',
      clientToken: spotInput.clientToken,
    });
  });

  it('falls back from Spot to on-demand Fargate, under its own token, when Spot has no capacity', async () => {
    ecsMock
      .on(RunTaskCommand)
      .resolvesOnce({
        tasks: [],
        failures: [
          {
            reason: 'Capacity is unavailable at this time. Please try again later or in a different availability zone',
          },
        ],
      })
      .resolves({ tasks: [{ taskArn: TASK_ARN }] });
    await expect(startScanTask(ecs, spotInput)).resolves.toMatchObject({ outcome: 'started', taskArn: TASK_ARN });
    const fallback = ecsMock.commandCalls(RunTaskCommand)[1]?.args[0].input as RunTaskCommandInput;
    expect(fallback.launchType).toBe('FARGATE');
    expect(fallback).not.toHaveProperty('capacityProviderStrategy');
    expect(fallback.clientToken).toMatch(/^[0-9a-f]{64}$/);
    expect(fallback.clientToken).not.toBe(spotInput.clientToken);
    expect(fallback.overrides).toEqual(spotInput.overrides);
  });

  it('throws a retryable error when on-demand has no capacity either', async () => {
    ecsMock
      .on(RunTaskCommand)
      .resolves({ failures: [{ arn: 'arn:x', reason: 'Capacity is unavailable at this time.' }] });
    const error = await startScanTask(ecs, spotInput).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableTaskStartError);
    expect((error as TaskStartError).reasons).toEqual(['Capacity is unavailable at this time.']);
    expect(ecsMock.commandCalls(RunTaskCommand)).toHaveLength(2);
  });

  it.each(['RESOURCE:MEMORY', 'AGENT', "You've reached the limit on the number of tasks you can run concurrently"])(
    'classifies %s as retryable, without a Spot fallback for FARGATE',
    async (reason) => {
      ecsMock.on(RunTaskCommand).resolves({ failures: [{ reason }] });
      await expect(startScanTask(ecs, buildRunTaskInput(testConfig(), prScan))).rejects.toBeInstanceOf(
        RetryableTaskStartError,
      );
      expect(ecsMock.commandCalls(RunTaskCommand)).toHaveLength(1);
    },
  );

  it('classifies configuration failures as not retryable, with the detail in the message', async () => {
    ecsMock.on(RunTaskCommand).resolves({ failures: [{ reason: 'MISSING', detail: 'task definition inactive' }] });
    const error = await startScanTask(ecs, spotInput).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskStartError);
    expect(error).not.toBeInstanceOf(RetryableTaskStartError);
    expect((error as Error).message).toBe('RunTask started no task: MISSING (task definition inactive)');
  });

  it('treats an answer with neither task nor failure as a failure', async () => {
    ecsMock.on(RunTaskCommand).resolves({});
    await expect(startScanTask(ecs, spotInput)).rejects.toThrow('RunTask returned neither a task nor a failure');
  });

  it('lets SDK errors through once its own retries are spent', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    ecsMock.on(RunTaskCommand).rejects(throttled);
    await expect(startScanTask(ecs, spotInput)).rejects.toBe(throttled);
  });
});
