/** A CloudWatch log group with the environment's retention (logs never live forever, never vanish early). */
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import type { Construct } from 'constructs';

export interface LogGroupProps {
  name: string;
  retentionDays: number;
}

export function logGroup(scope: Construct, id: string, props: LogGroupProps): CloudwatchLogGroup {
  return new CloudwatchLogGroup(scope, id, { name: props.name, retentionInDays: props.retentionDays });
}

/** The group's streams, as IAM names them for logs:CreateLogStream and logs:PutLogEvents. */
export function logStreamsArn(group: CloudwatchLogGroup): string {
  return `${group.arn}:*`;
}
