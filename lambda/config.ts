/**
 * The one reader of the Lambda's configuration (LAMBDA_ENV, set by the trigger stack, and the log level
 * Lambda sets). Read once at cold start; every LAMBDA_ENV problem is reported in one ConfigError so a
 * bad deployment fails loudly at init.
 */
import { DEFAULT_CLONE_URL_TEMPLATE, LAMBDA_ENV, SCANNER_CONTAINER_NAME } from '../contracts/env';
import { repositoryNameSchema } from '../contracts/events';
import { LOG_THRESHOLDS, isLogThreshold, type LogThreshold } from '../contracts/log';
import { ConfigError } from './errors';

export const CAPACITY_STRATEGIES = ['FARGATE', 'FARGATE_SPOT'] as const;
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
}

type Key = keyof typeof LAMBDA_ENV;
interface Rule {
  test: (value: string) => boolean;
  expected: string;
  /** Used when the variable is unset or blank; no default means the variable is required. */
  fallback?: string;
}

const matches = (pattern: RegExp, expected: string): Rule => ({ test: (v) => pattern.test(v), expected });
const idList = (prefix: string): Rule => ({
  test: (v) => splitList(v).length > 0 && splitList(v).every((id) => new RegExp(`^${prefix}-[0-9a-f]{8,17}$`).test(id)),
  expected: `a comma-separated list of ${prefix}-… ids`,
});

const RULES: Record<Key, Rule> = {
  clusterArn: matches(/^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:cluster\/[\w-]+$/, 'an ECS cluster ARN'),
  taskDefinitionArn: matches(/^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/[\w-]+(:\d+)?$/, 'an ECS task definition ARN'),
  containerName: { ...matches(/^[\w-]{1,255}$/, 'a container name'), fallback: SCANNER_CONTAINER_NAME },
  subnetIds: idList('subnet'),
  securityGroupIds: idList('sg'),
  capacityStrategy: { test: (v) => (CAPACITY_STRATEGIES as readonly string[]).includes(v), expected: CAPACITY_STRATEGIES.join(' or '), fallback: 'FARGATE' },
  findingsTopicArn: matches(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]+$/, 'an SNS topic ARN'),
  watchedRepositories: {
    test: (v) => splitList(v).every((name) => repositoryNameSchema.safeParse(name).success),
    expected: 'a comma-separated list of CodeCommit repository names',
    fallback: '',
  },
  cloneUrlTemplate: { test: (v) => v.includes('{repository}'), expected: 'a URL containing {repository}', fallback: DEFAULT_CLONE_URL_TEMPLATE },
  notifyClean: { test: (v) => v === 'true' || v === 'false', expected: '"true" or "false"', fallback: 'false' },
  rejectedEventQueueUrl: { test: (v) => /^https?:\/\/\S+$/.test(v), expected: 'an SQS queue URL' },
};

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

export function readLambdaConfig(env: NodeJS.ProcessEnv = process.env): LambdaConfig {
  const problems: string[] = [];
  const raw = {} as Record<Key, string>;
  for (const key of Object.keys(RULES) as Key[]) {
    const { test, expected, fallback } = RULES[key];
    const name = LAMBDA_ENV[key];
    const value = env[name]?.trim() || fallback;
    if (value === undefined) problems.push(`${name} is not set (expected ${expected})`);
    else if (value !== '' && !test(value)) problems.push(`${name}=${JSON.stringify(value)} is not ${expected}`);
    raw[key] = value ?? '';
  }
  if (problems.length > 0) throw new ConfigError(`invalid trigger Lambda configuration: ${problems.join('; ')}`);
  return {
    ...raw,
    capacityStrategy: raw.capacityStrategy as CapacityStrategy,
    subnetIds: splitList(raw.subnetIds),
    securityGroupIds: splitList(raw.securityGroupIds),
    watchedRepositories: splitList(raw.watchedRepositories),
    notifyClean: raw.notifyClean === 'true',
  };
}

/**
 * Lambda sets AWS_LAMBDA_LOG_LEVEL from the function's application log level (the trigger stack sets
 * INFO); outside Lambda it is usually unset, which means INFO as well.
 */
export function readLogLevel(env: NodeJS.ProcessEnv = process.env): LogThreshold {
  const value = env.AWS_LAMBDA_LOG_LEVEL?.trim().toLowerCase() || 'info';
  if (!isLogThreshold(value)) throw new ConfigError(`AWS_LAMBDA_LOG_LEVEL=${JSON.stringify(env.AWS_LAMBDA_LOG_LEVEL)} is not one of ${LOG_THRESHOLDS.join(', ').toUpperCase()}`);
  return value;
}
