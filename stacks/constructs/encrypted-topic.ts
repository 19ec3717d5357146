/** An SNS topic encrypted with a customer managed key, TLS-only, with e-mail subscriptions. */
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Construct } from 'constructs';
import { denyInsecureTransport, policyDocument, type Statement } from './policy';

export interface EncryptedTopicProps {
  name: string;
  kmsKeyArn: string;
  /** Each address receives a confirmation e-mail; nothing is delivered until it is confirmed. */
  emails: readonly string[];
  /** Allow statements for AWS services that publish; `Resource` is filled in with the topic. */
  publishers?: Omit<Statement, 'Resource'>[];
}

export class EncryptedTopic extends Construct {
  readonly topic: SnsTopic;

  constructor(scope: Construct, id: string, props: EncryptedTopicProps) {
    super(scope, id);
    this.topic = new SnsTopic(this, 'topic', { name: props.name, kmsMasterKeyId: props.kmsKeyArn });
    const arn = this.topic.arn;
    new SnsTopicPolicy(this, 'policy', {
      arn,
      policy: policyDocument(
        denyInsecureTransport('sns:Publish', arn),
        ...(props.publishers ?? []).map((p) => ({ ...p, Resource: arn })),
      ),
    });
    props.emails.forEach(
      (endpoint, i) => new SnsTopicSubscription(this, `email-${i}`, { topicArn: arn, protocol: 'email', endpoint }),
    );
  }

  get arn(): string {
    return this.topic.arn;
  }
}
