/**
 * An EventBridge rule on the default bus with one target that retries and, when it gives up, leaves
 * the event in a dead-letter queue instead of dropping it.
 */
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { Construct } from 'constructs';

const TARGET_RETRY = { maximumEventAgeInSeconds: 4 * 3600, maximumRetryAttempts: 20 };

export interface EventRuleProps {
  name: string;
  description: string;
  /** Exactly one of eventPattern / scheduleExpression. */
  eventPattern?: Record<string, unknown>;
  scheduleExpression?: string;
  targetArn: string;
  deadLetterArn: string;
}

export class EventRule extends Construct {
  readonly rule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: EventRuleProps) {
    super(scope, id);
    this.rule = new CloudwatchEventRule(this, 'rule', {
      name: props.name,
      description: props.description,
      eventPattern: props.eventPattern && JSON.stringify(props.eventPattern),
      scheduleExpression: props.scheduleExpression,
    });
    new CloudwatchEventTarget(this, 'target', {
      rule: this.rule.name,
      arn: props.targetArn,
      retryPolicy: TARGET_RETRY,
      deadLetterConfig: { arn: props.deadLetterArn },
    });
  }

  get arn(): string {
    return this.rule.arn;
  }
}
