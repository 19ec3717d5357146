/**
 * The trigger's behaviour, with its clients injected (lambda/handler.ts wires the real ones).
 * Outcomes: a PR event starts one task; a schedule tick starts one full scan per repository; a PR event
 * that is not for scanning is ignored; an event that can never succeed is rejected: logged and sent
 * once to the rejected-event queue, then the invocation succeeds so Lambda does not retry it.
 * Anything a retry can fix is thrown.
 */
import type { ECSClient } from '@aws-sdk/client-ecs';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import {
  PR_EVENT_DETAIL_TYPE,
  SCANNED_PR_EVENTS,
  SCHEDULED_EVENT_DETAIL_TYPE,
  describeIssues,
  pullRequestEventSchema,
  pullRequestTriggerSchema,
  repositoryNameSchema,
  scheduledEventSchema,
} from '../contracts/events';
import { describeError, type Logger } from '../contracts/log';
import type { LambdaConfig } from './config';
import { FanOutError, RetryableTaskStartError, TaskStartError } from './errors';
import { countMetrics } from './metrics';
import { buildRunTaskInput, startScanTask, type ScanRequest, type StartOutcome } from './runtask';
import { DEFAULT_PACE, paced, type PaceOptions } from './schedule';

export interface TriggerDeps {
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

/** What one invocation counts and logs through. */
interface Invocation {
  summary: TriggerSummary;
  log: Logger;
}

export function createHandler(deps: TriggerDeps): (event: unknown, context?: LambdaContext) => Promise<TriggerSummary> {
  const { config, ecs, sqs, listRepositories } = deps;
  const pace = deps.pace ?? DEFAULT_PACE;

  async function reject(event: unknown, { summary, log }: Invocation, reason: string): Promise<void> {
    log.error('event rejected: it can never succeed, sent to the rejected-event queue', { reason });
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: config.rejectedEventQueueUrl,
        MessageBody: JSON.stringify(event ?? null),
        // SQS attribute values are capped at 256 KB; a reason list is far shorter, but never let it fail the send.
        MessageAttributes: { reason: { DataType: 'String', StringValue: reason.slice(0, 4096) } },
      }),
    );
    summary.rejected += 1;
  }

  async function start(scan: ScanRequest, { summary, log }: Invocation): Promise<StartOutcome> {
    const scanKeys = { repository: scan.repository, pullRequestId: scan.pullRequest?.id, mode: scan.mode };
    try {
      const result = await startScanTask(ecs, buildRunTaskInput(config, scan));
      summary[result.outcome] += 1;
      log.info(result.outcome === 'started' ? 'scan task started' : 'scan task already started', { ...scanKeys, ...result });
      return result;
    } catch (error) {
      summary.failed += 1;
      // Known only for RunTask failures[]; SDK errors (throttling, access denied) speak through their name.
      const retryable = error instanceof TaskStartError ? error instanceof RetryableTaskStartError : undefined;
      log.error('scan task not started', { ...scanKeys, retryable, error: describeError(error) });
      throw error;
    }
  }

  async function onPullRequest(event: unknown, invocation: Invocation): Promise<void> {
    const trigger = pullRequestTriggerSchema.safeParse(event);
    if (!trigger.success) return reject(event, invocation, describeIssues(trigger.error));
    const { event: kind, pullRequestStatus, isMerged } = trigger.data.detail;
    // Defence in depth behind the EventBridge rule's filter.
    if (!(SCANNED_PR_EVENTS as readonly string[]).includes(kind) || pullRequestStatus !== 'Open' || isMerged !== 'False') {
      invocation.summary.ignored += 1;
      invocation.log.info('event ignored: not an open, unmerged pull request created or updated', { prEvent: kind, pullRequestStatus, isMerged });
      return;
    }
    const parsed = pullRequestEventSchema.safeParse(event);
    if (!parsed.success) return reject(event, invocation, describeIssues(parsed.error));
    const { detail, region } = parsed.data;
    const [repository] = detail.repositoryNames;
    const pullRequest = { id: detail.pullRequestId, sourceCommit: detail.sourceCommit, destinationCommit: detail.destinationCommit };
    await start({ repository, region, mode: 'pr', pullRequest, idempotencyKey: ['pr', repository, pullRequest.id, pullRequest.sourceCommit] }, invocation);
  }

  async function onSchedule(event: unknown, invocation: Invocation): Promise<void> {
    const { summary, log } = invocation;
    const parsed = scheduledEventSchema.safeParse(event);
    if (!parsed.success) return reject(event, invocation, describeIssues(parsed.error));
    const { region, time } = parsed.data;
    const listed = config.watchedRepositories.length > 0 ? config.watchedRepositories : await listRepositories();
    const repositories = listed.filter((name) => repositoryNameSchema.safeParse(name).success);
    if (repositories.length < listed.length) log.warn('skipped repositories with invalid names', { skipped: listed.length - repositories.length });
    const results = await paced(
      repositories,
      (repository) => start({ repository, region, mode: 'full', idempotencyKey: ['full', repository, time] }, invocation),
      pace,
    );
    const failed = repositories.filter((_, i) => results[i]?.status === 'rejected');
    if (failed.length === 0) {
      log.info('scheduled fan-out complete', { repositories: repositories.length, started: summary.started, duplicate: summary.duplicate });
      return;
    }
    const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    log.error('scheduled fan-out incomplete: the invocation fails so Lambda retries it', { failedRepositories: failed, total: repositories.length });
    throw new FanOutError(`${failed.length} of ${repositories.length} scheduled scans did not start: ${failed.join(', ')}`, failed, {
      cause: new AggregateError(errors),
    });
  }

  return async function handler(event, context) {
    const envelope = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
    const detailType = envelope['detail-type'];
    // undefined fields are left out of the JSON line.
    const log = deps.log.child({
      correlationId: typeof envelope.id === 'string' ? envelope.id : undefined,
      requestId: context?.awsRequestId,
      functionName: context?.functionName,
      detailType: typeof detailType === 'string' ? detailType : undefined,
    });
    const invocation: Invocation = { summary: { started: 0, duplicate: 0, ignored: 0, rejected: 0, failed: 0 }, log };
    try {
      if (detailType === PR_EVENT_DETAIL_TYPE) await onPullRequest(event, invocation);
      else if (detailType === SCHEDULED_EVENT_DETAIL_TYPE) await onSchedule(event, invocation);
      else await reject(event, invocation, `unsupported event: detail-type ${JSON.stringify(detailType ?? null)}`);
      return invocation.summary;
    } finally {
      // Every count, zeros included, on every invocation: alarms on them never see missing data.
      log.info('invocation metrics', countMetrics(invocation.summary, Date.now()));
    }
  };
}
