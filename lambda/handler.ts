/**
 * Lambda entry point (bundled by scripts/bundle.ts bundleLambda()). Runs once per cold start: reads and
 * validates LAMBDA_ENV (a bad deployment fails at init with a ConfigError naming every bad variable) and
 * builds the SDK clients, which take their endpoint and credentials from the environment
 * (AWS_ENDPOINT_URL too, which is how the integration test points them at moto).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { CodeCommitClient } from '@aws-sdk/client-codecommit';
import { ECSClient } from '@aws-sdk/client-ecs';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createHandler } from './app';
import { readLambdaConfig } from './config';

const SERVICE = 'leakscan-trigger';

export const handler = createHandler({
  config: readLambdaConfig(),
  // Adaptive mode adds client-side rate limiting on top of backoff: a burst of events (or a schedule
  // tick) slows down when ECS throttles instead of burning its retries.
  ecs: new ECSClient({ retryMode: 'adaptive', maxAttempts: 6 }),
  sqs: new SQSClient({}),
  codecommit: new CodeCommitClient({ retryMode: 'adaptive' }),
  logger: new Logger({ serviceName: SERVICE }),
  metrics: new Metrics({ namespace: 'leakscan', serviceName: SERVICE }),
});
