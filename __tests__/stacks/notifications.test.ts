import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { policyDocuments, type PolicyStatement } from './policies';
import { ACCOUNT, only, resources, synthesize, testConfig } from './synth';

describe('notifications stack', () => {
  const config = testConfig({
    notifications: {
      findingsEmails: ['security@example.com', 'owners@example.com'],
      opsEmails: ['oncall@example.com'],
    },
  });
  const { tf, json } = synthesize(config);
  const stack = json.notifications;
  /** The statements of the policy attached to the topic with this name. */
  const topicPolicy = (name: string): PolicyStatement[] => {
    const [topicId] = Object.entries(stack.resource?.aws_sns_topic ?? {}).find(([, t]) => t.name === name)!;
    const [policyId] = Object.entries(stack.resource?.aws_sns_topic_policy ?? {}).find(
      ([, p]) => p.arn === `\${aws_sns_topic.${topicId}.arn}`,
    )!;
    return policyDocuments(stack).find((p) => p.where === `aws_sns_topic_policy.${policyId}.policy`)!.statements;
  };

  it('encrypts both topics with the notifications key', () => {
    for (const name of ['leakscan-test-findings', 'leakscan-test-ops']) {
      expect(tf.notifications).toHaveResourceWithProperties(SnsTopic, {
        name,
        kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\..+\.arn\}$/),
      });
    }
    expect(resources(stack, 'aws_kms_key')).toEqual([expect.objectContaining({ enable_key_rotation: true })]);
  });

  it('subscribes each configured address to its topic by e-mail', () => {
    const subscriptions = resources(stack, 'aws_sns_topic_subscription');
    expect(subscriptions).toHaveLength(3);
    for (const endpoint of ['security@example.com', 'owners@example.com']) {
      expect(tf.notifications).toHaveResourceWithProperties(SnsTopicSubscription, {
        protocol: 'email',
        endpoint,
        topic_arn: expect.stringContaining('findings_topic'),
      });
    }
    expect(tf.notifications).toHaveResourceWithProperties(SnsTopicSubscription, {
      protocol: 'email',
      endpoint: 'oncall@example.com',
      topic_arn: expect.stringContaining('ops_topic'),
    });
  });

  it('accepts publishing to either topic only over TLS', () => {
    for (const name of ['leakscan-test-findings', 'leakscan-test-ops']) {
      expect(topicPolicy(name)).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Principal: '*',
          Action: 'sns:Publish',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });

  it('lets only this environment’s rules and alarms publish to the ops topic', () => {
    const allows = topicPolicy('leakscan-test-ops').filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      expect.objectContaining({
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sns:Publish',
        Condition: {
          StringEquals: { 'aws:SourceAccount': ACCOUNT },
          ArnLike: { 'aws:SourceArn': `arn:aws:events:eu-west-1:${ACCOUNT}:rule/leakscan-test-*` },
        },
      }),
      expect.objectContaining({
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Condition: {
          StringEquals: { 'aws:SourceAccount': ACCOUNT },
          ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:eu-west-1:${ACCOUNT}:alarm:leakscan-test-*` },
        },
      }),
    ]);
    expect(topicPolicy('leakscan-test-findings').filter((s) => s.Effect === 'Allow')).toEqual([]);
  });

  it('lets EventBridge and this environment’s alarms encrypt for the ops topic', () => {
    const key = policyDocuments(stack).find((p) => p.type === 'aws_kms_key')!;
    const services = key.statements.filter(
      (s) => s.Principal !== '*' && s.Principal !== undefined && 'Service' in s.Principal,
    );
    expect(services.map((s) => [(s.Principal as { Service: string }).Service, s.Action, s.Condition])).toEqual([
      // No condition: EventBridge's KMS requests for SNS delivery carry no aws:Source* keys.
      ['events.amazonaws.com', ['kms:GenerateDataKey', 'kms:Decrypt'], undefined],
      [
        'cloudwatch.amazonaws.com',
        ['kms:GenerateDataKey', 'kms:Decrypt'],
        {
          StringEquals: { 'aws:SourceAccount': ACCOUNT },
          ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:eu-west-1:${ACCOUNT}:alarm:leakscan-test-*` },
        },
      ],
    ]);
    expect(only(stack, 'aws_kms_alias')).toEqual(
      expect.objectContaining({ name: 'alias/leakscan-test-notifications' }),
    );
  });
});
