/**
 * Trigger: everything that starts a scan and everything that reports one going wrong. PR events, branch
 * pushes and the schedule invoke the Lambda, which runs the scanner task; failed deliveries land in dead-letter queues
 * whose alarms, like the rule on stopped scanner tasks, publish to the ops topic.
 */
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import type { App } from 'cdktf';
import { LAMBDA_ENV, SCANNER_CONTAINER_NAME } from '../contracts/env';
import {
  PR_EVENT_DETAIL_TYPE,
  PR_EVENT_SOURCE,
  REFERENCE_EVENT_DETAIL_TYPE,
  SCANNED_PR_EVENTS,
  SCANNED_REFERENCE_EVENTS,
  SCANNED_REFERENCE_TYPE,
} from '../contracts/events';
import type { Config } from '../config/load';
import { LeakscanStack } from './base';
import { AlarmedQueue } from './constructs/alarmed-queue';
import { EventRule } from './constructs/event-rule';
import { ScanQueue } from './constructs/scan-queue';
import { policyDocument, type Statement } from './constructs/policy';
import { TriggerFunction } from './constructs/trigger-function';

/** Long enough for a batch of RunTask calls with the SDK's throttling retries; the queue hides a message 6x as long. */
const CONSUMER_TIMEOUT_SECONDS = 60;

/** Every variable the handler reads (contracts/env.ts): the type makes a missing one a compile error. */
type LambdaEnvironment = Record<(typeof LAMBDA_ENV)[keyof typeof LAMBDA_ENV], string>;

export interface TriggerDeps {
  subnetIds: string[];
  securityGroupId: string;
  clusterArn: string;
  clusterName: string;
  /** The task definition family: the Lambda runs its latest ACTIVE revision, never a pinned one. */
  family: string;
  taskRoleArn: string;
  executionRoleArn: string;
  findingsTopicArn: string;
  opsTopicArn: string;
  /** The findings table (absent when the lifecycle is off): its scanned-head items make scheduled scans incremental. */
  findingsTable?: { arn: string; name: string; keyArn: string };
  /** Directory with the bundled handler (scripts/bundle.ts bundleLambda()). */
  lambdaBundleDir: string;
}

export class TriggerStack extends LeakscanStack {
  readonly function: TriggerFunction;
  /** Starts the scheduled scans the trigger queues, at the rate its event source mapping allows. */
  readonly consumer: TriggerFunction;
  readonly scanQueue: ScanQueue;
  readonly onFailure: AlarmedQueue;
  readonly eventsDeadLetter: AlarmedQueue;
  readonly rules: { pullRequest: EventRule; push: EventRule; schedule: EventRule; taskFailed: EventRule };
  /** `…:task-definition/<family>` without a revision: RunTask resolves it to the latest ACTIVE one. */
  private readonly taskFamilyArn: string;

  constructor(app: App, config: Config, deps: TriggerDeps) {
    super(app, 'trigger', config);
    this.taskFamilyArn = this.arn('ecs', `task-definition/${deps.family}`);
    const alarmedQueue = (id: string, suffix: string) =>
      new AlarmedQueue(this, id, { name: this.name(suffix), alarmTopicArn: deps.opsTopicArn });
    this.onFailure = alarmedQueue('on-failure', 'trigger-failed');
    this.eventsDeadLetter = alarmedQueue('events-dlq', 'events-undelivered');
    const { reservedConcurrency, maxRetryAttempts, maxEventAgeSeconds, scanQueue } = config.trigger;
    this.scanQueue = new ScanQueue(this, 'scan-queue', {
      name: this.name('scan-requests'),
      alarmTopicArn: deps.opsTopicArn,
      consumerTimeoutSeconds: CONSUMER_TIMEOUT_SECONDS,
      maxReceiveCount: scanQueue.maxReceiveCount,
    });
    // Both functions run the same bundle with the same configuration; each role has only what it uses.
    const bundle = {
      bundleDir: deps.lambdaBundleDir,
      onFailureQueueArn: this.onFailure.arn,
      environment: this.lambdaEnvironment(deps),
      account: this.account,
      logRetentionDays: config.logRetentionDays,
    };
    this.function = new TriggerFunction(this, 'trigger', {
      ...bundle,
      name: this.name('trigger'),
      description: 'leakscan trigger: starts a scanner task per pull request or push; queues scheduled full scans',
      handler: 'handler',
      // A tick lists and queues every repository: 20,000 are 2,000 SendMessageBatch calls, 4 in flight.
      timeoutSeconds: 300,
      statements: [...this.runTaskPermissions(deps), ...this.schedulePermissions()],
      reservedConcurrency,
      asyncInvoke: { maxRetryAttempts, maxEventAgeSeconds },
    });
    this.consumer = new TriggerFunction(this, 'scan-queue-consumer', {
      ...bundle,
      name: this.name('scan-queue-consumer'),
      description: 'leakscan scan-queue consumer: starts one scanner task per queued scheduled scan',
      handler: 'consumeScanQueue',
      timeoutSeconds: CONSUMER_TIMEOUT_SECONDS,
      statements: [...this.runTaskPermissions(deps), this.consumePermission(), ...this.headPermissions(deps)],
    });
    this.scanQueue.consumeWith({
      functionName: this.consumer.function.functionName,
      batchSize: scanQueue.batchSize,
      maxConcurrency: scanQueue.maxConcurrency,
    });
    this.rules = { ...this.scanRules(), taskFailed: this.taskFailedRule(deps) };
    this.acceptDeadLetters();
  }

  private lambdaEnvironment(deps: TriggerDeps): LambdaEnvironment {
    const { config } = this;
    return {
      [LAMBDA_ENV.clusterArn]: deps.clusterArn,
      [LAMBDA_ENV.taskDefinitionArn]: this.taskFamilyArn,
      [LAMBDA_ENV.containerName]: SCANNER_CONTAINER_NAME,
      [LAMBDA_ENV.subnetIds]: deps.subnetIds.join(','),
      [LAMBDA_ENV.securityGroupIds]: deps.securityGroupId,
      [LAMBDA_ENV.capacityStrategy]: config.scanner.capacityStrategy,
      [LAMBDA_ENV.findingsTopicArn]: deps.findingsTopicArn,
      [LAMBDA_ENV.watchedRepositories]: config.repositories.join(','),
      [LAMBDA_ENV.cloneUrlTemplate]: config.cloneUrlTemplate,
      [LAMBDA_ENV.notifyClean]: String(config.notifications.notifyClean),
      [LAMBDA_ENV.rejectedEventQueueUrl]: this.onFailure.queue.url,
      [LAMBDA_ENV.scanQueueUrl]: this.scanQueue.queue.url,
      [LAMBDA_ENV.findingsTableName]: deps.findingsTable?.name ?? '',
    };
  }

  /** Pull request events, branch pushes and the schedule, each allowed to invoke the Lambda. */
  private scanRules(): { pullRequest: EventRule; push: EventRule; schedule: EventRule } {
    const fn = this.function.function;
    const watched = this.config.repositories;
    // No watched list: every repository of this account and region.
    const resources =
      watched.length > 0 ? watched.map((r) => this.arn('codecommit', r)) : [{ prefix: this.arn('codecommit', '') }];
    const pullRequest = new EventRule(this, 'pull-request', {
      name: this.name('pull-request'),
      description: 'Pull request opened or its source branch updated in a watched repository',
      eventPattern: {
        source: [PR_EVENT_SOURCE],
        'detail-type': [PR_EVENT_DETAIL_TYPE],
        resources,
        detail: { event: [...SCANNED_PR_EVENTS], pullRequestStatus: ['Open'], isMerged: ['False'] },
      },
      targetArn: fn.arn,
      deadLetterArn: this.eventsDeadLetter.arn,
    });
    const push = new EventRule(this, 'push', {
      name: this.name('push'),
      description: 'Branch created or pushed to in a watched repository (tags and deletions are not matched)',
      eventPattern: {
        source: [PR_EVENT_SOURCE],
        'detail-type': [REFERENCE_EVENT_DETAIL_TYPE],
        resources,
        detail: { event: [...SCANNED_REFERENCE_EVENTS], referenceType: [SCANNED_REFERENCE_TYPE] },
      },
      targetArn: fn.arn,
      deadLetterArn: this.eventsDeadLetter.arn,
    });
    const schedule = new EventRule(this, 'schedule', {
      name: this.name('full-scan'),
      description: 'Scheduled full scan of every watched repository',
      scheduleExpression: this.config.schedule,
      targetArn: fn.arn,
      deadLetterArn: this.eventsDeadLetter.arn,
    });
    for (const [id, rule] of Object.entries({ 'pull-request': pullRequest, push, schedule })) {
      new LambdaPermission(this, `invoke-from-${id}`, {
        statementId: `AllowEventBridge-${id}`,
        action: 'lambda:InvokeFunction',
        functionName: fn.functionName,
        principal: 'events.amazonaws.com',
        sourceArn: rule.arn,
      });
    }
    return { pullRequest, push, schedule };
  }

  /** Scanner tasks of this family that stop with a non-zero exit code or never start, sent to the ops topic. */
  private taskFailedRule(deps: TriggerDeps): EventRule {
    return new EventRule(this, 'task-failed', {
      name: this.name('scanner-task-failed'),
      description: 'A scanner task stopped with a non-zero exit code or failed to start',
      eventPattern: {
        source: ['aws.ecs'],
        'detail-type': ['ECS Task State Change'],
        detail: {
          clusterArn: [deps.clusterArn],
          taskDefinitionArn: [{ prefix: `${this.taskFamilyArn}:` }],
          lastStatus: ['STOPPED'],
          $or: [{ containers: { exitCode: [{ 'anything-but': 0 }] } }, { stopCode: ['TaskFailedToStart'] }],
        },
      },
      // The whole event, not an input transformer: a path missing from some events (no exit code when a
      // task never started) must not make the alert undeliverable; the event holds every detail ops needs.
      targetArn: deps.opsTopicArn,
      deadLetterArn: this.eventsDeadLetter.arn,
    });
  }

  /** The events dead-letter queue takes messages from this stack's rules only. */
  private acceptDeadLetters(): void {
    new SqsQueuePolicy(this, 'events-dlq-policy', {
      queueUrl: this.eventsDeadLetter.queue.url,
      policy: policyDocument({
        Sid: 'EventBridgeDeadLetters',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: this.eventsDeadLetter.arn,
        Condition: { ArnEquals: { 'aws:SourceArn': Object.values(this.rules).map((rule) => rule.arn) } },
      }),
    });
  }

  /** Starting scanner tasks: what both functions do. */
  private runTaskPermissions(deps: TriggerDeps): Statement[] {
    return [
      {
        Sid: 'RunScannerTask',
        Effect: 'Allow',
        Action: 'ecs:RunTask',
        // RunTask is authorized against the revision it resolves to, so the family needs `:*`.
        Resource: `${this.taskFamilyArn}:*`,
        Condition: { ArnEquals: { 'ecs:cluster': deps.clusterArn } },
      },
      {
        Sid: 'PassScannerRoles',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: [deps.taskRoleArn, deps.executionRoleArn],
        Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      },
      {
        Sid: 'TagScannerTasksAtLaunch',
        Effect: 'Allow',
        Action: 'ecs:TagResource',
        Resource: this.arn('ecs', `task/${deps.clusterName}/*`),
        Condition: { StringEquals: { 'ecs:CreateAction': 'RunTask' } },
      },
    ];
  }

  /** The schedule tick: queue the scans, and list repositories when none are configured. */
  private schedulePermissions(): Statement[] {
    const statements: Statement[] = [
      { Sid: 'QueueScheduledScans', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: this.scanQueue.arn },
    ];
    if (this.config.repositories.length === 0) {
      // ListRepositories has no resource-level permissions: AWS requires "*". Only needed without a watched list.
      statements.push({
        Sid: 'ListRepositoriesForFullScan',
        Effect: 'Allow',
        Action: 'codecommit:ListRepositories',
        Resource: '*',
      });
    }
    return statements;
  }

  /**
   * The consumer's incremental check (lambda/heads.ts): each repository's default-branch head, and its last
   * scanned head, the only item of the findings table it may read (the attribute conditions keep the masked
   * findings out of reach). Nothing without a findings table.
   */
  private headPermissions({ findingsTable }: TriggerDeps): Statement[] {
    if (!findingsTable) return [];
    const watched = this.config.repositories;
    return [
      {
        Sid: 'ReadDefaultBranchHeads',
        Effect: 'Allow',
        Action: ['codecommit:GetRepository', 'codecommit:GetBranch'],
        // No watched list: the account's repositories in this region, nothing wider.
        Resource: (watched.length > 0 ? watched : ['*']).map((r) => this.arn('codecommit', r)),
      },
      {
        Sid: 'ReadScannedHeads',
        Effect: 'Allow',
        Action: 'dynamodb:GetItem',
        Resource: findingsTable.arn,
        Condition: {
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['repository', 'fingerprint', 'commit'] },
          StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
        },
      },
      {
        Sid: 'ReadScannedHeadsKey',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:DescribeKey'],
        Resource: findingsTable.keyArn,
        Condition: { StringEquals: { 'kms:ViaService': `dynamodb.${this.config.region}.amazonaws.com` } },
      },
    ];
  }

  /** The consumer: what an SQS event source mapping needs from the function's role, and the backoff. */
  private consumePermission(): Statement {
    return {
      Sid: 'ConsumeScanQueue',
      Effect: 'Allow',
      Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'],
      Resource: this.scanQueue.arn,
    };
  }
}
