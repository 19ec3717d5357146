/**
 * The schedule tick's half of the fan-out: one scan-queue message per repository, and nothing started
 * here. The queue's consumer starts the tasks at the rate its event source mapping allows, so a tick of
 * 20,000 repositories takes a couple of minutes of SendMessageBatch calls instead of hours of RunTask.
 */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { FanOutError } from './errors';
import { SCAN_KEY_ATTRIBUTE, scanKey, type ScanMessage } from './scan-queue';

/** SendMessageBatch takes at most 10 entries. */
const BATCH_SIZE = 10;
/** A standard queue has no practical send limit; a few calls in flight keep a large tick well inside 5 minutes. */
const CALLS_IN_FLIGHT = 4;
/** SendMessageBatch reports failed entries without throwing (internal errors mostly): sent again this often. */
const ATTEMPTS = 3;

/** Sends one batch; returns the messages the queue still refused after every attempt. */
async function sendBatch(sqs: SQSClient, queueUrl: string, batch: ScanMessage[]): Promise<ScanMessage[]> {
  let pending = batch;
  for (let attempt = 0; attempt < ATTEMPTS && pending.length > 0; attempt += 1) {
    const { Failed = [] } = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        // Entry ids only need to be unique within the call: the index says which message failed.
        Entries: pending.map((message, index) => ({
          Id: String(index),
          MessageBody: JSON.stringify(message),
          MessageAttributes: { [SCAN_KEY_ATTRIBUTE]: { DataType: 'String', StringValue: scanKey(message) } },
        })),
      }),
    );
    const failed = new Set(Failed.map((entry) => entry.Id));
    pending = pending.filter((_, index) => failed.has(String(index)));
  }
  return pending;
}

/**
 * Queues every message. Throws FanOutError naming the repositories that could not be queued: the tick
 * fails and Lambda retries it, which is safe because a repeated message starts no second task (its
 * clientToken is the same).
 */
export async function enqueueScans(sqs: SQSClient, queueUrl: string, messages: readonly ScanMessage[]): Promise<void> {
  const batches: ScanMessage[][] = [];
  for (let i = 0; i < messages.length; i += BATCH_SIZE) batches.push(messages.slice(i, i + BATCH_SIZE));
  const refused: ScanMessage[] = [];
  let next = 0;
  const sender = async (): Promise<void> => {
    while (next < batches.length) refused.push(...(await sendBatch(sqs, queueUrl, batches[next++]!)));
  };
  await Promise.all(Array.from({ length: Math.min(CALLS_IN_FLIGHT, batches.length) }, sender));
  if (refused.length === 0) return;
  const names = refused.map((message) => message.repository);
  throw new FanOutError(`${names.length} of ${messages.length} scheduled scans were not queued`, names);
}
