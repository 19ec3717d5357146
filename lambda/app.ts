/**
 * The trigger's behaviour, with its clients injected (lambda/handler.ts wires the real ones).
 * Outcomes: a PR event starts one task; a schedule tick starts one full scan per repository; a PR event
 * that is not for scanning is ignored; an event that can never succeed is rejected: logged and sent
 * once to the rejected-event queue, then the invocation succeeds so Lambda does not retry it.
 * Anything a retry can fix is thrown.
 */
import type { ECSClient } from '@aws-sdk/client-ecs';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { describeIssues } from '../contracts/errors';
import {
  PR_EVENT_DETAIL_TYPE,
  SCANNED_PR_EVENTS,
  SCHEDULED_EVENT_DETAIL_TYPE,
  pullRequestEventSchema,
  pullRequestTriggerSchema,
  scheduledEventSchema,
} from '../contracts/events';
import { clip, describeError, type Logger } from '../contracts/log';
import { repositoryNameSchema, type ScanRequest } from '../contracts/scan-request';
import type { LambdaConfig } from './config';
import { FanOutError, RetryableTaskStartError, TaskStartError } from './errors';
import { countMetrics } from './metrics';
import { buildRunTaskInput, startScanTask, type StartOutcome, type TaskLaunch } from './runtask';
import { DEFAULT_PACE, paced, type PaceOptions } from './schedule';

export interface HandlerDependencies {
  config: LambdaConfig;
  ecs: ECSClient;
  sqs: SQSClient;
  /** Every repository of the account and Region: the scheduled scan's list when none are watched. */
  listRepositories: () => Promise<string[]>;
  /** Each invocation logs through a child of this one, so no keys carry over to the next invocation. */
  log: Logger;
  pace?: PaceOptions;
}

/** Returned to Lambda (visible in on-success destinations and tests); also the metric names. */
export interface TriggerSummary {
  started: number;
  duplicate: number;
  ignored: number;
  rejected: number;
  failed: number;
}

/** The part of Lambda's context object the handler logs. */
export interface LambdaContext {
  awsRequestId: string;
  functionName: string;
}

/** What one invocation works with, counts and logs through. */
interface Invocation {
  deps: HandlerDependencies;
  summary: TriggerSummary;
  log: Logger;
}

/** SQS attribute values are capped at 256 KB; a reason list is far shorter, but never let it fail the send. */
const MAX_REASON_CHARS = 4096;

/** Untrusted text as a log field: clipped, and left out of the line (undefined) when it is not a string. */
function untrusted(value: unknown): string | undefined {
  return typeof value === 'string' ? clip(value) : undefined;
}

async function reject({ deps, summary, log }: Invocation, event: unknown, reason: string): Promise<void> {
  const bounded = clip(reason, MAX_REASON_CHARS);
  log.error('event rejected: it can never succeed, sent to the rejected-event queue', { reason: bounded });
  await deps.sqs.send(
    new SendMessageCommand({
      QueueUrl: deps.config.rejectedEventQueueUrl,
      MessageBody: JSON.stringify(event ?? null),
      MessageAttributes: { reason: { DataType: 'String', StringValue: bounded } },
    }),
  );
  summary.rejected += 1;
}

async function start({ deps, summary, log }: Invocation, launch: TaskLaunch): Promise<StartOutcome> {
  const { request } = launch;
  const pullRequestId = request.mode === 'pr' ? request.pullRequest.id : undefined;
  const scanKeys = { repository: request.repository, pullRequestId, mode: request.mode };
  try {
    const result = await startScanTask(deps.ecs, buildRunTaskInput(deps.config, launch));
    summary[result.outcome] += 1;
    log.info(result.outcome === 'started' ? 'scan task started' : 'scan task already started', {
      ...scanKeys,
      ...result,
    });
    return result;
  } catch (error) {
    summary.failed += 1;
    // Known only for RunTask failures[]; SDK errors (throttling, access denied) speak through their name.
    const retryable = error instanceof TaskStartError ? error instanceof RetryableTaskStartError : undefined;
    log.error('scan task not started', { ...scanKeys, retryable, error: describeError(error) });
    throw error;
  }
}

async function onPullRequest(invocation: Invocation, event: unknown): Promise<void> {
  const trigger = pullRequestTriggerSchema.safeParse(event);
  if (!trigger.success) return reject(invocation, event, describeIssues(trigger.error));
  const { event: kind, pullRequestStatus, isMerged } = trigger.data.detail;
  // Defence in depth behind the EventBridge rule's filter.
  if (
    !(SCANNED_PR_EVENTS as readonly string[]).includes(kind) ||
    pullRequestStatus !== 'Open' ||
    isMerged !== 'False'
  ) {
    invocation.summary.ignored += 1;
    invocation.log.info('event ignored: not an open, unmerged pull request created or updated', {
      prEvent: clip(kind),
      pullRequestStatus: untrusted(pullRequestStatus),
      isMerged: untrusted(isMerged),
    });
    return;
  }
  const parsed = pullRequestEventSchema.safeParse(event);
  if (!parsed.success) return reject(invocation, event, describeIssues(parsed.error));
  const { detail, region } = parsed.data;
  const [repository] = detail.repositoryNames;
  const request: ScanRequest = {
    repository,
    mode: 'pr',
    pullRequest: { id: detail.pullRequestId, base: detail.destinationCommit, head: detail.sourceCommit },
  };
  await start(invocation, {
    request,
    region,
    idempotencyKey: ['pr', repository, detail.pullRequestId, detail.sourceCommit],
  });
}

async function onSchedule(invocation: Invocation, event: unknown): Promise<void> {
  const { deps, summary, log } = invocation;
  const parsed = scheduledEventSchema.safeParse(event);
  if (!parsed.success) return reject(invocation, event, describeIssues(parsed.error));
  const { region, time } = parsed.data;
  const watched = deps.config.watchedRepositories;
  const listed = watched.length > 0 ? watched : await deps.listRepositories();
  const repositories = listed.filter((name) => repositoryNameSchema.safeParse(name).success);
  if (repositories.length < listed.length)
    log.warn('skipped repositories with invalid names', { skipped: listed.length - repositories.length });
  const results = await paced(
    repositories,
    (repository) =>
      start(invocation, { request: { repository, mode: 'full' }, region, idempotencyKey: ['full', repository, time] }),
    deps.pace ?? DEFAULT_PACE,
  );
  const failed = repositories.filter((_, i) => results[i]?.status === 'rejected');
  if (failed.length === 0) {
    log.info('scheduled fan-out complete', {
      repositories: repositories.length,
      started: summary.started,
      duplicate: summary.duplicate,
    });
    return;
  }
  const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  log.error('scheduled fan-out incomplete: the invocation fails so Lambda retries it', {
    failedRepositories: failed,
    total: repositories.length,
  });
  throw new FanOutError(
    `${failed.length} of ${repositories.length} scheduled scans did not start: ${failed.join(', ')}`,
    failed,
    {
      cause: new AggregateError(errors),
    },
  );
}

/** The invocation's logger: every line carries the event id and detail-type (clipped) and the request id. */
function invocationLogger(base: Logger, envelope: Record<string, unknown>, context: LambdaContext | undefined): Logger {
  // undefined fields are left out of the JSON line.
  return base.child({
    correlationId: untrusted(envelope.id),
    requestId: context?.awsRequestId,
    functionName: context?.functionName,
    detailType: untrusted(envelope['detail-type']),
  });
}

export function createHandler(
  deps: HandlerDependencies,
): (event: unknown, context?: LambdaContext) => Promise<TriggerSummary> {
  return async function handler(event, context) {
    const envelope = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
    const detailType = envelope['detail-type'];
    const log = invocationLogger(deps.log, envelope, context);
    const invocation: Invocation = {
      deps,
      summary: { started: 0, duplicate: 0, ignored: 0, rejected: 0, failed: 0 },
      log,
    };
    try {
      if (detailType === PR_EVENT_DETAIL_TYPE) await onPullRequest(invocation, event);
      else if (detailType === SCHEDULED_EVENT_DETAIL_TYPE) await onSchedule(invocation, event);
      else
        await reject(invocation, event, `unsupported event: detail-type ${clip(JSON.stringify(detailType ?? null))}`);
      return invocation.summary;
    } finally {
      // Every count, zeros included, on every invocation: alarms on them never see missing data.
      log.info('invocation metrics', countMetrics(invocation.summary, Date.now()));
    }
  };
}
