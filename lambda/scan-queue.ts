/**
 * The scan queue's message: one scheduled full scan of one repository. The schedule tick writes it
 * (lambda/fan-out.ts), the queue consumer reads it (lambda/scan-queue-consumer.ts); both derive the task
 * launch, and so the RunTask clientToken, from the same fields here, so a redelivered or re-sent message
 * starts no second task.
 */
import * as z from 'zod/mini';
import { repositoryNameSchema } from '../contracts/scan-request';
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

export function scanLaunch(message: ScanMessage): TaskLaunch {
  const { repository, region, time } = message;
  return { request: { repository, mode: 'full' }, region, idempotencyKey: ['full', repository, time] };
}

/** The deterministic key of a message: equal for every copy of the same (repository, tick). */
export function scanKey(message: ScanMessage): string {
  return clientToken(scanLaunch(message).idempotencyKey);
}
