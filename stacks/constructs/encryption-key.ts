/**
 * A customer managed KMS key with rotation and an explicit key policy. The account root gets the key's
 * administration and use, named action by action (no `kms:*`), so IAM policies in the account decide
 * who uses it; AWS services that must encrypt for us get their own statements.
 */
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import { policyDocument, type Statement } from './policy';

// No kms:ListAliases: it is authorized by IAM policy on "*" only, so a key policy granting it does nothing.
const ADMINISTRATION = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:CreateGrant',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListGrants',
  'kms:ListKeyPolicies',
  'kms:ListKeyRotations',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:RevokeGrant',
  'kms:RotateKeyOnDemand',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
];
/** Use by identities the account's IAM policies allow. */
const KEY_USE = [
  'kms:Decrypt',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
];

export interface EncryptionKeyProps {
  description: string;
  alias: string;
  /** `arn:<partition>:iam::<account>:root`: administers the key and lets the account's IAM policies grant its use. */
  accountRoot: string;
  /** Statements for AWS service principals; in a key policy `Resource: "*"` means this key. */
  serviceStatements?: Statement[];
}

export class EncryptionKey extends Construct {
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    const root = props.accountRoot;
    this.key = new KmsKey(this, 'key', {
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policyDocument(
        {
          Sid: 'AccountAdministersKey',
          Effect: 'Allow',
          Principal: { AWS: root },
          Action: ADMINISTRATION,
          Resource: '*',
        },
        {
          Sid: 'AccountIamPoliciesGrantUse',
          Effect: 'Allow',
          Principal: { AWS: root },
          Action: KEY_USE,
          Resource: '*',
        },
        ...(props.serviceStatements ?? []),
      ),
    });
    new KmsAlias(this, 'alias', { name: props.alias, targetKeyId: this.key.keyId });
  }

  get arn(): string {
    return this.key.arn;
  }
}
