/**
 * Typed failures of the trigger Lambda. Anything thrown from the handler fails the async invocation, so
 * Lambda retries it and then hands the event to the on-failure destination: throw only what a retry can
 * fix. Events that can never succeed are rejected (sent to the queue once) instead of thrown.
 */
import { LeakscanBaseError } from '../contracts/errors';

/** LAMBDA_ENV is missing or malformed: thrown at cold start, the function cannot run at all. */
export class LambdaConfigError extends LeakscanBaseError {
  constructor(
    message: string,
    /** One entry per invalid variable: `NAME: reason` (never the value). */
    readonly problems: string[] = [],
  ) {
    super(message);
  }
}

/** ecs:RunTask answered with `failures[]` and started no task. */
export class TaskStartError extends LeakscanBaseError {
  constructor(
    message: string,
    readonly reasons: string[],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Capacity, agent or throttling failure: worth retrying later (Lambda async retries do that). */
export class RetryableTaskStartError extends TaskStartError {}

/** The scheduled fan-out could not start every repository's task; re-running it is safe (idempotent tokens). */
export class FanOutError extends LeakscanBaseError {
  constructor(
    message: string,
    readonly failedRepositories: string[],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
