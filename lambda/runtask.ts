/**
 * Turns one scan request into one ecs:RunTask call and interprets the answer: a started task, an
 * "already started" duplicate, or a typed failure (RunTask reports capacity problems in `failures[]`
 * instead of throwing).
 */
import { createHash } from 'node:crypto';
import { RunTaskCommand, type ECSClient, type Failure, type RunTaskCommandInput } from '@aws-sdk/client-ecs';
import { encodeTaskEnv, type ScanRequest } from '../contracts/scan-request';
import type { LambdaConfig } from './config';
import { RetryableTaskStartError, TaskStartError } from './errors';

/** One task to start: the scan request and what only the trigger knows about it. */
export interface TaskLaunch {
  request: ScanRequest;
  /** Region of the repository (the event's), substituted into the clone URL template. */
  region: string;
  /** What makes two deliveries "the same scan"; hashed into the clientToken. */
  idempotencyKey: readonly string[];
}

export type StartOutcome =
  | { outcome: 'started'; taskArn: string; clientToken: string }
  | { outcome: 'duplicate'; clientToken: string };

/**
 * ECS remembers a clientToken (≤ 64 ASCII chars) per cluster for 24 h: the same token with the same
 * request returns the first task, with a different request a ConflictException. A SHA-256 hex digest is
 * exactly 64 characters and keeps repository names of any length inside the limit.
 */
export function clientToken(idempotencyKey: readonly string[]): string {
  return createHash('sha256').update(idempotencyKey.join('\0')).digest('hex');
}

export function cloneUrl(template: string, region: string, repository: string): string {
  return template.replaceAll('{region}', region).replaceAll('{repository}', repository);
}

/** What started a task without a pull request id, as `startedBy` says it (ops filter tasks on it). */
const STARTED_BY = { pr: 'pr', push: 'push', full: 'scheduled' } as const;

export function buildRunTaskInput(config: LambdaConfig, launch: TaskLaunch): RunTaskCommandInput {
  const { request } = launch;
  const env = encodeTaskEnv({
    request,
    cloneUrl: cloneUrl(config.cloneUrlTemplate, launch.region, request.repository),
    findingsTopicArn: config.findingsTopicArn,
    notifyClean: config.notifyClean,
  });
  const pullRequestId = request.mode === 'pr' ? request.pullRequest.id : undefined;
  return {
    cluster: config.clusterArn,
    taskDefinition: config.taskDefinitionArn,
    count: 1,
    ...(config.capacityStrategy === 'FARGATE_SPOT'
      ? { capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] }
      : { launchType: 'FARGATE' }),
    networkConfiguration: {
      awsvpcConfiguration: {
        subnets: config.subnetIds,
        securityGroups: config.securityGroupIds,
        assignPublicIp: 'DISABLED',
      },
    },
    overrides: {
      containerOverrides: [
        { name: config.containerName, environment: Object.entries(env).map(([name, value]) => ({ name, value })) },
      ],
    },
    tags: [
      { key: 'leakscan:repository', value: request.repository },
      { key: 'leakscan:mode', value: request.mode },
      ...(pullRequestId ? [{ key: 'leakscan:pull-request', value: pullRequestId }] : []),
    ],
    // startedBy: ≤ 36 of [A-Za-z0-9_/-]; a PR id has at most 20 digits.
    startedBy: pullRequestId ? `leakscan/pr/${pullRequestId}` : `leakscan/${STARTED_BY[request.mode]}`,
    clientToken: clientToken(launch.idempotencyKey),
  };
}

/** ECS failure reasons a later attempt can overcome (docs: "API failure reasons"). */
const RETRYABLE_REASON = /^RESOURCE:|^AGENT$|capacity|limit|throttl|try again|timeout/i;
const CAPACITY_SHORTAGE = /capacity/i;

function describeFailure(failure: Failure): string {
  return `${failure.reason ?? 'unknown'}${failure.detail ? ` (${failure.detail})` : ''}`;
}

type Attempt = StartOutcome | { outcome: 'failed'; reasons: string[] };

async function sendRunTask(ecs: ECSClient, input: RunTaskCommandInput): Promise<Attempt> {
  const token = input.clientToken ?? '';
  try {
    const { tasks = [], failures = [] } = await ecs.send(new RunTaskCommand(input));
    const taskArn = tasks[0]?.taskArn;
    if (taskArn) return { outcome: 'started', taskArn, clientToken: token };
    return {
      outcome: 'failed',
      reasons: failures.length > 0 ? failures.map(describeFailure) : ['RunTask returned neither a task nor a failure'],
    };
  } catch (error) {
    // The token is already bound to a (slightly different) earlier request: that task is this scan.
    if (error instanceof Error && error.name === 'ConflictException')
      return { outcome: 'duplicate', clientToken: token };
    throw error;
  }
}

/**
 * Starts the task. Fargate Spot has no automatic on-demand fallback, so a Spot capacity shortage is
 * retried once right away on FARGATE, under a token of its own (a token is bound to its first request).
 */
export async function startScanTask(ecs: ECSClient, input: RunTaskCommandInput): Promise<StartOutcome> {
  let attempt = await sendRunTask(ecs, input);
  if (
    attempt.outcome === 'failed' &&
    input.capacityProviderStrategy &&
    attempt.reasons.every((r) => CAPACITY_SHORTAGE.test(r))
  ) {
    const onDemand: RunTaskCommandInput = {
      ...input,
      launchType: 'FARGATE',
      clientToken: clientToken([input.clientToken ?? '', 'FARGATE']),
    };
    delete onDemand.capacityProviderStrategy;
    attempt = await sendRunTask(ecs, onDemand);
  }
  if (attempt.outcome !== 'failed') return attempt;
  const message = `RunTask started no task: ${attempt.reasons.join('; ')}`;
  if (attempt.reasons.every((r) => RETRYABLE_REASON.test(r)))
    throw new RetryableTaskStartError(message, attempt.reasons);
  throw new TaskStartError(message, attempt.reasons);
}
