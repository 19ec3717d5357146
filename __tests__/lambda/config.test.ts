import { DEFAULT_CLONE_URL_TEMPLATE, LAMBDA_ENV, SCANNER_CONTAINER_NAME } from '../../contracts/env';
import { readLambdaConfig, readLogLevel } from '../../lambda/config';
import { ConfigError } from '../../lambda/errors';
import { lambdaEnv } from './support';

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
    expect(() => readLambdaConfig({})).toThrow(ConfigError);
    let message = '';
    try {
      readLambdaConfig({ [LAMBDA_ENV.subnetIds]: '  ' });
    } catch (error) {
      message = (error as Error).message;
    }
    for (const key of ['clusterArn', 'taskDefinitionArn', 'subnetIds', 'securityGroupIds', 'findingsTopicArn', 'rejectedEventQueueUrl'] as const) {
      expect(message).toContain(`${LAMBDA_ENV[key]} is not set`);
    }
    expect(message).not.toContain(LAMBDA_ENV.watchedRepositories);
  });

  it.each([
    ['subnetIds', 'subnet-0aaa1111bbbb2222c,vpc-0123456789abcdef0'],
    ['securityGroupIds', 'default'],
    ['capacityStrategy', 'EC2'],
    ['clusterArn', 'leakscan'],
    ['taskDefinitionArn', 'arn:aws:ecs:us-east-1:111122223333:cluster/leakscan'],
    ['findingsTopicArn', 'arn:aws:sqs:us-east-1:111122223333:leakscan-findings'],
    ['watchedRepositories', 'ok-repo,mirror.git'],
    ['cloneUrlTemplate', 'https://git.example.com/{region}'],
    ['notifyClean', 'yes'],
    ['rejectedEventQueueUrl', 'leakscan-trigger-failures'],
  ] as const)('rejects a malformed %s', (key, value) => {
    expect(() => readLambdaConfig(lambdaEnv({ [key]: value }))).toThrow(`${LAMBDA_ENV[key]}=${JSON.stringify(value)} is not`);
  });

  it('fails the cold start of the handler module with the same clear error', () => {
    const saved = { ...process.env };
    try {
      for (const name of Object.values(LAMBDA_ENV)) delete process.env[name];
      Object.assign(process.env, lambdaEnv({ clusterArn: 'not-an-arn' }));
      jest.isolateModules(() => {
        expect(() => require('../../lambda/handler')).toThrow(`${LAMBDA_ENV.clusterArn}="not-an-arn" is not an ECS cluster ARN`);
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
    expect(() => readLogLevel({ AWS_LAMBDA_LOG_LEVEL: 'verbose' })).toThrow(new ConfigError('AWS_LAMBDA_LOG_LEVEL="verbose" is not one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL'));
  });
});
