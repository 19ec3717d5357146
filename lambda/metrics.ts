/**
 * CloudWatch Embedded Metric Format: a log line that CloudWatch Logs turns into metrics, with no API
 * call and no agent. The handler writes the record through the invocation's logger, so it carries the
 * `service` field every line has (contracts/log.ts), which is the metrics' one dimension, and the
 * invocation's correlation fields. It is an INFO line: a higher log level drops it, as Lambda drops a
 * line without `level` then.
 */
import type { LogFields } from '../contracts/log';

const NAMESPACE = 'leakscan';

/** One EMF record of counts; `timestamp` in epoch milliseconds. */
export function countMetrics<T extends { [K in keyof T]: number }>(counts: T, timestamp: number): LogFields {
  const metrics = Object.keys(counts).map((name) => ({ Name: name, Unit: 'Count' }));
  return {
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [{ Namespace: NAMESPACE, Dimensions: [['service']], Metrics: metrics }],
    },
    ...counts,
  };
}
