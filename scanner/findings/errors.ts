/**
 * Failures of the findings lifecycle's I/O. The store is the source of truth, so its failures throw;
 * Security Hub and EventBridge failures come back in the outcome (recordScan) so the task still
 * notifies, and carry only ids and AWS error codes, never a value.
 */
import { LeakscanBaseError } from '../../contracts/errors';

export class FindingsError extends LeakscanBaseError {}

/** The DynamoDB findings table could not be read or written. */
export class FindingsStoreError extends FindingsError {}

/** Other scans of the same repository kept winning the write race for some records. */
export class FindingsConflictError extends FindingsError {
  constructor(
    message: string,
    readonly fingerprints: readonly string[],
  ) {
    super(message);
  }
}

/** One item a batch API refused, by the id we sent and the service's error code. */
export interface RejectedItem {
  id: string;
  code: string;
}

/** A batch API (BatchImportFindings, PutEvents) failed or kept refusing some items. */
export class RejectedItemsError extends FindingsError {
  constructor(
    message: string,
    readonly rejected: readonly RejectedItem[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** BatchImportFindings failed or refused some findings. */
export class SecurityHubImportError extends RejectedItemsError {}

/** PutEvents failed or kept refusing some entries. */
export class FindingEventsError extends RejectedItemsError {}

/** The `cause` of a batch failure: the one call error, all of them, or none when calls only refused items. */
export function causeOf(errors: readonly unknown[]): { cause?: unknown } | undefined {
  if (errors.length === 0) return undefined;
  return { cause: errors.length === 1 ? errors[0] : new AggregateError(errors, `${errors.length} calls failed`) };
}
