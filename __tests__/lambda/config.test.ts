import { DEFAULT_CLONE_URL_TEMPLATE, LAMBDA_ENV, SCANNER_CONTAINER_NAME } from '../../contracts/env';
import { readLambdaConfig, readLogLevel } from '../../lambda/config';
import { LambdaConfigError } from '../../lambda/errors';
import { lambdaEnv } from './support';

/** The LambdaConfigError `env` raises (fails the test when it is valid). */
function configError(env: NodeJS.ProcessEnv): LambdaConfigError {
  try {
    readLambdaConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(LambdaConfigError);
    expect((error as Error).name).toBe('LambdaConfigError');
    return error as LambdaConfigError;
  }
  throw new Error('expected a LambdaConfigError');
}

describe('readLambdaConfig', () => {
  it('reads a complete environment, splitting lists and applying defaults', () => {
    const config = readLambdaConfig(lambdaEnv());
    expect(config).toEqual({
      clusterArn: 'arn:aws:ecs:us-east-1:111122223333:cluster/leakscan',
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:111122223333:task-definition/leakscan-scanner:3',
      containerName: SCANNER_CONTAINER_NAME,
      subnetIds: ['subnet-0aaa1111bbbb2222c', 'subnet-0ddd3333eeee4444f'],
      securityGroupIds: ['sg-0123456789abcdef0'],
      capacityStrategy: 'FARGATE',
      findingsTopicArn: 'arn:aws:sns:us-east-1:111122223333:leakscan-findings',
      watchedRepositories: [],
      cloneUrlTemplate: DEFAULT_CLONE_URL_TEMPLATE,
      notifyClean: false,
      rejectedEventQueueUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/leakscan-trigger-failures',
      scanQueueUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/leakscan-scan-requests',
    });
  });

  it('takes the optional settings when they are given', () => {
    const config = readLambdaConfig(
      lambdaEnv({
        capacityStrategy: 'FARGATE_SPOT',
        watchedRepositories: 'payments-service, infra.tools ,',
        cloneUrlTemplate: 'file:///srv/git/{repository}',
        notifyClean: 'true',
        containerName: 'scan',
      }),
    );
    expect(config).toMatchObject({
      capacityStrategy: 'FARGATE_SPOT',
      watchedRepositories: ['payments-service', 'infra.tools'],
      cloneUrlTemplate: 'file:///srv/git/{repository}',
      notifyClean: true,
      containerName: 'scan',
    });
  });

  it('names every missing required variable in one error', () => {
    expect(() => readLambdaConfig({})).toThrow(LambdaConfigError);
    const error = configError({ [LAMBDA_ENV.subnetIds]: '  ' });
    const required = [
      'clusterArn',
      'taskDefinitionArn',
      'subnetIds',
      'securityGroupIds',
      'findingsTopicArn',
      'rejectedEventQueueUrl',
      'scanQueueUrl',
    ] as const;
    expect(error.problems).toEqual(required.map((key) => `${LAMBDA_ENV[key]}: is not set`));
    expect(error.message).toBe(`invalid trigger Lambda configuration: ${error.problems.join('; ')}`);
  });

  it.each([
    ['subnetIds', 'subnet-0aaa1111bbbb2222c,vpc-0123456789abcdef0', 'must be a comma-separated list of subnet-… ids'],
    ['securityGroupIds', 'default', 'must be a comma-separated list of sg-… ids'],
    ['capacityStrategy', 'EC2', 'must be FARGATE or FARGATE_SPOT'],
    ['clusterArn', 'leakscan', 'must be an ECS cluster ARN'],
    ['taskDefinitionArn', 'arn:aws:ecs:us-east-1:111122223333:cluster/leakscan', 'must be an ECS task definition ARN'],
    ['findingsTopicArn', 'arn:aws:sqs:us-east-1:111122223333:leakscan-findings', 'must be an SNS topic ARN'],
    ['watchedRepositories', 'ok-repo,mirror.git', 'must be a comma-separated list of CodeCommit repository names'],
    ['cloneUrlTemplate', 'https://git.example.com/{region}', 'must be a URL containing {repository}'],
    ['notifyClean', 'yes', 'must be "true" or "false"'],
    ['rejectedEventQueueUrl', 'leakscan-trigger-failures', 'must be an SQS queue URL'],
    ['scanQueueUrl', 'leakscan-scan-requests', 'must be an SQS queue URL'],
  ] as const)('rejects a malformed %s, naming the variable and not its value', (key, value, problem) => {
    const error = configError(lambdaEnv({ [key]: value }));
    expect(error.problems).toEqual([`${LAMBDA_ENV[key]}: ${problem}`]);
    expect(error.message).not.toContain(value);
  });

  it('reports every problem at once, and never copies a long hostile value', () => {
    const hostile = `arn:aws:ecs:${'x'.repeat(10_000)}`;
    const error = configError(lambdaEnv({ clusterArn: hostile, capacityStrategy: 'EC2', notifyClean: 'maybe' }));
    expect(error.problems).toEqual([
      `${LAMBDA_ENV.clusterArn}: must be an ECS cluster ARN`,
      `${LAMBDA_ENV.capacityStrategy}: must be FARGATE or FARGATE_SPOT`,
      `${LAMBDA_ENV.notifyClean}: must be "true" or "false"`,
    ]);
    expect(error.message.length).toBeLessThan(300);
  });

  it('fails the cold start of the handler module with the same clear error', () => {
    const saved = { ...process.env };
    try {
      for (const name of Object.values(LAMBDA_ENV)) delete process.env[name];
      Object.assign(process.env, lambdaEnv({ clusterArn: 'not-an-arn' }));
      jest.isolateModules(() => {
        expect(() => require('../../lambda/handler')).toThrow(`${LAMBDA_ENV.clusterArn}: must be an ECS cluster ARN`);
      });
    } finally {
      process.env = saved;
    }
  });
});

describe('readLogLevel', () => {
  it.each([
    [undefined, 'info'],
    ['', 'info'],
    ['INFO', 'info'],
    ['DEBUG', 'debug'],
    ['TRACE', 'trace'],
    ['WARN', 'warn'],
    ['ERROR', 'error'],
    ['FATAL', 'fatal'],
  ])('reads AWS_LAMBDA_LOG_LEVEL=%j as %s', (value, level) => {
    expect(readLogLevel({ AWS_LAMBDA_LOG_LEVEL: value })).toBe(level);
  });

  it('fails with the accepted values on anything else', () => {
    expect(() => readLogLevel({ AWS_LAMBDA_LOG_LEVEL: 'verbose' })).toThrow(
      new LambdaConfigError('AWS_LAMBDA_LOG_LEVEL: must be one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL'),
    );
  });
});
