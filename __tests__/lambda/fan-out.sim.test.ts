/**
 * The scheduled fan-out under pressure, in simulation (testkit/fan-out-sim.ts: the real schedule route and
 * consumer against simulated SQS, event source mapping and a throttling, quota-capped ECS): every
 * repository is scanned exactly once and nothing is dropped. bench/fan-out.bench.ts prints the 20,000-
 * repository figures; times here are simulated and only reported by the bench.
 */
import { simulateTick } from '../../testkit/fan-out-sim';

const REPOSITORIES = 2000;

it.each([
  ['the defaults, with the running-task quota binding', {}],
  ['a consumer concurrency far over the RunTask rate (throttling)', { maxConcurrency: 20 }],
  ['the tick delivered twice and 5% of deletes lost (redeliveries)', { tickDeliveries: 2, lostDeleteRate: 0.05 }],
  ['frequent capacity failures', { capacityFailureRate: 0.3 }],
])('scans every repository exactly once with %s', async (_, overrides) => {
  const result = await simulateTick({ repositories: REPOSITORIES, ...overrides });
  expect(result).toMatchObject({
    tasksStarted: REPOSITORIES,
    scannedOnce: REPOSITORIES,
    scannedTwice: 0,
    lost: 0,
    deadLettered: 0,
  });
  expect(result.messagesQueued).toBe(REPOSITORIES * ('tickDeliveries' in overrides ? 2 : 1));
});

it('starts tasks only for the repositories whose default branch moved (incremental ticks)', async () => {
  const result = await simulateTick({ repositories: REPOSITORIES, movedRate: 0.01 });
  // Every repository is still queued (the consumer looks its head up), about 1 % is scanned, each once.
  expect(result.messagesQueued).toBe(REPOSITORIES);
  expect(result.moved).toBeGreaterThan(0);
  expect(result.moved).toBeLessThan(REPOSITORIES * 0.03);
  expect(result).toMatchObject({
    tasksStarted: result.moved,
    scannedOnce: result.moved,
    scannedTwice: 0,
    lost: 0,
    scannedUnchanged: 0,
    deadLettered: 0,
  });
});

it('pushes back on the queue, not on ECS: throttles and quota failures become retries, never losses', async () => {
  const result = await simulateTick({ repositories: REPOSITORIES, maxConcurrency: 20 });
  expect(result.throttled).toBeGreaterThan(0);
  expect(result.quotaFailures).toBeGreaterThan(0);
  expect(result.retries).toBe(result.throttled + result.quotaFailures + result.capacityFailures);
  expect(result.peakRunningTasks).toBeLessThanOrEqual(400);
});

it('leaves a repository that can never start in the dead-letter queue after maxReceiveCount, not dropped', async () => {
  const result = await simulateTick({ repositories: 50, maxRunningTasks: 0, maxReceiveCount: 4 });
  expect(result).toMatchObject({ tasksStarted: 0, lost: 50, deadLettered: 50, maxReceiveCount: 4 });
});
