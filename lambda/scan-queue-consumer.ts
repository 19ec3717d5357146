/**
 * The scan queue's consumer, invoked by an SQS event source mapping with a small batch. Each message
 * starts one scan task through the same RunTask request (builder and clientToken) as before, so a
 * redelivered message finds its task instead of starting another; with a findings table, only when the
 * repository's default branch moved since its last scan (scheduledLaunch), else the message is done.
 *
 * Backpressure without a scheduler of our own: records are started one at a time, so the mapping's
 * maximum concurrency is the number of RunTask calls in flight. A message whose task did not start is
 * reported as a batch item failure (the mapping deletes only the others) and hidden for an exponential,
 * jittered backoff taken from its receive count; after the queue's maxReceiveCount it moves to the
 * dead-letter queue, whose alarm tells ops. A message that can never be valid goes to the
 * rejected-event queue once, like a bad event.
 */
import type { ECSClient } from '@aws-sdk/client-ecs';
import { ChangeMessageVisibilityBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { describeIssues } from '../contracts/errors';
import { describeError, type Logger } from '../contracts/log';
import type { LambdaConfig } from './config';
import { RetryableTaskStartError, TaskStartError } from './errors';
import { countMetrics } from './metrics';
import { buildRunTaskInput, startScanTask } from './runtask';
import { scanMessageSchema, scheduledLaunch, type HeadSource } from './scan-queue';

/** The part of an SQS event record the consumer reads. */
export interface ScanQueueRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: { ApproximateReceiveCount: string };
}

export interface ScanQueueEvent {
  Records: ScanQueueRecord[];
}

/** What the mapping needs with `ReportBatchItemFailures`: every other record of the batch is deleted. */
export interface BatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

export interface ConsumerDependencies {
  config: LambdaConfig;
  ecs: ECSClient;
  sqs: SQSClient;
  log: Logger;
  /** Where the default-branch heads come from; absent (no findings table): every message starts a task. */
  heads?: HeadSource;
  /** Jitter source (tests and the simulation pass a seeded one). */
  random?: () => number;
}

/** Counted per invocation; also the metric names. */
export interface ConsumerSummary {
  started: number;
  duplicate: number;
  /** Not started: the default branch has not moved since its last scan (or has no commits). */
  unchanged: number;
  /** Not started this time: back in the queue after a backoff. */
  retried: number;
  rejected: number;
}

/** First retry after ~10 s (a throttle passes, a running scan frees its vCPUs), doubling up to 15 minutes. */
export const BACKOFF = { baseSeconds: 10, maxSeconds: 900 } as const;

/** Seconds to hide a message received `receiveCount` times: exponential, then "equal jitter" (½..1). */
export function backoffSeconds(receiveCount: number, random: () => number): number {
  const ceiling = Math.min(BACKOFF.maxSeconds, BACKOFF.baseSeconds * 2 ** Math.max(0, receiveCount - 1));
  return Math.ceil(ceiling / 2 + (random() * ceiling) / 2);
}

type Outcome = 'started' | 'duplicate' | 'unchanged' | 'retried' | 'rejected';

async function consumeOne(deps: ConsumerDependencies, log: Logger, record: ScanQueueRecord): Promise<Outcome> {
  const receiveCount = Number(record.attributes.ApproximateReceiveCount);
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    body = undefined;
  }
  const parsed = scanMessageSchema.safeParse(body);
  if (!parsed.success) {
    const reason = body === undefined ? 'body is not JSON' : describeIssues(parsed.error);
    log.error('scan message rejected: it can never succeed, sent to the rejected-event queue', { reason });
    await deps.sqs.send(
      new SendMessageCommand({
        QueueUrl: deps.config.rejectedEventQueueUrl,
        MessageBody: record.body,
        MessageAttributes: { reason: { DataType: 'String', StringValue: reason } },
      }),
    );
    return 'rejected';
  }
  const { repository } = parsed.data;
  try {
    const launch = await scheduledLaunch(parsed.data, deps.heads);
    if (!launch) {
      log.info('scan not needed: the default branch has not moved since its last scan', { repository });
      return 'unchanged';
    }
    const result = await startScanTask(deps.ecs, buildRunTaskInput(deps.config, launch));
    log.info(result.outcome === 'started' ? 'scan task started' : 'scan task already started', {
      repository,
      receiveCount,
      ...result,
    });
    return result.outcome;
  } catch (error) {
    // A permanent failure (failures[] a retry cannot fix) is retried too: it usually needs a deploy, and
    // the dead-letter queue's alarm says so once maxReceiveCount is used up. So is a failed head lookup.
    const retryable = error instanceof TaskStartError ? error instanceof RetryableTaskStartError : undefined;
    log.warn('scan task not started: the message returns after a backoff', {
      repository,
      receiveCount,
      retryable,
      error: describeError(error),
    });
    return 'retried';
  }
}

/** Hides each record for its backoff. Best effort: if this fails, the queue's visibility timeout applies. */
async function deferRetries(deps: ConsumerDependencies, log: Logger, records: ScanQueueRecord[]): Promise<void> {
  const random = deps.random ?? Math.random;
  try {
    const { Failed = [] } = await deps.sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: deps.config.scanQueueUrl,
        Entries: records.map((record, index) => ({
          Id: String(index),
          ReceiptHandle: record.receiptHandle,
          VisibilityTimeout: backoffSeconds(Number(record.attributes.ApproximateReceiveCount), random),
        })),
      }),
    );
    if (Failed.length > 0) log.warn('backoff not set for some messages', { failed: Failed.length });
  } catch (error) {
    log.warn('backoff not set: the queue visibility timeout applies', { error: describeError(error) });
  }
}

export function createScanQueueConsumer(
  deps: ConsumerDependencies,
): (event: ScanQueueEvent, context?: { awsRequestId: string }) => Promise<BatchResponse> {
  return async function consume(event, context) {
    const log = deps.log.child({ requestId: context?.awsRequestId });
    const summary: ConsumerSummary = { started: 0, duplicate: 0, unchanged: 0, retried: 0, rejected: 0 };
    const retries: ScanQueueRecord[] = [];
    try {
      // One at a time on purpose: the mapping's maximum concurrency then bounds the RunTask calls in flight.
      for (const record of event.Records) {
        const outcome = await consumeOne(deps, log.child({ messageId: record.messageId }), record);
        summary[outcome] += 1;
        if (outcome === 'retried') retries.push(record);
      }
      if (retries.length > 0) await deferRetries(deps, log, retries);
      return { batchItemFailures: retries.map((record) => ({ itemIdentifier: record.messageId })) };
    } finally {
      log.info('invocation metrics', countMetrics(summary, Date.now()));
    }
  };
}
