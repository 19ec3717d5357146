/**
 * The one reader of the Lambda's configuration (LAMBDA_ENV, set by the trigger stack, and the log level
 * Lambda sets). Read once at cold start with zod/mini, like the task's reader and with the same
 * validators (contracts/scan-request.ts); every LAMBDA_ENV problem is reported in one LambdaConfigError
 * so a bad deployment fails loudly at init. Problems name the variable, never echo its value.
 */
import * as z from 'zod/mini';
import { DEFAULT_CLONE_URL_TEMPLATE, LAMBDA_ENV, SCANNER_CONTAINER_NAME } from '../contracts/env';
import { envIssueList } from '../contracts/errors';
import { LOG_THRESHOLDS, isLogThreshold, type LogThreshold } from '../contracts/log';
import { arnSchema, repositoryNameSchema, topicArnSchema } from '../contracts/scan-request';
import { LambdaConfigError } from './errors';

const CAPACITY_STRATEGIES = ['FARGATE', 'FARGATE_SPOT'] as const;
export type CapacityStrategy = (typeof CAPACITY_STRATEGIES)[number];

export interface LambdaConfig {
  clusterArn: string;
  taskDefinitionArn: string;
  containerName: string;
  subnetIds: string[];
  securityGroupIds: string[];
  capacityStrategy: CapacityStrategy;
  findingsTopicArn: string;
  /** Empty: the scheduled scan covers every repository in the account and Region. */
  watchedRepositories: string[];
  cloneUrlTemplate: string;
  notifyClean: boolean;
  rejectedEventQueueUrl: string;
  scanQueueUrl: string;
  /** The findings table, whose scanned-head items make scheduled scans incremental; absent: none. */
  findingsTableName?: string;
}

type Key = keyof typeof LAMBDA_ENV;

/** Used when a variable is unset or blank; a variable without one is required. */
const DEFAULTS: Partial<Record<Key, string>> = {
  containerName: SCANNER_CONTAINER_NAME,
  capacityStrategy: 'FARGATE',
  watchedRepositories: '',
  cloneUrlTemplate: DEFAULT_CLONE_URL_TEMPLATE,
  notifyClean: 'false',
  findingsTableName: '',
};

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** A comma-separated list of at least `minimum` items, each passing `item`. */
function listSchema(item: z.ZodMiniType<string>, minimum: number, what: string) {
  const valid = (items: string[]) => items.length >= minimum && items.every((i) => item.safeParse(i).success);
  return z.pipe(z.string(), z.transform(splitList)).check(z.refine(valid, `must be ${what}`));
}

const awsIdSchema = (prefix: string) => z.string().check(z.regex(new RegExp(`^${prefix}-[0-9a-f]{8,17}$`)));

const queueUrlSchema = z.string().check(z.regex(/^https?:\/\/\S+$/, 'must be an SQS queue URL'));

const lambdaEnvSchema = z.object({
  [LAMBDA_ENV.clusterArn]: arnSchema('ecs', 'cluster/[\\w-]+', 'an ECS cluster ARN'),
  [LAMBDA_ENV.taskDefinitionArn]: arnSchema('ecs', 'task-definition/[\\w-]+(:\\d+)?', 'an ECS task definition ARN'),
  [LAMBDA_ENV.containerName]: z.string().check(z.regex(/^[\w-]{1,255}$/, 'must be a container name')),
  [LAMBDA_ENV.subnetIds]: listSchema(awsIdSchema('subnet'), 1, 'a comma-separated list of subnet-… ids'),
  [LAMBDA_ENV.securityGroupIds]: listSchema(awsIdSchema('sg'), 1, 'a comma-separated list of sg-… ids'),
  [LAMBDA_ENV.capacityStrategy]: z.enum(CAPACITY_STRATEGIES, `must be ${CAPACITY_STRATEGIES.join(' or ')}`),
  [LAMBDA_ENV.findingsTopicArn]: topicArnSchema,
  [LAMBDA_ENV.watchedRepositories]: listSchema(
    repositoryNameSchema,
    0,
    'a comma-separated list of CodeCommit repository names',
  ),
  [LAMBDA_ENV.cloneUrlTemplate]: z
    .string()
    .check(z.refine((v) => v.includes('{repository}'), 'must be a URL containing {repository}')),
  [LAMBDA_ENV.notifyClean]: z.enum(['true', 'false'], 'must be "true" or "false"'),
  [LAMBDA_ENV.rejectedEventQueueUrl]: queueUrlSchema,
  [LAMBDA_ENV.scanQueueUrl]: queueUrlSchema,
  [LAMBDA_ENV.findingsTableName]: z.union([
    z.literal(''),
    z.string().check(z.regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a DynamoDB table name')),
  ]),
});

export function readLambdaConfig(env: NodeJS.ProcessEnv = process.env): LambdaConfig {
  const keys = Object.keys(LAMBDA_ENV) as Key[];
  const raw = Object.fromEntries(keys.map((key) => [LAMBDA_ENV[key], env[LAMBDA_ENV[key]]?.trim() || DEFAULTS[key]]));
  const parsed = lambdaEnvSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = envIssueList(raw, parsed.error);
    throw new LambdaConfigError(`invalid trigger Lambda configuration: ${problems.join('; ')}`, problems);
  }
  const value = parsed.data;
  return {
    clusterArn: value[LAMBDA_ENV.clusterArn],
    taskDefinitionArn: value[LAMBDA_ENV.taskDefinitionArn],
    containerName: value[LAMBDA_ENV.containerName],
    subnetIds: value[LAMBDA_ENV.subnetIds],
    securityGroupIds: value[LAMBDA_ENV.securityGroupIds],
    capacityStrategy: value[LAMBDA_ENV.capacityStrategy],
    findingsTopicArn: value[LAMBDA_ENV.findingsTopicArn],
    watchedRepositories: value[LAMBDA_ENV.watchedRepositories],
    cloneUrlTemplate: value[LAMBDA_ENV.cloneUrlTemplate],
    notifyClean: value[LAMBDA_ENV.notifyClean] === 'true',
    rejectedEventQueueUrl: value[LAMBDA_ENV.rejectedEventQueueUrl],
    scanQueueUrl: value[LAMBDA_ENV.scanQueueUrl],
    ...(value[LAMBDA_ENV.findingsTableName] !== '' && { findingsTableName: value[LAMBDA_ENV.findingsTableName] }),
  };
}

/**
 * Lambda sets AWS_LAMBDA_LOG_LEVEL from the function's application log level (the trigger stack sets
 * INFO); outside Lambda it is usually unset, which means INFO as well.
 */
export function readLogLevel(env: NodeJS.ProcessEnv = process.env): LogThreshold {
  const value = env.AWS_LAMBDA_LOG_LEVEL?.trim().toLowerCase() || 'info';
  if (!isLogThreshold(value)) {
    throw new LambdaConfigError(`AWS_LAMBDA_LOG_LEVEL: must be one of ${LOG_THRESHOLDS.join(', ').toUpperCase()}`);
  }
  return value;
}
