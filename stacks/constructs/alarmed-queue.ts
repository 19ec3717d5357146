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
    this.alarm = queueAlarm(this, 'depth-alarm', {
      queueName: this.queue.name,
      alarmName: `${name}-not-empty`,
      description: `Messages in ${name}: events leakscan could not process. Inspect, fix, then redrive or purge.`,
      metricName: 'ApproximateNumberOfMessagesVisible',
      threshold: 0,
      alarmTopicArn,
    });
  }

  get arn(): string {
    return this.queue.arn;
  }
}

export interface QueueAlarmProps {
  queueName: string;
  alarmName: string;
  description: string;
  /** An `AWS/SQS` metric, alarmed on its 5-minute maximum above `threshold`. */
  metricName: 'ApproximateNumberOfMessagesVisible' | 'ApproximateAgeOfOldestMessage';
  threshold: number;
  /** Told when the alarm fires and when it clears. */
  alarmTopicArn: string;
}

/** An alarm on one queue metric: missing data (an idle queue) is not an alarm. */
export function queueAlarm(scope: Construct, id: string, props: QueueAlarmProps): CloudwatchMetricAlarm {
  return new CloudwatchMetricAlarm(scope, id, {
    alarmName: props.alarmName,
    alarmDescription: props.description,
    namespace: 'AWS/SQS',
    metricName: props.metricName,
    dimensions: { QueueName: props.queueName },
    statistic: 'Maximum',
    period: 300,
    evaluationPeriods: 1,
    threshold: props.threshold,
    comparisonOperator: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
    alarmActions: [props.alarmTopicArn],
    okActions: [props.alarmTopicArn],
  });
}
