/**
 * Events and configuration for the trigger Lambda tests. PR events start from the documented reference
 * shape (fixtures/codecommit-pr-event.json, a copy of ../shared/reference so a clean checkout has it).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAMBDA_ENV } from '../../contracts/env';
import type { LambdaConfig } from '../../lambda/config';

export const REFERENCE_PR_EVENT = JSON.parse(
  readFileSync(join(__dirname, 'fixtures', 'codecommit-pr-event.json'), 'utf8'),
) as {
  id: string;
  region: string;
  detail: Record<string, unknown> & {
    repositoryNames: string[];
    pullRequestId: string;
    sourceCommit: string;
    destinationCommit: string;
  };
} & Record<string, unknown>;

/** The reference PR event with `detail` fields replaced (undefined removes a field). */
export function prEvent(
  detail: Record<string, unknown> = {},
  envelope: Record<string, unknown> = {},
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...REFERENCE_PR_EVENT.detail, ...detail };
  for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
  return { ...structuredClone(REFERENCE_PR_EVENT), ...envelope, detail: merged };
}

export function scheduledEvent(time = '2026-03-05T02:00:00Z'): Record<string, unknown> {
  return {
    version: '0',
    id: `sched-${time}`,
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '111122223333',
    time,
    region: 'us-east-1',
    resources: ['arn:aws:events:us-east-1:111122223333:rule/leakscan-nightly'],
    detail: {},
  };
}

/** A complete, valid LAMBDA_ENV (placeholder account 111122223333). */
export function lambdaEnv(overrides: Partial<Record<keyof typeof LAMBDA_ENV, string>> = {}): Record<string, string> {
  const values: Partial<Record<keyof typeof LAMBDA_ENV, string>> = {
    clusterArn: 'arn:aws:ecs:us-east-1:111122223333:cluster/leakscan',
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:111122223333:task-definition/leakscan-scanner:3',
    subnetIds: 'subnet-0aaa1111bbbb2222c, subnet-0ddd3333eeee4444f',
    securityGroupIds: 'sg-0123456789abcdef0',
    findingsTopicArn: 'arn:aws:sns:us-east-1:111122223333:leakscan-findings',
    rejectedEventQueueUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/leakscan-trigger-failures',
    scanQueueUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/leakscan-scan-requests',
    ...overrides,
  };
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => [LAMBDA_ENV[key as keyof typeof LAMBDA_ENV], value as string]),
  );
}

export function testConfig(overrides: Partial<LambdaConfig> = {}): LambdaConfig {
  return {
    clusterArn: 'arn:aws:ecs:us-east-1:111122223333:cluster/leakscan',
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:111122223333:task-definition/leakscan-scanner:3',
    containerName: 'scanner',
    subnetIds: ['subnet-0aaa1111bbbb2222c', 'subnet-0ddd3333eeee4444f'],
    securityGroupIds: ['sg-0123456789abcdef0'],
    capacityStrategy: 'FARGATE',
    findingsTopicArn: 'arn:aws:sns:us-east-1:111122223333:leakscan-findings',
    watchedRepositories: [],
    cloneUrlTemplate: 'file:///srv/git/{region}/{repository}',
    notifyClean: false,
    rejectedEventQueueUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/leakscan-trigger-failures',
    scanQueueUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/leakscan-scan-requests',
    ...overrides,
  };
}

/** Captures the handler's JSON lines (contracts/log.ts writes to process.stdout; stderr too, so nothing escapes). */
export function captureOutput(): {
  logs: () => Array<Record<string, unknown>>;
  metrics: () => Array<Record<string, unknown>>;
  restore: () => void;
} {
  const lines: string[] = [];
  const record = (chunk: string | Uint8Array): boolean => {
    lines.push(
      ...chunk
        .toString()
        .split('\n')
        .filter((line) => line.trim() !== ''),
    );
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(record),
    jest.spyOn(process.stderr, 'write').mockImplementation(record),
  ];
  const parsed = (): Array<Record<string, unknown>> => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    logs: () => parsed().filter((entry) => !('_aws' in entry)),
    metrics: () => parsed().filter((entry) => '_aws' in entry),
    restore: () => spies.forEach((spy) => spy.mockRestore()),
  };
}
