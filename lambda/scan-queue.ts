/**
 * The scan queue's message: one scheduled full scan of one repository. The schedule tick writes it
 * (lambda/fan-out.ts), the queue consumer reads it (lambda/scan-queue-consumer.ts); both derive the task
 * launch, and so the RunTask clientToken, from the same fields here, so a redelivered or re-sent message
 * starts no second task.
 *
 * Incremental: the consumer, not the tick, asks whether the default branch moved (scheduledLaunch). Two
 * CodeCommit calls and a read per repository would not fit 20,000 repositories into one tick's 5 minutes;
 * the consumer makes them at the queue's pace, and a throttled lookup is retried like a throttled RunTask.
 */
import * as z from 'zod/mini';
import { repositoryNameSchema, type HistoryRange } from '../contracts/scan-request';
import { clientToken, type TaskLaunch } from './runtask';

export interface ScanMessage {
  repository: string;
  /** The tick's Region (the schedule event's), substituted into the clone URL template. */
  region: string;
  /** The tick's time: one scan per repository per tick, however often the message is delivered. */
  time: string;
}

/** Queue messages are data that crossed a boundary: validated like an event before anything is started. */
export const scanMessageSchema = z.strictObject({
  repository: repositoryNameSchema,
  region: z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS Region code')),
  time: z.iso.datetime(),
});

/** The message attribute carrying the scan's clientToken: an operator looking at the DLQ finds the RunTask calls. */
export const SCAN_KEY_ATTRIBUTE = 'scanKey';

/** The heads an incremental tick compares (lambda/heads.ts reads them). */
export interface HeadSource {
  /** The default branch's head now; undefined when there is none (an empty repository) or the repository is gone. */
  current(repository: string): Promise<string | undefined>;
  /** The head the last incremental scan recorded; undefined when there is none (never scanned). */
  scanned(repository: string): Promise<string | undefined>;
}

/**
 * The launch for a message. The key is the tick's, whatever the range: a redelivery after the head moved
 * again finds the first task (its RunTask conflicts), and the next tick scans the rest.
 */
export function scanLaunch(message: ScanMessage, history?: HistoryRange): TaskLaunch {
  const { repository, region, time } = message;
  return {
    request: { repository, mode: 'full', ...(history && { history }) },
    region,
    idempotencyKey: ['full', repository, time],
  };
}

/**
 * What a message starts now: the commits since the last scanned head, all of the history on a first scan,
 * nothing when the head has not moved or there is none. Without `heads` (no findings table to remember
 * them) every tick scans every repository's tip.
 */
export async function scheduledLaunch(message: ScanMessage, heads?: HeadSource): Promise<TaskLaunch | undefined> {
  if (!heads) return scanLaunch(message);
  const [current, scanned] = await Promise.all([heads.current(message.repository), heads.scanned(message.repository)]);
  if (current === undefined || current === scanned) return undefined;
  return scanLaunch(message, scanned === undefined ? { head: current } : { base: scanned, head: current });
}

/** The deterministic key of a message: equal for every copy of the same (repository, tick). */
export function scanKey(message: ScanMessage): string {
  return clientToken(scanLaunch(message).idempotencyKey);
}
