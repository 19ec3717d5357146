/**
 * The scan queue: scheduled full scans waiting for a task, one message per repository. Its consumer is a
 * Lambda event source mapping whose maximum concurrency is the fan-out's rate limit; a message that
 * keeps failing moves after `maxReceiveCount` receives to an alarmed dead-letter queue, and an alarm on
 * the age of the oldest message says when scans back up behind quotas or throttling.
 */
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { Construct } from 'constructs';
import { AlarmedQueue, queueAlarm } from './alarmed-queue';

export interface ScanQueueProps {
  name: string;
  alarmTopicArn: string;
  /** The consumer function's timeout: a message stays hidden at least that long while it is processed. */
  consumerTimeoutSeconds: number;
  maxReceiveCount: number;
}

/** Scans still waiting after this long mean the fan-out is not keeping up (a quota, throttling, a bad deploy). */
const OLDEST_MESSAGE_ALARM_SECONDS = 6 * 3600;

export class ScanQueue extends Construct {
  readonly queue: SqsQueue;
  readonly deadLetter: AlarmedQueue;
  readonly ageAlarm: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: ScanQueueProps) {
    super(scope, id);
    const { name, alarmTopicArn } = props;
    this.deadLetter = new AlarmedQueue(this, 'dlq', { name: `${name}-dlq`, alarmTopicArn });
    this.queue = new SqsQueue(this, 'queue', {
      name,
      sqsManagedSseEnabled: true,
      // A tick's scans must not outlive the next tick by much; 4 days (the default) leaves room for an outage.
      messageRetentionSeconds: 4 * 24 * 3600,
      // AWS's advice for Lambda consumers: 6x the function timeout, so retries of a throttled invocation
      // do not redeliver the batch while it is still being processed.
      visibilityTimeoutSeconds: 6 * props.consumerTimeoutSeconds,
      redrivePolicy: JSON.stringify({
        deadLetterTargetArn: this.deadLetter.arn,
        maxReceiveCount: props.maxReceiveCount,
      }),
    });
    this.ageAlarm = queueAlarm(this, 'age-alarm', {
      queueName: this.queue.name,
      alarmName: `${name}-backed-up`,
      description:
        `Scheduled scans in ${name} have waited over ${OLDEST_MESSAGE_ALARM_SECONDS / 3600} h: ` +
        "check the consumer's logs for throttling or Fargate quota failures.",
      metricName: 'ApproximateAgeOfOldestMessage',
      threshold: OLDEST_MESSAGE_ALARM_SECONDS,
      alarmTopicArn,
    });
  }

  get arn(): string {
    return this.queue.arn;
  }

  /** Delivers the queue to `functionName` in small batches, at most `maxConcurrency` invocations at once. */
  consumeWith(props: { functionName: string; batchSize: number; maxConcurrency: number }): LambdaEventSourceMapping {
    return new LambdaEventSourceMapping(this, 'consumer', {
      eventSourceArn: this.queue.arn,
      functionName: props.functionName,
      batchSize: props.batchSize,
      scalingConfig: { maximumConcurrency: props.maxConcurrency },
      // Only the failed records come back; the mapping deletes the rest of the batch.
      functionResponseTypes: ['ReportBatchItemFailures'],
    });
  }
}
