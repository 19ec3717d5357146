/**
 * The trigger's behaviour, with its clients injected (lambda/handler.ts wires the real ones).
 * Outcomes: a PR event starts one task; a branch push starts one task (its commits, never its name); a
 * schedule tick queues one full scan per repository (lambda/fan-out.ts; the scan queue's consumer starts
 * them); a PR or reference event that is not for scanning (approvals, merges, tags, deletions) is
 * ignored; an event that can never succeed is rejected: logged and sent once to the rejected-event
 * queue, then the invocation succeeds so Lambda does not retry it.
 * Anything a retry can fix is thrown.
 */
import type { ECSClient } from '@aws-sdk/client-ecs';
import { createHash } from 'node:crypto';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { describeIssues } from '../contracts/errors';
import {
  PR_EVENT_DETAIL_TYPE,
  REFERENCE_EVENT_DETAIL_TYPE,
  SCANNED_PR_EVENTS,
  SCANNED_REFERENCE_EVENTS,
  SCANNED_REFERENCE_TYPE,
  SCHEDULED_EVENT_DETAIL_TYPE,
  pullRequestEventSchema,
  pullRequestTriggerSchema,
  referenceEventSchema,
  referenceTriggerSchema,
  scheduledEventSchema,
} from '../contracts/events';
import { clip, describeError, type Logger, type LogFields } from '../contracts/log';
import { repositoryNameSchema, type ScanRequest } from '../contracts/scan-request';
import type { LambdaConfig } from './config';
import { RetryableTaskStartError, TaskStartError } from './errors';
import { enqueueScans } from './fan-out';
import { countMetrics } from './metrics';
import { buildRunTaskInput, startScanTask, type StartOutcome, type TaskLaunch } from './runtask';

export interface HandlerDependencies {
  config: LambdaConfig;
  ecs: ECSClient;
  sqs: SQSClient;
  /** Every repository of the account and Region: the scheduled scan's list when none are watched. */
  listRepositories: () => Promise<string[]>;
  /** Each invocation logs through a child of this one, so no keys carry over to the next invocation. */
  log: Logger;
}

/** Returned to Lambda (visible in on-success destinations and tests); also the metric names. */
export interface TriggerSummary {
  started: number;
  duplicate: number;
  /** Scheduled scans sent to the scan queue. */
  queued: number;
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

/** A valid event that is not for scanning (defence in depth behind the rules' filters): counted and logged. */
function ignore({ summary, log }: Invocation, why: string, fields: LogFields): void {
  summary.ignored += 1;
  log.info(`event ignored: ${why}`, fields);
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
    return ignore(invocation, 'not an open, unmerged pull request created or updated', {
      prEvent: clip(kind),
      pullRequestStatus: untrusted(pullRequestStatus),
      isMerged: untrusted(isMerged),
    });
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

async function onPush(invocation: Invocation, event: unknown): Promise<void> {
  const trigger = referenceTriggerSchema.safeParse(event);
  if (!trigger.success) return reject(invocation, event, describeIssues(trigger.error));
  const { event: kind, referenceType, referenceName } = trigger.data.detail;
  // Defence in depth behind the EventBridge rule's filter: tags and deletions bring no branch commits.
  if (!(SCANNED_REFERENCE_EVENTS as readonly string[]).includes(kind) || referenceType !== SCANNED_REFERENCE_TYPE) {
    return ignore(invocation, 'not a branch created or updated', {
      referenceEvent: clip(kind),
      referenceType: untrusted(referenceType),
      reference: untrusted(referenceName),
    });
  }
  const parsed = referenceEventSchema.safeParse(event);
  if (!parsed.success) return reject(invocation, event, describeIssues(parsed.error));
  const { detail, region } = parsed.data;
  const { repositoryName: repository, commitId: head } = detail;
  // A created branch's oldCommitId (if any) is not its history: the task measures it against the other heads.
  const base = detail.event === 'referenceUpdated' ? detail.oldCommitId : undefined;
  // The ref name identifies the push only as a digest: its text, whatever it is, goes nowhere else.
  const ref = createHash('sha256').update(detail.referenceFullName).digest('hex');
  await start(
    { ...invocation, log: invocation.log.child({ reference: untrusted(referenceName), commitId: head }) },
    {
      request: { repository, mode: 'push', push: base ? { base, head } : { head } },
      region,
      idempotencyKey: ['push', repository, ref, head],
    },
  );
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
  await enqueueScans(
    deps.sqs,
    deps.config.scanQueueUrl,
    repositories.map((repository) => ({ repository, region, time })),
  );
  summary.queued += repositories.length;
  log.info('scheduled scans queued', { repositories: repositories.length });
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
      summary: { started: 0, duplicate: 0, queued: 0, ignored: 0, rejected: 0, failed: 0 },
      log,
    };
    try {
      if (detailType === PR_EVENT_DETAIL_TYPE) await onPullRequest(invocation, event);
      else if (detailType === REFERENCE_EVENT_DETAIL_TYPE) await onPush(invocation, event);
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
