/**
 * A discrete-event simulation of one scheduled tick at organization scale, on a virtual clock (hours of
 * simulated time in seconds of real time). Real code: the trigger's schedule route (list, then
 * SendMessageBatch through lambda/fan-out.ts) and the scan-queue consumer (lambda/scan-queue-consumer.ts),
 * with their SDK clients answered by aws-sdk-client-mock. Simulated: an SQS standard queue (visibility
 * timeouts, receive counts, a redrive to a DLQ, deletes that sometimes get lost so a message comes back),
 * the event source mapping (at most `maxConcurrency` invocations, batches of `batchSize`) and an ECS that
 * pushes back like the real one: token buckets for RunTask calls and task launches (ThrottlingException),
 * a cap on running tasks (the account's Fargate vCPU quota, failures[]), rare capacity failures, and
 * clientToken idempotency. The SDK's own retries are not simulated: every throttle reaches the consumer.
 * With `movedRate`, ticks are incremental: a CodeCommit and findings-table stand-in answers the consumer's
 * head lookups (latency only, no throttling), and only that share of repositories has a moved head.
 */
import { ECSClient, RunTaskCommand, type RunTaskCommandInput, type RunTaskCommandOutput } from '@aws-sdk/client-ecs';
import {
  ChangeMessageVisibilityBatchCommand,
  SendMessageBatchCommand,
  SQSClient,
  type ChangeMessageVisibilityBatchRequestEntry,
  type SendMessageBatchRequestEntry,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { TASK_ENV } from '../contracts/env';
import { createLogger } from '../contracts/log';
import { createHandler } from '../lambda/app';
import type { LambdaConfig } from '../lambda/config';
import type { HeadSource } from '../lambda/scan-queue';
import { createScanQueueConsumer, type ScanQueueRecord } from '../lambda/scan-queue-consumer';

export interface SimulationOptions {
  repositories: number;
  maxConcurrency: number;
  batchSize: number;
  maxReceiveCount: number;
  visibilityTimeoutSeconds: number;
  /** RunTask: calls per second (and burst), task launches burst and per second. */
  runTaskCallsPerSecond: number;
  launchBurst: number;
  launchesPerSecond: number;
  /** Concurrent tasks the Fargate vCPU quota allows (quota / 0.25 vCPU). */
  maxRunningTasks: number;
  scanSeconds: number;
  runTaskLatencyMs: number;
  /** Share of RunTask calls answered "Capacity is unavailable" (failures[]). */
  capacityFailureRate: number;
  /** Share of successful messages whose delete is lost: SQS delivers them again. */
  lostDeleteRate: number;
  /** The tick delivered this many times (EventBridge and Lambda retry at least once on some failures). */
  tickDeliveries: number;
  /**
   * Incremental ticks: the share of repositories whose default branch moved since their last scan (the
   * others must start nothing). Unset: no findings table, every repository is scanned.
   */
  movedRate?: number;
  /** Incremental ticks: GetRepository + GetBranch + GetItem for one message. */
  headLookupMs: number;
  seed: number;
}

export const DEFAULT_SIMULATION: SimulationOptions = {
  repositories: 20_000,
  maxConcurrency: 5,
  batchSize: 5,
  maxReceiveCount: 15,
  visibilityTimeoutSeconds: 360,
  runTaskCallsPerSecond: 20,
  launchBurst: 100,
  launchesPerSecond: 20,
  maxRunningTasks: 400,
  scanSeconds: 30,
  runTaskLatencyMs: 300,
  capacityFailureRate: 0.01,
  lostDeleteRate: 0.005,
  tickDeliveries: 1,
  headLookupMs: 150,
  seed: 1,
};

export interface SimulationResult {
  repositories: number;
  messagesQueued: number;
  tasksStarted: number;
  /** Repositories whose head moved (all without `movedRate`): each must be scanned exactly once. */
  moved: number;
  /** Of those, repositories with exactly one task / more than one / none (losses). */
  scannedOnce: number;
  scannedTwice: number;
  lost: number;
  /** Repositories whose head did not move but that were scanned anyway (must be 0). */
  scannedUnchanged: number;
  deadLettered: number;
  runTaskCalls: number;
  throttled: number;
  quotaFailures: number;
  capacityFailures: number;
  /** Batch item failures: messages put back with a backoff. */
  retries: number;
  /** Deliveries of a message whose task had already started (lost deletes, repeated ticks). */
  redeliveries: number;
  invocations: number;
  maxReceiveCount: number;
  peakRunningTasks: number;
  drainSeconds: number;
}

/** Deterministic PRNG (mulberry32): the same seed gives the same run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Virtual time: `sleep` resolves when the clock reaches its deadline; `run` advances timer by timer. */
class VirtualClock {
  now = 0;
  private timers: Array<{ at: number; wake: () => void }> = [];

  sleep(ms: number): Promise<void> {
    return new Promise((wake) => {
      const at = this.now + ms;
      let i = this.timers.length;
      while (i > 0 && this.timers[i - 1]!.at > at) i -= 1;
      this.timers.splice(i, 0, { at, wake });
    });
  }

  /** Runs until `work` settles; between timers, every promise the last one woke is left to settle. */
  async run<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    const result = work.finally(() => (settled = true));
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (settled) return result;
      const next = this.timers.shift();
      if (!next) throw new Error('simulation stalled: nothing scheduled and the work is not done');
      this.now = next.at;
      next.wake();
    }
  }
}

/** A token bucket: `rate` tokens per second up to `burst`. */
function bucket(clock: VirtualClock, burst: number, rate: number): () => boolean {
  let tokens = burst;
  let at = 0;
  return () => {
    tokens = Math.min(burst, tokens + ((clock.now - at) / 1000) * rate);
    at = clock.now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
}

interface QueuedMessage {
  id: string;
  body: string;
  receiveCount: number;
  visibleAt: number;
  receipt: string;
}

/** An SQS standard queue with visibility timeouts and a redrive policy. */
class SimulatedQueue {
  readonly messages = new Map<string, QueuedMessage>();
  readonly deadLetters: QueuedMessage[] = [];
  private sent = 0;

  constructor(
    private readonly clock: VirtualClock,
    private readonly options: SimulationOptions,
  ) {}

  send(body: string): void {
    const id = `m-${(this.sent += 1)}`;
    this.messages.set(id, { id, body, receiveCount: 0, visibleAt: 0, receipt: '' });
  }

  /** Up to `max` visible messages; one received more than maxReceiveCount times moves to the DLQ instead. */
  receive(max: number): QueuedMessage[] {
    const batch: QueuedMessage[] = [];
    for (const message of this.messages.values()) {
      if (batch.length === max) break;
      if (message.visibleAt > this.clock.now) continue;
      message.receiveCount += 1;
      if (message.receiveCount > this.options.maxReceiveCount) {
        this.messages.delete(message.id);
        this.deadLetters.push(message);
        continue;
      }
      message.visibleAt = this.clock.now + this.options.visibilityTimeoutSeconds * 1000;
      message.receipt = `${message.id}/${message.receiveCount}`;
      batch.push(message);
    }
    return batch;
  }

  /** Only the latest receipt handle of a message counts, as in SQS. */
  private byReceipt(receipt: string | undefined): QueuedMessage | undefined {
    const message = this.messages.get(receipt?.split('/')[0] ?? '');
    return message?.receipt === receipt ? message : undefined;
  }

  delete(receipt: string): void {
    const message = this.byReceipt(receipt);
    if (message) this.messages.delete(message.id);
  }

  changeVisibility(entry: ChangeMessageVisibilityBatchRequestEntry): void {
    const message = this.byReceipt(entry.ReceiptHandle);
    if (message) message.visibleAt = this.clock.now + (entry.VisibilityTimeout ?? 0) * 1000;
  }
}

const SIM_CONFIG: LambdaConfig = {
  clusterArn: 'arn:aws:ecs:us-east-1:111122223333:cluster/leakscan',
  taskDefinitionArn: 'arn:aws:ecs:us-east-1:111122223333:task-definition/leakscan-scanner',
  containerName: 'scanner',
  subnetIds: ['subnet-0aaa1111bbbb2222c'],
  securityGroupIds: ['sg-0123456789abcdef0'],
  capacityStrategy: 'FARGATE',
  findingsTopicArn: 'arn:aws:sns:us-east-1:111122223333:leakscan-findings',
  watchedRepositories: [],
  cloneUrlTemplate: 'https://git-codecommit.{region}.amazonaws.com/v1/repos/{repository}',
  notifyClean: false,
  rejectedEventQueueUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/leakscan-trigger-failed',
  scanQueueUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/leakscan-scan-requests',
};

/** ECS's side: throttling, the running-task cap, capacity failures, and one task per clientToken. */
function simulatedEcs(clock: VirtualClock, options: SimulationOptions, random: () => number, result: SimulationResult) {
  const calls = bucket(clock, options.runTaskCallsPerSecond, options.runTaskCallsPerSecond);
  const launches = bucket(clock, options.launchBurst, options.launchesPerSecond);
  const tasksByToken = new Map<string, string>();
  const startsByRepository = new Map<string, number>();
  let finishing: number[] = [];
  // What the SDK throws for ECS's throttling answer (the consumer, like the SDK, goes by the name).
  const throttle = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
  const runTask = async (input: RunTaskCommandInput): Promise<Partial<RunTaskCommandOutput>> => {
    await clock.sleep(options.runTaskLatencyMs);
    result.runTaskCalls += 1;
    if (!calls()) throw ((result.throttled += 1), throttle());
    const token = input.clientToken ?? '';
    const known = tasksByToken.get(token);
    if (known) {
      result.redeliveries += 1;
      return { tasks: [{ taskArn: known }], failures: [] };
    }
    finishing = finishing.filter((end) => end > clock.now);
    if (finishing.length >= options.maxRunningTasks) {
      result.quotaFailures += 1;
      return { tasks: [], failures: [{ reason: 'RESOURCE:vCPU', detail: 'Fargate vCPU quota reached' }] };
    }
    if (random() < options.capacityFailureRate) {
      result.capacityFailures += 1;
      return { tasks: [], failures: [{ reason: 'Capacity is unavailable at this time. Please try again later.' }] };
    }
    if (!launches()) throw ((result.throttled += 1), throttle());
    const repository = input.overrides?.containerOverrides?.[0]?.environment?.find(
      (e) => e.name === TASK_ENV.repository,
    )?.value;
    const taskArn = `arn:aws:ecs:us-east-1:111122223333:task/leakscan/${tasksByToken.size}`;
    tasksByToken.set(token, taskArn);
    startsByRepository.set(repository ?? '', (startsByRepository.get(repository ?? '') ?? 0) + 1);
    finishing.push(clock.now + options.scanSeconds * 1000);
    result.tasksStarted += 1;
    result.peakRunningTasks = Math.max(result.peakRunningTasks, finishing.length);
    return { tasks: [{ taskArn }], failures: [] };
  };
  return { runTask, startsByRepository };
}

const SCANNED_HEAD = 'a'.repeat(40);
const MOVED_HEAD = 'b'.repeat(40);

/** CodeCommit and the findings table: every repository was scanned at one head; the moved ones are past it. */
function simulatedHeads(clock: VirtualClock, options: SimulationOptions, moved: ReadonlySet<string>): HeadSource {
  return {
    current: async (repository) => {
      await clock.sleep(options.headLookupMs);
      return moved.has(repository) ? MOVED_HEAD : SCANNED_HEAD;
    },
    scanned: async () => SCANNED_HEAD,
  };
}

/** The event source mapping: up to maxConcurrency pollers, each invoking the consumer with one batch at a time. */
async function eventSourceMapping(
  clock: VirtualClock,
  queue: SimulatedQueue,
  options: SimulationOptions,
  random: () => number,
  result: SimulationResult,
  tickDone: () => boolean,
  heads: HeadSource | undefined,
): Promise<void> {
  const consume = createScanQueueConsumer({
    config: SIM_CONFIG,
    ecs: new ECSClient({ region: 'us-east-1' }),
    sqs: new SQSClient({ region: 'us-east-1' }),
    log: createLogger({ service: 'leakscan-scan-queue' }, { write: () => undefined }),
    ...(heads && { heads }),
    random,
  });
  const poller = async (): Promise<void> => {
    while (!tickDone() || queue.messages.size > 0) {
      const batch = queue.receive(options.batchSize);
      // An empty receive is a long poll: the mapping waits before asking again.
      if (batch.length === 0) {
        await clock.sleep(1000);
        continue;
      }
      result.invocations += 1;
      for (const message of batch) result.maxReceiveCount = Math.max(result.maxReceiveCount, message.receiveCount);
      const records: ScanQueueRecord[] = batch.map((m) => ({
        messageId: m.id,
        receiptHandle: m.receipt,
        body: m.body,
        attributes: { ApproximateReceiveCount: String(m.receiveCount) },
      }));
      const { batchItemFailures } = await consume({ Records: records });
      result.retries += batchItemFailures.length;
      const failed = new Set(batchItemFailures.map((f) => f.itemIdentifier));
      for (const record of records) {
        if (!failed.has(record.messageId) && random() >= options.lostDeleteRate) queue.delete(record.receiptHandle);
      }
    }
  };
  await Promise.all(Array.from({ length: options.maxConcurrency }, poller));
}

/** One scheduled tick of `options.repositories` repositories, drained to the end. */
export async function simulateTick(overrides: Partial<SimulationOptions> = {}): Promise<SimulationResult> {
  const options = { ...DEFAULT_SIMULATION, ...overrides };
  const clock = new VirtualClock();
  const random = seededRandom(options.seed);
  const result: SimulationResult = {
    ...{ repositories: options.repositories, messagesQueued: 0, tasksStarted: 0, moved: 0, scannedOnce: 0 },
    ...{ scannedTwice: 0, lost: 0, scannedUnchanged: 0, deadLettered: 0, runTaskCalls: 0, throttled: 0 },
    ...{ quotaFailures: 0, capacityFailures: 0 },
    ...{ retries: 0, redeliveries: 0, invocations: 0, maxReceiveCount: 0, peakRunningTasks: 0, drainSeconds: 0 },
  };
  const queue = new SimulatedQueue(clock, options);
  const ecs = simulatedEcs(clock, options, random, result);
  const ecsMock = mockClient(ECSClient);
  const sqsMock = mockClient(SQSClient);
  ecsMock.on(RunTaskCommand).callsFake(ecs.runTask);
  sqsMock
    .on(SendMessageBatchCommand)
    .callsFake(async ({ Entries = [] }: { Entries: SendMessageBatchRequestEntry[] }) => {
      await clock.sleep(20);
      for (const entry of Entries) queue.send(entry.MessageBody ?? '');
      result.messagesQueued += Entries.length;
      return { Successful: Entries.map((e) => ({ Id: e.Id, MessageId: e.Id, MD5OfMessageBody: '' })), Failed: [] };
    });
  sqsMock.on(ChangeMessageVisibilityBatchCommand).callsFake(async ({ Entries = [] }) => {
    for (const entry of Entries as ChangeMessageVisibilityBatchRequestEntry[]) queue.changeVisibility(entry);
    return { Successful: [], Failed: [] };
  });
  const names = Array.from({ length: options.repositories }, (_, i) => `repo-${String(i).padStart(5, '0')}`);
  // A random stream of its own: which repositories moved does not change any other draw of the run.
  const movedDraw = seededRandom(options.seed + 1);
  const { movedRate } = options;
  const moved = new Set(names.filter(() => movedRate === undefined || movedDraw() < movedRate));
  const heads = movedRate === undefined ? undefined : simulatedHeads(clock, options, moved);
  const trigger = createHandler({
    config: SIM_CONFIG,
    ecs: new ECSClient({ region: 'us-east-1' }),
    sqs: new SQSClient({ region: 'us-east-1' }),
    listRepositories: async () => names,
    log: createLogger({ service: 'leakscan-trigger' }, { write: () => undefined }),
  });
  const event = {
    version: '0',
    id: 'tick',
    account: '111122223333',
    time: '2026-03-05T02:00:00Z',
    region: 'us-east-1',
  };
  const tick = { ...event, resources: [], 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} };
  let ticked = false;
  const ticks = (async () => {
    for (let i = 0; i < options.tickDeliveries; i += 1) await trigger(tick);
    ticked = true;
  })();
  try {
    await clock.run(
      Promise.all([ticks, eventSourceMapping(clock, queue, options, random, result, () => ticked, heads)]),
    );
  } finally {
    ecsMock.restore();
    sqsMock.restore();
  }
  result.drainSeconds = clock.now / 1000;
  result.deadLettered = queue.deadLetters.length;
  result.moved = moved.size;
  for (const name of names) {
    const starts = ecs.startsByRepository.get(name) ?? 0;
    if (!moved.has(name)) result.scannedUnchanged += starts > 0 ? 1 : 0;
    else if (starts === 0) result.lost += 1;
    else if (starts === 1) result.scannedOnce += 1;
    else result.scannedTwice += 1;
  }
  return result;
}
