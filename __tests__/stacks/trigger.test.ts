import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAMBDA_ENV, SCANNER_CONTAINER_NAME } from '../../contracts/env';
import { policyDocuments, type PolicyStatement } from './policies';
import { ACCOUNT, only, resources, synthesize, testConfig, type TfJson } from './synth';

const ref = (type: string, logicalId: string, attribute: string) => `\${${type}.${logicalId}.${attribute}}`;
/** Logical id of the only resource of `type` whose `key` equals `value`. */
function idOf(stack: TfJson, type: string, key: string, value: unknown): string {
  const matches = Object.entries(stack.resource?.[type] ?? {}).filter(([, r]) => r[key] === value);
  if (matches.length !== 1)
    throw new Error(`expected one ${type} with ${key}=${String(value)}, found ${matches.length}`);
  return matches[0]![0];
}
/** The role policy of the trigger function, or of the scan-queue consumer. */
function lambdaStatements(stack: TfJson, fn: 'trigger' | 'scan-queue-consumer' = 'trigger'): PolicyStatement[] {
  return policyDocuments(stack).find((p) => p.where.startsWith(`aws_iam_role_policy.${fn}_role`))!.statements;
}
const TRIGGER_FUNCTION = { function_name: 'leakscan-test-trigger' };

describe('trigger stack', () => {
  const config = testConfig({
    repositories: ['payments-service', 'web'],
    schedule: 'rate(12 hours)',
    notifications: { notifyClean: true },
    trigger: { reservedConcurrency: 7 },
  });
  const { tf, json, outdir } = synthesize(config);
  const stack = json.trigger;
  const fn = only(stack, 'aws_lambda_function', TRIGGER_FUNCTION) as {
    filename: string;
    source_code_hash: string;
    environment: { variables: Record<string, string> };
  };
  const fnId = idOf(stack, 'aws_lambda_function', 'function_name', 'leakscan-test-trigger');
  const onFailureId = idOf(stack, 'aws_sqs_queue', 'name', 'leakscan-test-trigger-failed');
  const eventsDlqId = idOf(stack, 'aws_sqs_queue', 'name', 'leakscan-test-events-undelivered');
  const ruleIds = {
    pullRequest: idOf(stack, 'aws_cloudwatch_event_rule', 'name', 'leakscan-test-pull-request'),
    push: idOf(stack, 'aws_cloudwatch_event_rule', 'name', 'leakscan-test-push'),
    schedule: idOf(stack, 'aws_cloudwatch_event_rule', 'name', 'leakscan-test-full-scan'),
    taskFailed: idOf(stack, 'aws_cloudwatch_event_rule', 'name', 'leakscan-test-scanner-task-failed'),
  };
  const opsTopic = expect.stringMatching(/outputs\.cross-stack-output-aws_sns_topicops_topic.*arn\}$/);

  it('runs the bundled handler on nodejs22.x / arm64 with X-Ray, reserved concurrency and JSON logs', () => {
    expect(tf.trigger).toHaveResourceWithProperties(LambdaFunction, {
      function_name: 'leakscan-test-trigger',
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      handler: 'index.handler',
      reserved_concurrent_executions: 7,
      tracing_config: { mode: 'Active' },
      logging_config: expect.objectContaining({
        log_format: 'JSON',
        log_group: expect.stringMatching(/aws_cloudwatch_log_group\.trigger_logs/),
      }),
    });
    expect(resources(stack, 'aws_cloudwatch_log_group')).toEqual([
      expect.objectContaining({ name: '/aws/lambda/leakscan-test-scan-queue-consumer', retention_in_days: 365 }),
      expect.objectContaining({ name: '/aws/lambda/leakscan-test-trigger', retention_in_days: 365 }),
    ]);
  });

  it('deploys the esbuild bundle as a zip asset with a content hash', () => {
    expect(fn.filename).toMatch(/^assets\/.+\/archive\.zip$/);
    expect(fn.source_code_hash).toMatch(/^[0-9A-F]{32}$/);
    const zip = readFileSync(join(outdir, 'stacks', 'leakscan-test-trigger', fn.filename));
    expect(zip.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    expect(zip.includes('index.js')).toBe(true);
  });

  it('sets every variable the handler reads, from the stacks and the configuration', () => {
    const env = fn.environment.variables;
    expect(Object.keys(env).sort()).toEqual(Object.values(LAMBDA_ENV).sort());
    expect(env).toMatchObject({
      [LAMBDA_ENV.containerName]: SCANNER_CONTAINER_NAME,
      [LAMBDA_ENV.capacityStrategy]: 'FARGATE',
      [LAMBDA_ENV.watchedRepositories]: 'payments-service,web',
      [LAMBDA_ENV.notifyClean]: 'true',
      [LAMBDA_ENV.cloneUrlTemplate]: config.cloneUrlTemplate,
      [LAMBDA_ENV.rejectedEventQueueUrl]: ref('aws_sqs_queue', onFailureId, 'url'),
      [LAMBDA_ENV.clusterArn]: expect.stringMatching(/cross-stack-output-aws_ecs_cluster.*arn\}$/),
      [LAMBDA_ENV.taskDefinitionArn]: `arn:aws:ecs:eu-west-1:${ACCOUNT}:task-definition/leakscan-test-scanner`,
      [LAMBDA_ENV.findingsTopicArn]: expect.stringMatching(/cross-stack-output-aws_sns_topicfindings_topic.*arn\}$/),
      [LAMBDA_ENV.securityGroupIds]: expect.stringMatching(/cross-stack-output-aws_security_groupscanner-sg.*id\}$/),
      [LAMBDA_ENV.subnetIds]: expect.stringMatching(/^\$\{[^}]+private-0[^}]+\},\$\{[^}]+private-1[^}]+\}$/),
    });
  });

  it('retries asynchronous invocations, then sends them to the on-failure queue', () => {
    expect(tf.trigger).toHaveResourceWithProperties(LambdaFunctionEventInvokeConfig, {
      function_name: ref('aws_lambda_function', fnId, 'function_name'),
      maximum_retry_attempts: 2,
      maximum_event_age_in_seconds: 3600,
      destination_config: { on_failure: { destination: ref('aws_sqs_queue', onFailureId, 'arn') } },
    });
  });

  it('matches only new or updated open, unmerged pull requests of the watched repositories', () => {
    const rule = only(stack, 'aws_cloudwatch_event_rule', { name: 'leakscan-test-pull-request' });
    expect(JSON.parse(rule.event_pattern as string)).toEqual({
      source: ['aws.codecommit'],
      'detail-type': ['CodeCommit Pull Request State Change'],
      resources: [
        `arn:aws:codecommit:eu-west-1:${ACCOUNT}:payments-service`,
        `arn:aws:codecommit:eu-west-1:${ACCOUNT}:web`,
      ],
      detail: {
        event: ['pullRequestCreated', 'pullRequestSourceBranchUpdated'],
        pullRequestStatus: ['Open'],
        isMerged: ['False'],
      },
    });
    expect(tf.trigger).toHaveResourceWithProperties(CloudwatchEventRule, {
      name: 'leakscan-test-full-scan',
      schedule_expression: 'rate(12 hours)',
    });
  });

  it('matches only branches created or pushed to in the watched repositories (no tags, no deletions)', () => {
    const rule = only(stack, 'aws_cloudwatch_event_rule', { name: 'leakscan-test-push' });
    expect(JSON.parse(rule.event_pattern as string)).toEqual({
      source: ['aws.codecommit'],
      'detail-type': ['CodeCommit Repository State Change'],
      resources: [
        `arn:aws:codecommit:eu-west-1:${ACCOUNT}:payments-service`,
        `arn:aws:codecommit:eu-west-1:${ACCOUNT}:web`,
      ],
      detail: { event: ['referenceCreated', 'referenceUpdated'], referenceType: ['branch'] },
    });
  });

  it('delivers PR, push and schedule events to the Lambda with retries and a DLQ, allowed per rule', () => {
    const targets = resources(stack, 'aws_cloudwatch_event_target');
    for (const rule of [ruleIds.pullRequest, ruleIds.push, ruleIds.schedule]) {
      expect(targets).toContainEqual(
        expect.objectContaining({
          rule: ref('aws_cloudwatch_event_rule', rule, 'name'),
          arn: ref('aws_lambda_function', fnId, 'arn'),
          retry_policy: { maximum_event_age_in_seconds: 14400, maximum_retry_attempts: 20 },
          dead_letter_config: { arn: ref('aws_sqs_queue', eventsDlqId, 'arn') },
        }),
      );
    }
    const permissions = resources(stack, 'aws_lambda_permission');
    expect(permissions.map((p) => [p.principal, p.action, p.source_arn])).toEqual([
      ['events.amazonaws.com', 'lambda:InvokeFunction', ref('aws_cloudwatch_event_rule', ruleIds.pullRequest, 'arn')],
      ['events.amazonaws.com', 'lambda:InvokeFunction', ref('aws_cloudwatch_event_rule', ruleIds.push, 'arn')],
      ['events.amazonaws.com', 'lambda:InvokeFunction', ref('aws_cloudwatch_event_rule', ruleIds.schedule, 'arn')],
    ]);
  });

  it('reports scanner tasks that stop with a non-zero exit code or fail to start to the ops topic', () => {
    const rule = only(stack, 'aws_cloudwatch_event_rule', { name: 'leakscan-test-scanner-task-failed' });
    expect(JSON.parse(rule.event_pattern as string)).toEqual({
      source: ['aws.ecs'],
      'detail-type': ['ECS Task State Change'],
      detail: {
        clusterArn: [expect.stringMatching(/cross-stack-output-aws_ecs_cluster.*arn\}$/)],
        taskDefinitionArn: [{ prefix: `arn:aws:ecs:eu-west-1:${ACCOUNT}:task-definition/leakscan-test-scanner:` }],
        lastStatus: ['STOPPED'],
        $or: [{ containers: { exitCode: [{ 'anything-but': 0 }] } }, { stopCode: ['TaskFailedToStart'] }],
      },
    });
    const target = resources(stack, 'aws_cloudwatch_event_target').find(
      (t) => t.rule === ref('aws_cloudwatch_event_rule', ruleIds.taskFailed, 'name'),
    )!;
    expect(target).toMatchObject({
      arn: opsTopic,
      dead_letter_config: { arn: ref('aws_sqs_queue', eventsDlqId, 'arn') },
    });
    // The whole event goes out: no transformer that a missing path (no exit code) could break.
    expect(target).not.toHaveProperty('input_transformer');
  });

  it('alarms to the ops topic on every dead-letter queue that holds a message', () => {
    const queues = [onFailureId, eventsDlqId, idOf(stack, 'aws_sqs_queue', 'name', 'leakscan-test-scan-requests-dlq')];
    expect(Object.keys(stack.resource?.aws_sqs_queue ?? {})).toHaveLength(queues.length + 1);
    const alarms = resources(stack, 'aws_cloudwatch_metric_alarm');
    for (const queue of queues) {
      expect(alarms).toContainEqual(
        expect.objectContaining({
          namespace: 'AWS/SQS',
          metric_name: 'ApproximateNumberOfMessagesVisible',
          dimensions: { QueueName: ref('aws_sqs_queue', queue, 'name') },
          comparison_operator: 'GreaterThanThreshold',
          threshold: 0,
          alarm_actions: [opsTopic],
        }),
      );
    }
    expect(resources(stack, 'aws_sqs_queue').every((q) => q.sqs_managed_sse_enabled === true)).toBe(true);
  });

  it('names every rule and alarm that publishes to the ops topic so the topic policy admits it', () => {
    const ops = policyDocuments(json.notifications)
      .flatMap((p) => p.statements)
      .filter((st) => st.Effect === 'Allow' && st.Action === 'sns:Publish');
    const admits = (service: string, arn: string) =>
      ops.some((st) => {
        const pattern = String(st.Condition?.ArnLike?.['aws:SourceArn']);
        const glob = new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, (c) => (c === '*' ? '.*' : `\\${c}`))}$`);
        return (st.Principal as { Service: string }).Service === service && glob.test(arn);
      });
    for (const alarm of resources(stack, 'aws_cloudwatch_metric_alarm')) {
      expect(
        admits('cloudwatch.amazonaws.com', `arn:aws:cloudwatch:eu-west-1:${ACCOUNT}:alarm:${String(alarm.alarm_name)}`),
      ).toBe(true);
    }
    const rule = only(stack, 'aws_cloudwatch_event_rule', { name: 'leakscan-test-scanner-task-failed' });
    expect(admits('events.amazonaws.com', `arn:aws:events:eu-west-1:${ACCOUNT}:rule/${String(rule.name)}`)).toBe(true);
    expect(admits('events.amazonaws.com', `arn:aws:events:eu-west-1:${ACCOUNT}:rule/other-team-rule`)).toBe(false);
  });

  it('accepts dead letters only from its own rules', () => {
    const dlqPolicy = policyDocuments(stack).find((p) => p.type === 'aws_sqs_queue_policy')!;
    expect(dlqPolicy.statements).toEqual([
      {
        Sid: 'EventBridgeDeadLetters',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: ref('aws_sqs_queue', eventsDlqId, 'arn'),
        Condition: {
          ArnEquals: {
            'aws:SourceArn': Object.values(ruleIds).map((id) => ref('aws_cloudwatch_event_rule', id, 'arn')),
          },
        },
      },
    ]);
  });

  it("runs the family's latest ACTIVE revision: applying the platform alone never strands the trigger", () => {
    const familyArn = fn.environment.variables[LAMBDA_ENV.taskDefinitionArn]!;
    // No revision in what the Lambda holds, and no reference to the task definition resource at all.
    expect(familyArn).not.toMatch(/:\d+$/);
    expect(tf.trigger).not.toContain('aws_ecs_task_definition');
    // RunTask is authorized against the revision it resolves to: the policy covers the family's revisions.
    const runTask = lambdaStatements(stack).find((s) => s.Sid === 'RunScannerTask')!;
    expect(runTask.Resource).toBe(`${familyArn}:*`);
  });

  it('may run only the scanner family on the scanner cluster and pass only the two scanner roles', () => {
    const statements = lambdaStatements(stack);
    expect(statements).toContainEqual({
      Sid: 'RunScannerTask',
      Effect: 'Allow',
      Action: 'ecs:RunTask',
      Resource: `arn:aws:ecs:eu-west-1:${ACCOUNT}:task-definition/leakscan-test-scanner:*`,
      Condition: { ArnEquals: { 'ecs:cluster': expect.stringMatching(/cross-stack-output-aws_ecs_cluster.*arn\}$/) } },
    });
    expect(statements).toContainEqual({
      Sid: 'PassScannerRoles',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: [
        expect.stringMatching(/aws_iam_rolescanner_task-role.*arn\}$/),
        expect.stringMatching(/aws_iam_rolescanner_execution-role.*arn\}$/),
      ],
      Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    });
    expect(statements).toContainEqual({
      Sid: 'TagScannerTasksAtLaunch',
      Effect: 'Allow',
      Action: 'ecs:TagResource',
      Resource: `arn:aws:ecs:eu-west-1:${ACCOUNT}:task/leakscan-test-scanner/*`,
      Condition: { StringEquals: { 'ecs:CreateAction': 'RunTask' } },
    });
    expect(statements).toContainEqual(
      expect.objectContaining({ Action: 'sqs:SendMessage', Resource: ref('aws_sqs_queue', onFailureId, 'arn') }),
    );
    expect(statements.flatMap((s) => s.Action)).not.toContain('codecommit:ListRepositories');
  });
});

describe('trigger stack without a watched list', () => {
  const { json } = synthesize(testConfig({ repositories: [] }));
  const stack = json.trigger;

  it('reserves no concurrency unless configured (a reservation fails on accounts with a low quota)', () => {
    for (const fn of resources(stack, 'aws_lambda_function'))
      expect(fn).not.toHaveProperty('reserved_concurrent_executions');
  });

  it.each(['pull-request', 'push'])('matches %s events of every repository in the account and region', (name) => {
    const rule = only(stack, 'aws_cloudwatch_event_rule', { name: `leakscan-test-${name}` });
    expect(JSON.parse(rule.event_pattern as string).resources).toEqual([
      { prefix: `arn:aws:codecommit:eu-west-1:${ACCOUNT}:` },
    ]);
  });

  it('may list repositories for the full scan (the one CodeCommit action without resource scoping)', () => {
    expect(lambdaStatements(stack)).toContainEqual({
      Sid: 'ListRepositoriesForFullScan',
      Effect: 'Allow',
      Action: 'codecommit:ListRepositories',
      Resource: '*',
    });
    const env = (
      only(stack, 'aws_lambda_function', TRIGGER_FUNCTION) as { environment: { variables: Record<string, string> } }
    ).environment.variables;
    expect(env[LAMBDA_ENV.watchedRepositories]).toBe('');
  });
});

describe('scan queue (scheduled fan-out)', () => {
  const { json } = synthesize(testConfig({ trigger: { scanQueue: { maxConcurrency: 8, batchSize: 4 } } }));
  const stack = json.trigger;
  const queueId = idOf(stack, 'aws_sqs_queue', 'name', 'leakscan-test-scan-requests');
  const dlqId = idOf(stack, 'aws_sqs_queue', 'name', 'leakscan-test-scan-requests-dlq');
  const consumerId = idOf(stack, 'aws_lambda_function', 'function_name', 'leakscan-test-scan-queue-consumer');
  const queueArn = ref('aws_sqs_queue', queueId, 'arn');

  it('is encrypted and hands a message that keeps failing to its DLQ after maxReceiveCount', () => {
    const queue = only(stack, 'aws_sqs_queue', { name: 'leakscan-test-scan-requests' });
    expect(queue).toMatchObject({ sqs_managed_sse_enabled: true, visibility_timeout_seconds: 360 });
    expect(JSON.parse(queue.redrive_policy as string)).toEqual({
      deadLetterTargetArn: ref('aws_sqs_queue', dlqId, 'arn'),
      maxReceiveCount: 15,
    });
    expect(resources(stack, 'aws_cloudwatch_metric_alarm')).toContainEqual(
      expect.objectContaining({
        metric_name: 'ApproximateAgeOfOldestMessage',
        dimensions: { QueueName: ref('aws_sqs_queue', queueId, 'name') },
        alarm_actions: [expect.stringMatching(/ops_topic.*arn\}$/)],
      }),
    );
  });

  it('is consumed by its own function through a mapping with bounded concurrency and partial batch failures', () => {
    expect(only(stack, 'aws_lambda_event_source_mapping')).toMatchObject({
      event_source_arn: queueArn,
      function_name: ref('aws_lambda_function', consumerId, 'function_name'),
      batch_size: 4,
      scaling_config: { maximum_concurrency: 8 },
      function_response_types: ['ReportBatchItemFailures'],
    });
    const consumer = only(stack, 'aws_lambda_function', { function_name: 'leakscan-test-scan-queue-consumer' });
    const trigger = only(stack, 'aws_lambda_function', TRIGGER_FUNCTION);
    expect(consumer).toMatchObject({
      handler: 'index.consumeScanQueue',
      timeout: 60,
      source_code_hash: trigger.source_code_hash,
    });
    // Same configuration for both: one reader, one set of variables.
    expect(consumer.environment).toEqual(trigger.environment);
    expect((trigger.environment as { variables: Record<string, string> }).variables[LAMBDA_ENV.scanQueueUrl]).toBe(
      ref('aws_sqs_queue', queueId, 'url'),
    );
    // Only the trigger is invoked asynchronously.
    expect(only(stack, 'aws_lambda_function_event_invoke_config').function_name).toBe(
      ref(
        'aws_lambda_function',
        idOf(stack, 'aws_lambda_function', 'function_name', 'leakscan-test-trigger'),
        'function_name',
      ),
    );
  });

  it('lets the trigger only send to the queue, and the consumer only consume it and start scanner tasks', () => {
    const trigger = lambdaStatements(stack);
    const consumer = lambdaStatements(stack, 'scan-queue-consumer');
    expect(trigger).toContainEqual({
      Sid: 'QueueScheduledScans',
      Effect: 'Allow',
      Action: 'sqs:SendMessage',
      Resource: queueArn,
    });
    expect(consumer).toContainEqual({
      Sid: 'ConsumeScanQueue',
      Effect: 'Allow',
      Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'],
      Resource: queueArn,
    });
    const sids = (statements: PolicyStatement[]) => statements.map((st) => st.Sid);
    for (const sid of ['RunScannerTask', 'PassScannerRoles', 'TagScannerTasksAtLaunch'])
      expect(sids(consumer)).toContain(sid);
    expect(sids(consumer)).not.toContain('ListRepositoriesForFullScan');
    expect(sids(consumer)).not.toContain('QueueScheduledScans');
    expect(sids(trigger)).not.toContain('ConsumeScanQueue');
  });
});

describe('incremental scheduled scans (the consumer reads default-branch heads)', () => {
  const headSids = ['ReadDefaultBranchHeads', 'ReadScannedHeads', 'ReadScannedHeadsKey'];
  const consumerOf = (stack: TfJson) => lambdaStatements(stack, 'scan-queue-consumer');
  const envOf = (stack: TfJson) =>
    (only(stack, 'aws_lambda_function', TRIGGER_FUNCTION) as { environment: { variables: Record<string, string> } })
      .environment.variables;

  it('lets only the consumer read the watched repositories and the scanned-head items of the findings table', () => {
    const { json } = synthesize(testConfig({ repositories: ['payments-service', 'web'] }));
    const statements = consumerOf(json.trigger);
    expect(statements).toContainEqual({
      Sid: 'ReadDefaultBranchHeads',
      Effect: 'Allow',
      Action: ['codecommit:GetRepository', 'codecommit:GetBranch'],
      Resource: [
        `arn:aws:codecommit:eu-west-1:${ACCOUNT}:payments-service`,
        `arn:aws:codecommit:eu-west-1:${ACCOUNT}:web`,
      ],
    });
    const table = expect.stringMatching(/cross-stack-output-aws_dynamodb_tablefindings_table.*arn\}$/);
    expect(statements).toContainEqual({
      Sid: 'ReadScannedHeads',
      Effect: 'Allow',
      Action: 'dynamodb:GetItem',
      Resource: table,
      Condition: {
        'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['repository', 'fingerprint', 'commit'] },
        StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
      },
    });
    expect(statements).toContainEqual({
      Sid: 'ReadScannedHeadsKey',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:DescribeKey'],
      Resource: expect.stringMatching(/cross-stack-output-aws_kms_keyfindings-key.*arn\}$/),
      Condition: { StringEquals: { 'kms:ViaService': 'dynamodb.eu-west-1.amazonaws.com' } },
    });
    const triggerSids = lambdaStatements(json.trigger).map((st) => st.Sid);
    for (const sid of headSids) expect(triggerSids).not.toContain(sid);
    expect(envOf(json.trigger)[LAMBDA_ENV.findingsTableName]).toMatch(
      /cross-stack-output-aws_dynamodb_tablefindings_table.*name\}$/,
    );
  });

  it("reads the heads of the account's repositories in this Region when none are watched", () => {
    const { json } = synthesize(testConfig({ repositories: [] }));
    expect(consumerOf(json.trigger)).toContainEqual(
      expect.objectContaining({
        Sid: 'ReadDefaultBranchHeads',
        Resource: [`arn:aws:codecommit:eu-west-1:${ACCOUNT}:*`],
      }),
    );
  });

  it('reads nothing without a findings table: every tick scans every tip', () => {
    const { json } = synthesize(testConfig({ findings: { enabled: false } }));
    const sids = consumerOf(json.trigger).map((st) => st.Sid);
    for (const sid of headSids) expect(sids).not.toContain(sid);
    expect(envOf(json.trigger)[LAMBDA_ENV.findingsTableName]).toBe('');
  });
});
