/** The findings lifecycle's task settings, the sinks built from them, and a request's scan scope. */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { TASK_ENV } from '../../../contracts/env';
import { createFindingsSinks, FindingsConfigError, readFindingsConfig, scopeOf } from '../../../scanner/findings';
import { DynamoFindingsStore } from '../../../scanner/findings/store';

const TABLE_ARN = 'arn:aws-us-gov:dynamodb:us-gov-west-1:111122223333:table/leakscan-findings';

describe('readFindingsConfig', () => {
  it('is off without a table', () => {
    expect(readFindingsConfig({ [TASK_ENV.securityHub]: 'true' })).toBeUndefined();
  });

  it('takes the table name, partition, Region and account from the table ARN; opt-ins default off', () => {
    expect(readFindingsConfig({ [TASK_ENV.findingsTableArn]: TABLE_ARN })).toEqual({
      table: { name: 'leakscan-findings', partition: 'aws-us-gov', region: 'us-gov-west-1', accountId: '111122223333' },
      securityHub: false,
      events: false,
    });
  });

  it('names every invalid variable, never its value', () => {
    const env = {
      [TASK_ENV.findingsTableArn]: 'arn:aws:s3:::not-a-table',
      [TASK_ENV.securityHub]: 'yes',
      [TASK_ENV.findingEvents]: 'TRUE',
    };
    const error = (() => {
      try {
        readFindingsConfig(env);
      } catch (e) {
        return e;
      }
    })() as FindingsConfigError;
    expect(error).toBeInstanceOf(FindingsConfigError);
    expect(error.problems).toEqual([
      `${TASK_ENV.findingsTableArn}: must be a DynamoDB table ARN`,
      `${TASK_ENV.securityHub}: must be "true" or "false"`,
      `${TASK_ENV.findingEvents}: must be "true" or "false"`,
    ]);
    expect(error.message).not.toContain('not-a-table');
  });
});

describe('createFindingsSinks', () => {
  it('builds only the opted-in publishers, in the table account and Region', async () => {
    const base = { [TASK_ENV.findingsTableArn]: TABLE_ARN };
    const off = createFindingsSinks(readFindingsConfig(base)!);
    expect(off.store).toBeInstanceOf(DynamoFindingsStore);
    expect(off).not.toHaveProperty('securityHub');
    expect(off).not.toHaveProperty('events');
    const on = createFindingsSinks(
      readFindingsConfig({ ...base, [TASK_ENV.securityHub]: 'true', [TASK_ENV.findingEvents]: 'true' })!,
    );
    expect(on.securityHub!.client).toBeInstanceOf(SecurityHubClient);
    expect(await on.securityHub!.client.config.region()).toBe('us-gov-west-1');
    expect(on.securityHub!.target).toMatchObject({ partition: 'aws-us-gov', accountId: '111122223333' });
    expect(on.events!.client).toBeInstanceOf(EventBridgeClient);
  });
});

describe('scopeOf', () => {
  const head = 'c'.repeat(40);
  it('is the pushed or pull request range for a push or PR scan, the default branch head for a full scan', () => {
    const pullRequest = { id: '7', base: 'a'.repeat(40), head: 'b'.repeat(40) };
    expect(scopeOf({ repository: 'r', mode: 'pr', pullRequest }, head)).toEqual({
      kind: 'range',
      head: pullRequest.head,
      pullRequestId: '7',
    });
    expect(scopeOf({ repository: 'r', mode: 'full' }, head)).toEqual({ kind: 'head', head });
    expect(scopeOf({ repository: 'r', mode: 'push', push: { head: pullRequest.head } }, head)).toEqual({
      kind: 'range',
      head: pullRequest.head,
    });
  });
});
