/**
 * The findings lifecycle's part of the task's configuration, and the sinks built from it. The table's
 * ARN gives the table name and the partition, Region and account that Security Hub's ProductArn and
 * the repository's ARN need, so the stack passes one value, not four. The task's one configuration
 * reader (scanner/task/config.ts) calls `readFindingsConfig`; the names are in contracts/env.ts.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import * as z from 'zod/mini';
import { TASK_ENV } from '../../contracts/env';
import { envIssueList } from '../../contracts/errors';
import { arnSchema } from '../../contracts/scan-request';
import { FindingsError } from './errors';
import type { FindingsSinks } from './record-scan';
import { DynamoFindingsStore } from './store';

/** The settings are present but invalid: `problems` name each variable (never its value). */
export class FindingsConfigError extends FindingsError {
  constructor(readonly problems: string[]) {
    super(`invalid findings configuration: ${problems.join('; ')}`);
  }
}

export interface FindingsConfig {
  table: { name: string; partition: string; region: string; accountId: string };
  securityHub: boolean;
  events: boolean;
}

const flag = z.optional(z.enum(['true', 'false'], 'must be "true" or "false"'));
const schema = z.object({
  [TASK_ENV.findingsTableArn]: arnSchema('dynamodb', 'table/[A-Za-z0-9_.-]{3,255}', 'a DynamoDB table ARN'),
  [TASK_ENV.securityHub]: flag,
  [TASK_ENV.findingEvents]: flag,
});

/** The configuration, or undefined when no table is configured (the lifecycle is off). */
export function readFindingsConfig(env: Readonly<Record<string, string | undefined>>): FindingsConfig | undefined {
  if (env[TASK_ENV.findingsTableArn] === undefined) return undefined;
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new FindingsConfigError(envIssueList(env, parsed.error));
  // arn:<partition>:dynamodb:<region>:<account>:table/<name>, validated above.
  const [, partition, , region, accountId, resource] = parsed.data[TASK_ENV.findingsTableArn].split(':') as string[];
  return {
    table: { name: resource!.slice('table/'.length), partition: partition!, region: region!, accountId: accountId! },
    securityHub: parsed.data[TASK_ENV.securityHub] === 'true',
    events: parsed.data[TASK_ENV.findingEvents] === 'true',
  };
}

/** The SDK clients for a configuration, all in the table's Region. */
export function createFindingsSinks(config: FindingsConfig): FindingsSinks {
  const { table } = config;
  return {
    store: new DynamoFindingsStore(new DynamoDBClient({ region: table.region }), table.name),
    ...(config.securityHub && {
      securityHub: { client: new SecurityHubClient({ region: table.region }), target: table },
    }),
    ...(config.events && { events: { client: new EventBridgeClient({ region: table.region }) } }),
  };
}
