/**
 * Constructs take everything they need as props: each one synthesizes in a bare TerraformStack (no
 * leakscan stack, no configuration to reach into) and its output follows the props it was given.
 */
import { Testing } from 'cdktf';
import type { Construct } from 'constructs';
import { EncryptionKey } from '../../stacks/constructs/encryption-key';
import { PrivateVpc } from '../../stacks/constructs/private-vpc';
import { ScannerSecurityGroup } from '../../stacks/constructs/scanner-security-group';
import { ScannerTask, type ScannerTaskProps } from '../../stacks/constructs/scanner-task';
import { TriggerFunction, type TriggerFunctionProps } from '../../stacks/constructs/trigger-function';
import { VpcEndpoints } from '../../stacks/constructs/vpc-endpoints';
import { policyDocuments } from './policies';
import { lambdaBundle, only, resources, type TfJson } from './synth';

const ACCOUNT = '111122223333';
const synth = (build: (scope: Construct) => void) => JSON.parse(Testing.synthScope(build)) as TfJson;

describe('TriggerFunction props', () => {
  const props: TriggerFunctionProps = {
    name: 'fn',
    description: 'test function',
    bundleDir: lambdaBundle(),
    handler: 'handler',
    timeoutSeconds: 30,
    environment: {},
    statements: [],
    onFailureQueueArn: `arn:aws:sqs:eu-west-1:${ACCOUNT}:failed`,
    account: ACCOUNT,
    logRetentionDays: 30,
    asyncInvoke: { maxRetryAttempts: 1, maxEventAgeSeconds: 600 },
  };

  it('reserves concurrency only when given some', () => {
    expect(
      only(
        synth((s) => new TriggerFunction(s, 'fn', props)),
        'aws_lambda_function',
      ),
    ).not.toHaveProperty('reserved_concurrent_executions');
    const reserved = synth((s) => new TriggerFunction(s, 'fn', { ...props, reservedConcurrency: 3 }));
    expect(only(reserved, 'aws_lambda_function').reserved_concurrent_executions).toBe(3);
  });

  it('takes its retries, log retention and trusted account from the props', () => {
    const stack = synth((s) => new TriggerFunction(s, 'fn', props));
    expect(only(stack, 'aws_lambda_function_event_invoke_config')).toMatchObject({
      maximum_retry_attempts: 1,
      maximum_event_age_in_seconds: 600,
    });
    expect(only(stack, 'aws_cloudwatch_log_group')).toMatchObject({ name: '/aws/lambda/fn', retention_in_days: 30 });
    const trust = policyDocuments(stack).find((p) => p.type === 'aws_iam_role')!;
    expect(trust.statements[0]!.Condition).toEqual({ StringEquals: { 'aws:SourceAccount': ACCOUNT } });
  });
});

describe('ScannerTask props', () => {
  const props: ScannerTaskProps = {
    family: 'scan',
    verifyKeys: false,
    size: { cpu: 512, memory: 2048, architecture: 'X86_64' },
    image: `registry.example.com/scan@sha256:${'1'.repeat(64)}`,
    pullRepositoryArn: undefined,
    codecommitArns: [`arn:aws:codecommit:eu-west-1:${ACCOUNT}:web`],
    findingsTopicArn: `arn:aws:sns:eu-west-1:${ACCOUNT}:findings`,
    findingsKeyArn: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/k`,
    executionRoleName: 'scan-exec',
    taskRoleName: 'scan-task',
    logs: { name: '/scan/logs', retentionDays: 7 },
    region: 'eu-west-1',
    account: ACCOUNT,
  };
  const stack = synth((s) => new ScannerTask(s, 'task', props));

  it('sizes, names and logs the task as told', () => {
    expect(only(stack, 'aws_ecs_task_definition')).toMatchObject({
      family: 'scan',
      cpu: '512',
      memory: '2048',
      runtime_platform: { cpu_architecture: 'X86_64' },
    });
    expect(resources(stack, 'aws_iam_role').map((r) => r.name)).toEqual(['scan-exec', 'scan-task']);
    expect(only(stack, 'aws_cloudwatch_log_group')).toMatchObject({ name: '/scan/logs', retention_in_days: 7 });
    const [container] = JSON.parse(only(stack, 'aws_ecs_task_definition').container_definitions as string) as Array<{
      logConfiguration: { options: Record<string, string> };
    }>;
    expect(container!.logConfiguration.options['awslogs-region']).toBe('eu-west-1');
  });

  it('needs no ECR statements for an image outside ECR', () => {
    const execution = policyDocuments(stack).filter((p) => p.type === 'aws_iam_role_policy')[0]!;
    expect(execution.statements.map((st) => st.Sid)).toEqual(['WriteTaskLogs']);
  });

  describe('findings', () => {
    const tableArn = `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/scan-findings`;
    const tableKeyArn = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/t`;
    const taskPolicy = (stack: TfJson) => policyDocuments(stack).filter((p) => p.type === 'aws_iam_role_policy')[1]!;
    const environment = (stack: TfJson) =>
      Object.fromEntries(
        (
          JSON.parse(only(stack, 'aws_ecs_task_definition').container_definitions as string) as Array<{
            environment: Array<{ name: string; value: string }>;
          }>
        )[0]!.environment.map((e) => [e.name, e.value]),
      );

    it('without a table: no findings statement and no findings setting, so the task notifies as before', () => {
      expect(taskPolicy(stack).statements.map((st) => st.Sid)).not.toContain('FindingsTable');
      expect(Object.keys(environment(stack)).filter((n) => /FINDING|SECURITY_HUB/.test(n))).toEqual([]);
    });

    it('with the table only: the table and its key, and both opt-ins "false"', () => {
      const withTable = synth((s) => new ScannerTask(s, 'task', { ...props, findings: { tableArn, tableKeyArn } }));
      expect(taskPolicy(withTable).statements.slice(-2)).toEqual([
        expect.objectContaining({ Sid: 'FindingsTable', Resource: tableArn }),
        expect.objectContaining({
          Sid: 'FindingsTableKey',
          Resource: tableKeyArn,
          Condition: { StringEquals: { 'kms:ViaService': 'dynamodb.eu-west-1.amazonaws.com' } },
        }),
      ]);
      expect(environment(withTable)).toMatchObject({
        LEAKSCAN_FINDINGS_TABLE_ARN: tableArn,
        LEAKSCAN_SECURITY_HUB: 'false',
        LEAKSCAN_FINDING_EVENTS: 'false',
      });
    });

    it('grants the import and the events on exactly the ARNs given, and tells the task they are on', () => {
      const securityHubProductArn = `arn:aws:securityhub:eu-west-1:${ACCOUNT}:product/${ACCOUNT}/default`;
      const eventBusArn = `arn:aws:events:eu-west-1:${ACCOUNT}:event-bus/default`;
      const all = synth(
        (s) =>
          new ScannerTask(s, 'task', {
            ...props,
            findings: { tableArn, tableKeyArn, securityHubProductArn, eventBusArn },
          }),
      );
      expect(taskPolicy(all).statements.slice(-2)).toEqual([
        {
          Sid: 'ImportFindings',
          Effect: 'Allow',
          Action: 'securityhub:BatchImportFindings',
          Resource: securityHubProductArn,
        },
        {
          Sid: 'PutFindingEvents',
          Effect: 'Allow',
          Action: 'events:PutEvents',
          Resource: eventBusArn,
          Condition: { StringEquals: { 'events:source': 'leakscan' } },
        },
      ]);
      expect(environment(all)).toMatchObject({ LEAKSCAN_SECURITY_HUB: 'true', LEAKSCAN_FINDING_EVENTS: 'true' });
    });
  });
});

describe('network construct props', () => {
  const stack = synth((s) => {
    const vpc = new PrivateVpc(s, 'vpc', {
      cidr: '10.9.0.0/16',
      region: 'ca-central-1',
      namePrefix: 'acme',
      flowLogs: { name: '/acme/flow', retentionDays: 90 },
      account: ACCOUNT,
      flowLogSourceArn: `arn:aws:ec2:ca-central-1:${ACCOUNT}:vpc-flow-log/*`,
    });
    new VpcEndpoints(s, 'endpoints', {
      vpcId: vpc.vpc.id,
      cidr: '10.9.0.0/16',
      subnetIds: [],
      routeTableIds: [],
      region: 'ca-central-1',
      namePrefix: 'acme',
      dynamodb: false,
      optionalServices: ['events'],
    });
    new ScannerSecurityGroup(s, 'sg', { name: 'acme-scanner', vpcId: vpc.vpc.id, egress: { to: 'anywhere' } });
  });

  it('names, places and guards everything from the props', () => {
    expect(only(stack, 'aws_vpc').tags).toEqual({ Name: 'acme-vpc' });
    expect(only(stack, 'aws_iam_role').name).toBe('acme-vpc-flow-logs');
    expect(only(stack, 'aws_cloudwatch_log_group')).toMatchObject({ name: '/acme/flow', retention_in_days: 90 });
    expect(policyDocuments(stack).find((p) => p.type === 'aws_iam_role')!.statements[0]!.Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': ACCOUNT },
      ArnLike: { 'aws:SourceArn': `arn:aws:ec2:ca-central-1:${ACCOUNT}:vpc-flow-log/*` },
    });
    const services = resources(stack, 'aws_vpc_endpoint').map((e) => e.service_name);
    expect(services).toContain('com.amazonaws.ca-central-1.sts');
    expect(services).toContain('com.amazonaws.ca-central-1.events');
    expect(services).not.toContain('com.amazonaws.ca-central-1.securityhub');
    expect(services).not.toContain('com.amazonaws.ca-central-1.dynamodb');
    expect(
      resources(stack, 'aws_security_group')
        .map((g) => g.name)
        .sort(),
    ).toEqual(['acme-scanner', 'acme-vpc-endpoints']);
  });
});

describe('EncryptionKey props', () => {
  it('lets the given account root administer the key', () => {
    const root = `arn:aws-cn:iam::${ACCOUNT}:root`;
    const stack = synth((s) => new EncryptionKey(s, 'key', { description: 'k', alias: 'alias/k', accountRoot: root }));
    const statements = policyDocuments(stack)[0]!.statements;
    expect(statements.map((st) => st.Principal)).toEqual([{ AWS: root }, { AWS: root }]);
    expect(only(stack, 'aws_kms_alias').name).toBe('alias/k');
  });
});
