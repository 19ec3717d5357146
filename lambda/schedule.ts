/**
 * Scheduled full scans: a paced fan-out so one schedule tick cannot use up the account's RunTask rate
 * (Fargate: 20 calls/s, shared with PR-triggered scans). Which repositories: the watched list, or
 * lambda/repositories.ts.
 */

export interface PaceOptions {
  /** Upper bound on calls started per second. */
  perSecond: number;
  /** Upper bound on calls in flight. */
  concurrency: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_PACE: PaceOptions = {
  perSecond: 10,
  concurrency: 4,
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Runs `work` for every item with at most `concurrency` in flight and start times at least
 * 1/perSecond apart. Never rejects: results are settled, in input order.
 */
export async function paced<T, R>(
  items: readonly T[],
  work: (item: T) => Promise<R>,
  pace: PaceOptions,
): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  const interval = 1000 / pace.perSecond;
  let nextStart = -Infinity;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      // Reserve the start slot before waiting, so concurrent workers never share one.
      const start = Math.max(nextStart, pace.now());
      nextStart = start + interval;
      const wait = start - pace.now();
      if (wait > 0) await pace.sleep(wait);
      try {
        results[index] = { status: 'fulfilled', value: await work(items[index] as T) };
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(pace.concurrency, items.length) }, worker));
  return results;
}
