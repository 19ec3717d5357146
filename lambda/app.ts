/**
 * The trigger's behaviour, with its clients injected (lambda/handler.ts wires the real ones).
 * Outcomes: a PR event starts one task; a schedule tick starts one full scan per repository; a PR event
 * that is not for scanning is ignored; an event that can never succeed is rejected: logged and sent
 * once to the rejected-event queue, then the invocation succeeds so Lambda does not retry it.
 * Anything a retry can fix is thrown.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { CodeCommitClient } from '@aws-sdk/client-codecommit';
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
import type { LambdaConfig } from './config';
import { FanOutError, RetryableTaskStartError, TaskStartError } from './errors';
import { buildRunTaskInput, startScanTask, type ScanRequest, type StartOutcome } from './runtask';
import { DEFAULT_PACE, listAllRepositories, paced, type PaceOptions } from './schedule';

export interface TriggerDeps {
  config: LambdaConfig;
  ecs: ECSClient;
  sqs: SQSClient;
  codecommit: CodeCommitClient;
  logger: Logger;
  metrics: Metrics;
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

export type LambdaContext = Parameters<Logger['addContext']>[0];

export function createHandler(deps: TriggerDeps): (event: unknown, context?: LambdaContext) => Promise<TriggerSummary> {
  const { config, ecs, sqs, codecommit, logger, metrics } = deps;
  const pace = deps.pace ?? DEFAULT_PACE;

  async function reject(event: unknown, summary: TriggerSummary, reason: string): Promise<void> {
    logger.error('event rejected: it can never succeed, sent to the rejected-event queue', { reason });
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

  async function start(scan: ScanRequest, summary: TriggerSummary): Promise<StartOutcome> {
    const scanKeys = { repository: scan.repository, pullRequestId: scan.pullRequest?.id, mode: scan.mode };
    try {
      const result = await startScanTask(ecs, buildRunTaskInput(config, scan));
      summary[result.outcome] += 1;
      logger.info(result.outcome === 'started' ? 'scan task started' : 'scan task already started', { ...scanKeys, ...result });
      return result;
    } catch (error) {
      summary.failed += 1;
      // Known only for RunTask failures[]; SDK errors (throttling, access denied) speak through their name.
      const retryable = error instanceof TaskStartError ? error instanceof RetryableTaskStartError : undefined;
      logger.error('scan task not started', { ...scanKeys, retryable, error: error as Error });
      throw error;
    }
  }

  async function onPullRequest(event: unknown, summary: TriggerSummary): Promise<void> {
    const trigger = pullRequestTriggerSchema.safeParse(event);
    if (!trigger.success) return reject(event, summary, describeIssues(trigger.error));
    const { event: kind, pullRequestStatus, isMerged } = trigger.data.detail;
    // Defence in depth behind the EventBridge rule's filter.
    if (!(SCANNED_PR_EVENTS as readonly string[]).includes(kind) || pullRequestStatus !== 'Open' || isMerged !== 'False') {
      summary.ignored += 1;
      logger.info('event ignored: not an open, unmerged pull request created or updated', { prEvent: kind, pullRequestStatus, isMerged });
      return;
    }
    const parsed = pullRequestEventSchema.safeParse(event);
    if (!parsed.success) return reject(event, summary, describeIssues(parsed.error));
    const { detail, region } = parsed.data;
    const [repository] = detail.repositoryNames;
    const pullRequest = { id: detail.pullRequestId, sourceCommit: detail.sourceCommit, destinationCommit: detail.destinationCommit };
    await start({ repository, region, mode: 'pr', pullRequest, idempotencyKey: ['pr', repository, pullRequest.id, pullRequest.sourceCommit] }, summary);
  }

  async function onSchedule(event: unknown, summary: TriggerSummary): Promise<void> {
    const parsed = scheduledEventSchema.safeParse(event);
    if (!parsed.success) return reject(event, summary, describeIssues(parsed.error));
    const { region, time } = parsed.data;
    const listed = config.watchedRepositories.length > 0 ? config.watchedRepositories : await listAllRepositories(codecommit);
    const repositories = listed.filter((name) => repositoryNameSchema.safeParse(name).success);
    if (repositories.length < listed.length) logger.warn('skipped repositories with invalid names', { skipped: listed.length - repositories.length });
    const results = await paced(
      repositories,
      (repository) => start({ repository, region, mode: 'full', idempotencyKey: ['full', repository, time] }, summary),
      pace,
    );
    const failed = repositories.filter((_, i) => results[i]?.status === 'rejected');
    if (failed.length === 0) {
      logger.info('scheduled fan-out complete', { repositories: repositories.length, started: summary.started, duplicate: summary.duplicate });
      return;
    }
    const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    logger.error('scheduled fan-out incomplete: the invocation fails so Lambda retries it', { failedRepositories: failed, total: repositories.length });
    throw new FanOutError(`${failed.length} of ${repositories.length} scheduled scans did not start: ${failed.join(', ')}`, failed, {
      cause: new AggregateError(errors),
    });
  }

  return async function handler(event, context) {
    if (context) logger.addContext(context);
    const envelope = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
    logger.setCorrelationId(typeof envelope.id === 'string' ? envelope.id : undefined);
    logger.appendKeys({ detailType: typeof envelope['detail-type'] === 'string' ? envelope['detail-type'] : undefined });
    const summary: TriggerSummary = { started: 0, duplicate: 0, ignored: 0, rejected: 0, failed: 0 };
    try {
      if (envelope['detail-type'] === PR_EVENT_DETAIL_TYPE) await onPullRequest(event, summary);
      else if (envelope['detail-type'] === SCHEDULED_EVENT_DETAIL_TYPE) await onSchedule(event, summary);
      else await reject(event, summary, `unsupported event: detail-type ${JSON.stringify(envelope['detail-type'] ?? null)}`);
      return summary;
    } finally {
      for (const [name, value] of Object.entries(summary)) metrics.addMetric(name, MetricUnit.Count, value);
      metrics.publishStoredMetrics();
      logger.resetKeys();
    }
  };
}
