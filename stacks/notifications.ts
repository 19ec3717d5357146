/**
 * Notifications: the findings topic the scanner publishes redacted findings to, and the ops topic that
 * EventBridge (failed scanner tasks) and CloudWatch (dead-letter queue alarms) publish to. One key
 * encrypts both; the services that publish to the ops topic may use it to encrypt their messages.
 */
import type { App } from 'cdktf';
import type { Config } from '../config/load';
import { LeakscanStack } from './base';
import { EncryptedTopic } from './constructs/encrypted-topic';
import { EncryptionKey } from './constructs/encryption-key';
import type { Statement } from './constructs/policy';

export class NotificationsStack extends LeakscanStack {
  readonly key: EncryptionKey;
  readonly findings: EncryptedTopic;
  readonly ops: EncryptedTopic;

  constructor(app: App, config: Config) {
    super(app, 'notifications', config);
    const sameAccount = { StringEquals: { 'aws:SourceAccount': this.account } };
    // The rules and alarms live in the trigger stack; naming them by prefix here avoids a stack cycle.
    const publishers: Record<string, string> = {
      'events.amazonaws.com': this.arn('events', `rule/${this.name('*')}`),
      'cloudwatch.amazonaws.com': this.arn('cloudwatch', `alarm:${this.name('*')}`),
    };
    const useKey = (service: string, condition?: Statement['Condition']): Statement => ({
      Sid: `${service.split('.')[0]}EncryptsForOpsTopic`,
      Effect: 'Allow',
      Principal: { Service: service },
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: '*',
      ...(condition && { Condition: condition }),
    });
    const keyUsers = [
      // EventBridge's KMS calls for SNS delivery carry no aws:Source* keys (AWS documents them as unsupported
      // there), so a condition would silently drop every alert; the ops topic policy scopes the rules instead.
      useKey('events.amazonaws.com'),
      useKey('cloudwatch.amazonaws.com', {
        ...sameAccount,
        ArnLike: { 'aws:SourceArn': publishers['cloudwatch.amazonaws.com']! },
      }),
    ];
    this.key = new EncryptionKey(this, 'key', {
      description: `leakscan ${config.environment} notifications (findings and ops topics)`,
      alias: `alias/${this.name('notifications')}`,
      accountRoot: this.accountRoot,
      serviceStatements: keyUsers,
    });

    this.findings = new EncryptedTopic(this, 'findings', {
      name: this.name('findings'),
      kmsKeyArn: this.key.arn,
      emails: config.notifications.findingsEmails,
    });
    this.ops = new EncryptedTopic(this, 'ops', {
      name: this.name('ops'),
      kmsKeyArn: this.key.arn,
      emails: config.notifications.opsEmails,
      publishers: Object.entries(publishers).map(([service, sourceArn]) => ({
        Sid: `${service.split('.')[0]}Publishes`,
        Effect: 'Allow',
        Principal: { Service: service },
        Action: 'sns:Publish',
        Condition: { ...sameAccount, ArnLike: { 'aws:SourceArn': sourceArn } },
      })),
    });
  }
}
