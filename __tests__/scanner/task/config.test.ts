import { randomBytes } from 'node:crypto';
import { TASK_ENV } from '../../../contracts/env';
import { SCAN_MODES } from '../../../contracts/scan-request';
import { DEFAULT_SCAN_TIMEOUT_SECONDS, readTaskConfig, TaskConfigError } from '../../../scanner/task/config';

const sha = () => randomBytes(20).toString('hex');
const TOPIC = 'arn:aws:sns:us-east-1:111122223333:leakscan-findings';
const ROLE = 'arn:aws:iam::111122223333:role/leakscan/leakscan-scanner-task';
const TABLE = 'arn:aws:dynamodb:us-east-1:111122223333:table/leakscan-findings';

function prEnv(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return {
    [TASK_ENV.repository]: 'payments-service',
    [TASK_ENV.cloneUrl]: 'https://git-codecommit.us-east-1.amazonaws.com/v1/repos/payments-service',
    [TASK_ENV.mode]: 'pr',
    [TASK_ENV.sourceCommit]: sha(),
    [TASK_ENV.destinationCommit]: sha(),
    [TASK_ENV.pullRequestId]: '42',
    [TASK_ENV.findingsTopicArn]: TOPIC,
    ...overrides,
  };
}

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    readTaskConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(TaskConfigError);
    return (error as TaskConfigError).problems;
  }
  throw new Error('expected a TaskConfigError');
}

describe('readTaskConfig', () => {
  it('reads a PR configuration', () => {
    const env = prEnv({ [TASK_ENV.notifyClean]: 'true' });
    expect(readTaskConfig(env)).toEqual({
      request: {
        repository: 'payments-service',
        mode: 'pr',
        pullRequest: { id: '42', base: env[TASK_ENV.destinationCommit], head: env[TASK_ENV.sourceCommit] },
      },
      cloneUrl: env[TASK_ENV.cloneUrl],
      findingsTopicArn: TOPIC,
      notifyClean: true,
      scanTimeoutMs: DEFAULT_SCAN_TIMEOUT_SECONDS * 1000,
    });
  });

  it('reads a full-scan configuration without PR fields and defaults notifyClean to false', () => {
    const env = prEnv({
      [TASK_ENV.mode]: 'full',
      [TASK_ENV.sourceCommit]: undefined,
      [TASK_ENV.destinationCommit]: undefined,
      [TASK_ENV.pullRequestId]: undefined,
    });
    expect(readTaskConfig(env)).toEqual({
      request: { repository: 'payments-service', mode: 'full' },
      cloneUrl: env[TASK_ENV.cloneUrl],
      findingsTopicArn: TOPIC,
      notifyClean: false,
      scanTimeoutMs: DEFAULT_SCAN_TIMEOUT_SECONDS * 1000,
    });
  });

  it('accepts file:// clone URLs for local runs and tests', () => {
    expect(readTaskConfig(prEnv({ [TASK_ENV.cloneUrl]: 'file:///tmp/leakscan-e2e/payments-service' })).cloneUrl).toBe(
      'file:///tmp/leakscan-e2e/payments-service',
    );
  });

  it.each([
    ['a branch name', 'feature/s3-upload'],
    ['an option', '--upload-pack=touch /tmp/pwned'],
    ['a short sha', 'abc1234'],
    ['uppercase hex', 'A'.repeat(40)],
    ['a revision expression', `${'a'.repeat(40)}^`],
    ['a range', `${'a'.repeat(40)}..${'b'.repeat(40)}`],
  ])('refuses %s as a commit id', (_label, value) => {
    expect(problemsOf(prEnv({ [TASK_ENV.sourceCommit]: value }))).toEqual([
      `${TASK_ENV.sourceCommit}: must be a 40-character lowercase hex commit id`,
    ]);
  });

  it.each(['../etc', 'repo/name', 'repo.git', '..', 'a'.repeat(101), '', 'name with space', 'x;rm -rf /'])(
    'refuses repository name %j',
    (name) => {
      expect(problemsOf(prEnv({ [TASK_ENV.repository]: name }))).toEqual([
        expect.stringMatching(new RegExp(`^${TASK_ENV.repository}: `)),
      ]);
    },
  );

  it.each([
    'ext::sh -c touch% /tmp/pwned',
    'ssh://git@example.com/repo',
    'git://example.com/repo',
    'https://user:pass@example.com/repo',
    'https://example.com/v1/repos/../../etc',
    'file:///tmp/%2e%2e/etc',
    '--upload-pack=evil',
    '-c core.sshCommand=evil',
    'fd::17',
    '/tmp/relative-is-not-a-url',
    'https://example.com/repo\nurl = evil',
  ])('refuses clone URL %j', (url) => {
    expect(problemsOf(prEnv({ [TASK_ENV.cloneUrl]: url }))).toEqual([
      expect.stringMatching(new RegExp(`^${TASK_ENV.cloneUrl}: `)),
    ]);
  });

  it('refuses a CodeCommit URL of another repository than the one it comments on', () => {
    expect(
      problemsOf(
        prEnv({ [TASK_ENV.cloneUrl]: 'https://git-codecommit.us-east-1.amazonaws.com/v1/repos/other-service' }),
      ),
    ).toEqual([`${TASK_ENV.cloneUrl}: must be the CodeCommit URL of ${TASK_ENV.repository}`]);
  });

  it('says which variables are missing', () => {
    expect(problemsOf({})).toEqual([
      `${TASK_ENV.mode}: is not set`,
      `${TASK_ENV.repository}: is not set`,
      `${TASK_ENV.cloneUrl}: is not set`,
      `${TASK_ENV.findingsTopicArn}: is not set`,
      `${TASK_ENV.sourceCommit}: is not set`,
      `${TASK_ENV.destinationCommit}: is not set`,
      `${TASK_ENV.pullRequestId}: is not set`,
    ]);
  });

  it('refuses a bad mode, topic, PR id and flag, reporting every problem at once', () => {
    const problems = problemsOf(
      prEnv({
        [TASK_ENV.mode]: 'incremental',
        [TASK_ENV.findingsTopicArn]: 'arn:aws:sqs:us-east-1:111122223333:q',
        [TASK_ENV.pullRequestId]: '0x2a',
        [TASK_ENV.notifyClean]: 'yes',
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        `${TASK_ENV.mode}: must be one of ${SCAN_MODES.join(', ')}`,
        `${TASK_ENV.findingsTopicArn}: must be an SNS topic ARN`,
        `${TASK_ENV.pullRequestId}: must be a decimal pull request id`,
        `${TASK_ENV.notifyClean}: must be "true" or "false"`,
      ]),
    );
    expect(problems).toHaveLength(4);
  });

  it('requires the PR fields in PR mode and never echoes values', () => {
    const problems = problemsOf(
      prEnv({
        [TASK_ENV.sourceCommit]: undefined,
        [TASK_ENV.pullRequestId]: undefined,
        [TASK_ENV.repository]: 'evil;`id`',
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        `${TASK_ENV.sourceCommit}: is not set`,
        `${TASK_ENV.pullRequestId}: is not set`,
        expect.stringMatching(new RegExp(`^${TASK_ENV.repository}: must be`)),
      ]),
    );
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).not.toContain('evil');
  });

  it.each([
    ['600', 600_000],
    ['0.05', 50],
    ['86400', 86_400_000],
  ])('reads the scan deadline %s s as %d ms', (seconds, ms) => {
    expect(readTaskConfig(prEnv({ [TASK_ENV.scanTimeoutSeconds]: seconds })).scanTimeoutMs).toBe(ms);
  });

  it('reads the task role and the findings lifecycle; neither is required', () => {
    const config = readTaskConfig(
      prEnv({
        [TASK_ENV.taskRoleArn]: ROLE,
        [TASK_ENV.findingsTableArn]: TABLE,
        [TASK_ENV.securityHub]: 'true',
      }),
    );
    expect(config).toMatchObject({
      taskRoleArn: ROLE,
      findings: {
        table: { name: 'leakscan-findings', partition: 'aws', region: 'us-east-1', accountId: '111122223333' },
        securityHub: true,
        events: false,
      },
    });
    const bare = readTaskConfig(prEnv());
    expect(bare).not.toHaveProperty('taskRoleArn');
    expect(bare).not.toHaveProperty('findings');
  });

  it('reports request, role and lifecycle problems together, never their values', () => {
    const problems = problemsOf(
      prEnv({
        [TASK_ENV.pullRequestId]: undefined,
        [TASK_ENV.taskRoleArn]: 'arn:aws:iam::111122223333:user/evil',
        [TASK_ENV.findingsTableArn]: 'arn:aws:s3:::evil-bucket',
        [TASK_ENV.findingEvents]: 'yes',
      }),
    );
    expect(problems).toEqual([
      `${TASK_ENV.pullRequestId}: is not set`,
      `${TASK_ENV.taskRoleArn}: must be an IAM role ARN`,
      `${TASK_ENV.findingsTableArn}: must be a DynamoDB table ARN`,
      `${TASK_ENV.findingEvents}: must be "true" or "false"`,
    ]);
    expect(problems.join('\n')).not.toContain('evil');
  });

  it('verifies key pairs against the regional STS endpoint, or the one AWS_ENDPOINT_URL_STS names, when asked', () => {
    expect(readTaskConfig(prEnv())).not.toHaveProperty('verify');
    const on = { [TASK_ENV.verify]: 'true', AWS_REGION: 'eu-west-1' };
    expect(readTaskConfig(prEnv(on)).verify).toMatchObject({ region: 'eu-west-1' });
    expect(readTaskConfig(prEnv(on)).verify!.endpoint.href).toBe('https://sts.eu-west-1.amazonaws.com/');
    const local = readTaskConfig(prEnv({ ...on, AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:4566' }));
    expect(local.verify!.endpoint.href).toBe('http://127.0.0.1:4566/');
    expect(problemsOf(prEnv({ ...on, AWS_ENDPOINT_URL_STS: 'ftp://evil@example.com' }))).toEqual([
      `${TASK_ENV.verify}: AWS_REGION and AWS_ENDPOINT_URL_STS must name an STS endpoint`,
    ]);
    expect(problemsOf(prEnv({ [TASK_ENV.verify]: 'yes' }))).toEqual([`${TASK_ENV.verify}: must be "true" or "false"`]);
  });

  it.each(['0', '-1', '1e3', 'ten', '86401', '1.2345', ''])('refuses scan deadline %j with one problem', (seconds) => {
    expect(problemsOf(prEnv({ [TASK_ENV.scanTimeoutSeconds]: seconds }))).toEqual([
      expect.stringMatching(new RegExp(`^${TASK_ENV.scanTimeoutSeconds}: must be `)),
    ]);
  });
});
