/**
 * A dead-letter queue nobody can forget: encrypted (SSE-SQS, which EventBridge and Lambda can write to
 * without a key policy), 14 days of retention, and an alarm to the ops topic as soon as it holds a message.
 */
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { Construct } from 'constructs';

export interface AlarmedQueueProps {
  name: string;
  /** Told when the queue starts and stops holding messages. */
  alarmTopicArn: string;
}

export class AlarmedQueue extends Construct {
  readonly queue: SqsQueue;
  readonly alarm: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: AlarmedQueueProps) {
    super(scope, id);
    const { name, alarmTopicArn } = props;
    this.queue = new SqsQueue(this, 'queue', {
      name,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: 14 * 24 * 3600,
    });
    this.alarm = new CloudwatchMetricAlarm(this, 'depth-alarm', {
      alarmName: `${name}-not-empty`,
      alarmDescription: `Messages in ${name}: events leakscan could not process. Inspect, fix, then redrive or purge.`,
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: this.queue.name },
      statistic: 'Maximum',
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
      alarmActions: [alarmTopicArn],
      okActions: [alarmTopicArn],
    });
  }

  get arn(): string {
    return this.queue.arn;
  }
}
