/**
 * Lambda entry points of both functions (bundled by scripts/bundle.ts bundleLambda() into index.js). Runs
 * once per cold start: reads and validates LAMBDA_ENV (a bad deployment fails at init with a
 * LambdaConfigError naming every bad variable) and builds the SDK clients, which take their endpoint and
 * credentials from the environment (AWS_ENDPOINT_URL too, which is how the integration test points them
 * at moto).
 */
import { ECSClient } from '@aws-sdk/client-ecs';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createLogger } from '../contracts/log';
import { createHandler } from './app';
import { readLambdaConfig, readLogLevel } from './config';
import type { HeadSource } from './scan-queue';
import { createScanQueueConsumer } from './scan-queue-consumer';

const config = readLambdaConfig();
const log = createLogger({ service: 'leakscan-trigger' }, { level: readLogLevel() });
// Adaptive mode adds client-side rate limiting on top of backoff: a burst of events (or a busy scan queue)
// slows down when ECS throttles instead of burning its retries.
const ecs = new ECSClient({ retryMode: 'adaptive', maxAttempts: 6 });
const sqs = new SQSClient({});

let heads: HeadSource | undefined;
async function headSource(tableName: string): Promise<HeadSource> {
  heads ??= (await import('./heads.js')).createHeadSource(tableName);
  return heads;
}

/** The trigger function: EventBridge events (pull requests, pushes, the schedule tick). */
export const handler = createHandler({
  config,
  ecs,
  sqs,
  // Loaded on first use only: the bundle keeps this import as a require of repositories.js, its own
  // file next to index.js, so a cold start does not pay for the CodeCommit client.
  listRepositories: async () => (await import('./repositories.js')).listAllRepositories(),
  log,
});

const { findingsTableName } = config;
/** The scan-queue consumer function (same bundle, handler `index.consumeScanQueue`): SQS batches. */
export const consumeScanQueue = createScanQueueConsumer({
  config,
  ecs,
  sqs,
  // Loaded on first use, like repositories.js: heads.js holds the CodeCommit and DynamoDB clients.
  ...(findingsTableName && {
    heads: {
      current: async (repository) => (await headSource(findingsTableName)).current(repository),
      scanned: async (repository) => (await headSource(findingsTableName)).scanned(repository),
    },
  }),
  log: createLogger({ service: 'leakscan-scan-queue' }, { level: readLogLevel() }),
});
