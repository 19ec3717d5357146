/**
 * A Lambda function of the trigger bundle (nodejs22.x on arm64): the esbuild bundle as a TerraformAsset
 * archive, JSON logs in a log group with retention, X-Ray tracing, opt-in reserved concurrency, and, for a
 * function invoked asynchronously, invocations that retry and then land in the on-failure queue. Its role
 * adds to the caller's statements only what any function needs: its own logs, traces, and sending to its
 * on-failure queue.
 */
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { AssetType, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { logGroup, logStreamsArn } from './log-group';
import type { Statement } from './policy';
import { ServiceRole } from './service-role';

export interface TriggerFunctionProps {
  name: string;
  description: string;
  /** Directory holding index.js. */
  bundleDir: string;
  /** The export of index.js to run. */
  handler: 'handler' | 'consumeScanQueue';
  timeoutSeconds: number;
  environment: Record<string, string>;
  statements: Statement[];
  /** Async invocations that exhaust their retries go here (and the handlers send unprocessable input here). */
  onFailureQueueArn: string;
  /** Confused-deputy guard: only Lambda in this account may assume the function's role. */
  account: string;
  logRetentionDays: number;
  /** Opt-in: a reservation fails on accounts whose concurrency quota cannot spare it. */
  reservedConcurrency?: number;
  /**
   * Asynchronous invocations (EventBridge targets only): retries (AWS allows 0-2) and the age after which
   * an event goes to the on-failure queue.
   */
  asyncInvoke?: { maxRetryAttempts: number; maxEventAgeSeconds: number };
}

export class TriggerFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: ServiceRole;

  constructor(scope: Construct, id: string, props: TriggerFunctionProps) {
    super(scope, id);
    const code = new TerraformAsset(this, 'code', { path: props.bundleDir, type: AssetType.ARCHIVE });
    const logs = logGroup(this, 'logs', { name: `/aws/lambda/${props.name}`, retentionDays: props.logRetentionDays });
    this.role = new ServiceRole(this, 'role', {
      name: props.name,
      service: 'lambda.amazonaws.com',
      trustConditions: { StringEquals: { 'aws:SourceAccount': props.account } },
      statements: [
        ...props.statements,
        { Sid: 'SendToOnFailureQueue', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: props.onFailureQueueArn },
        {
          Sid: 'WriteOwnLogs',
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: logStreamsArn(logs),
        },
        // X-Ray's write actions have no resource-level permissions: AWS requires "*".
        {
          Sid: 'WriteTraces',
          Effect: 'Allow',
          Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
          Resource: '*',
        },
      ],
    });
    this.function = new LambdaFunction(this, 'function', {
      functionName: props.name,
      description: props.description,
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      handler: `index.${props.handler}`,
      filename: code.path,
      sourceCodeHash: code.assetHash,
      role: this.role.arn,
      memorySize: 256,
      timeout: props.timeoutSeconds,
      reservedConcurrentExecutions: props.reservedConcurrency,
      tracingConfig: { mode: 'Active' },
      loggingConfig: { logFormat: 'JSON', logGroup: logs.name, applicationLogLevel: 'INFO', systemLogLevel: 'WARN' },
      environment: { variables: props.environment },
      // The role's policy must exist before the first invocation, the log group before the first log line.
      dependsOn: [this.role.policy, logs],
    });
    if (props.asyncInvoke) {
      new LambdaFunctionEventInvokeConfig(this, 'async', {
        functionName: this.function.functionName,
        maximumRetryAttempts: props.asyncInvoke.maxRetryAttempts,
        maximumEventAgeInSeconds: props.asyncInvoke.maxEventAgeSeconds,
        destinationConfig: { onFailure: { destination: props.onFailureQueueArn } },
      });
    }
  }
}
