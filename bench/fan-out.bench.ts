/**
 * `npm run bench -- fan-out`: one scheduled tick of a 20,000-repository organization through the real
 * schedule route and scan-queue consumer, on simulated SQS, Lambda event source mapping and ECS
 * (testkit/fan-out-sim.ts). Prints per scenario: tasks started, time to drain (simulated clock) against
 * the tightest limit's lower bound, retries, redeliveries, throttles, dead letters and losses. Figures,
 * not assertions: __tests__/lambda/fan-out.sim.test.ts asserts exactly-once and zero losses.
 */
import { DEFAULT_SIMULATION, simulateTick, type SimulationOptions } from '../testkit/fan-out-sim';

const SCENARIOS: Array<[string, Partial<SimulationOptions>]> = [
  ['defaults: concurrency 5, quota 100 vCPU', {}],
  ['concurrency 20 (over the RunTask rate)', { maxConcurrency: 20 }],
  ['quota 500 vCPU (2,000 tasks)', { maxRunningTasks: 2000 }],
  ['quota 500 vCPU, concurrency 8', { maxRunningTasks: 2000, maxConcurrency: 8 }],
  ['tick delivered twice, 2% deletes lost', { tickDeliveries: 2, lostDeleteRate: 0.02 }],
  ['incremental: 1% of heads moved', { movedRate: 0.01 }],
];

/**
 * Seconds no design could beat: the slowest of the launch rate, the running-task cap and the call rate for
 * the repositories to scan; for incremental ticks, the head lookups of all of them as well.
 */
function lowerBound(o: SimulationOptions): number {
  const perSecond = Math.min(
    o.launchesPerSecond,
    o.maxRunningTasks / o.scanSeconds,
    (o.maxConcurrency * 1000) / o.runTaskLatencyMs,
  );
  if (o.movedRate === undefined) return o.repositories / perSecond;
  const lookups = (o.repositories * o.headLookupMs) / 1000 / o.maxConcurrency;
  return Math.max(lookups, (o.repositories * o.movedRate) / perSecond);
}

const minutes = (seconds: number): string => `${(seconds / 60).toFixed(1)} min`;

export async function run(): Promise<void> {
  const o = DEFAULT_SIMULATION;
  console.log(
    `${o.repositories} repositories; ECS: ${o.runTaskCallsPerSecond} RunTask/s, launches ${o.launchBurst} burst / ` +
      `${o.launchesPerSecond}/s, ${o.scanSeconds} s scans, ${o.runTaskLatencyMs} ms per call, ` +
      `${o.capacityFailureRate * 100}% capacity failures; SQS: ${o.lostDeleteRate * 100}% deletes lost, ` +
      `maxReceiveCount ${o.maxReceiveCount}; batch ${o.batchSize}`,
  );
  const header = ['scenario', 'started', 'once', 'lost', 'DLQ', 'drain', 'bound', 'retries', 'redeliv.', 'throttled'];
  const widths = [42, 8, 7, 5, 4, 10, 10, 8, 9, 9];
  const row = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' ');
  console.log(row(header));
  for (const [name, overrides] of SCENARIOS) {
    const started = performance.now();
    const r = await simulateTick(overrides);
    const real = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      row([
        name,
        String(r.tasksStarted),
        String(r.scannedOnce),
        String(r.lost + r.scannedUnchanged),
        String(r.deadLettered),
        minutes(r.drainSeconds),
        minutes(lowerBound({ ...o, ...overrides })),
        String(r.retries),
        String(r.redeliveries),
        String(r.throttled),
      ]),
    );
    console.log(
      `  ${r.runTaskCalls} RunTask calls, ${r.quotaFailures} vCPU-quota and ${r.capacityFailures} capacity failures, ` +
        `${r.invocations} invocations, max receive count ${r.maxReceiveCount}, peak ${r.peakRunningTasks} tasks; ` +
        `${real} s real`,
    );
  }
}
