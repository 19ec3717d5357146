/**
 * Lambda entry point (bundled by scripts/bundle.ts bundleLambda()). Runs once per cold start: reads and
 * validates LAMBDA_ENV (a bad deployment fails at init with a LambdaConfigError naming every bad variable) and
 * builds the SDK clients, which take their endpoint and credentials from the environment
 * (AWS_ENDPOINT_URL too, which is how the integration test points them at moto).
 */
import { ECSClient } from '@aws-sdk/client-ecs';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createLogger } from '../contracts/log';
import { createHandler } from './app';
import { readLambdaConfig, readLogLevel } from './config';

export const handler = createHandler({
  config: readLambdaConfig(),
  // Adaptive mode adds client-side rate limiting on top of backoff: a burst of events (or a schedule
  // tick) slows down when ECS throttles instead of burning its retries.
  ecs: new ECSClient({ retryMode: 'adaptive', maxAttempts: 6 }),
  sqs: new SQSClient({}),
  // Loaded on first use only: the bundle keeps this import as a require of repositories.js, its own
  // file next to index.js, so a cold start does not pay for the CodeCommit client.
  listRepositories: async () => (await import('./repositories.js')).listAllRepositories(),
  log: createLogger({ service: 'leakscan-trigger' }, { level: readLogLevel() }),
});
