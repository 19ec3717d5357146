import { paced, type PaceOptions } from '../../lambda/schedule';

/** A virtual clock: sleepers wake earliest-first and time jumps to their deadline, so nothing waits. */
function virtualPace(perSecond: number, concurrency: number): PaceOptions & { starts: number[] } {
  let now = 1_000;
  const sleepers: Array<{ until: number; wake: () => void }> = [];
  return {
    perSecond,
    concurrency,
    starts: [],
    now: () => now,
    sleep: (ms) =>
      new Promise<void>((wake) => {
        sleepers.push({ until: now + ms, wake });
        setImmediate(() => {
          sleepers.sort((a, b) => a.until - b.until);
          const first = sleepers.shift();
          if (!first) return;
          now = Math.max(now, first.until);
          first.wake();
        });
      }),
  };
}

describe('paced', () => {
  it('keeps starts at least 1/perSecond apart and never exceeds the concurrency bound', async () => {
    const pace = virtualPace(10, 3);
    let inFlight = 0;
    let maxInFlight = 0;
    const results = await paced(
      Array.from({ length: 25 }, (_, i) => i),
      async (i) => {
        pace.starts.push(pace.now());
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setImmediate(r));
        inFlight -= 1;
        return i * 2;
      },
      pace,
    );
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : null))).toEqual(
      Array.from({ length: 25 }, (_, i) => i * 2),
    );
    expect(maxInFlight).toBeLessThanOrEqual(3);
    expect(maxInFlight).toBeGreaterThan(1);
    const sorted = [...pace.starts].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThanOrEqual(100);
  });

  it('settles failures in place without stopping the others', async () => {
    const results = await paced(
      ['a', 'b', 'c'],
      async (x) => (x === 'b' ? Promise.reject(new Error('no')) : x),
      virtualPace(10, 2),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('does nothing for no items', async () => {
    await expect(paced([], async () => 1, virtualPace(10, 4))).resolves.toEqual([]);
  });
});
