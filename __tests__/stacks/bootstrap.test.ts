import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { isAbsolute } from 'node:path';
import { ACCOUNT, synthesize, testConfig } from './synth';
import { policyDocuments } from './policies';

describe('state bootstrap stack', () => {
  const config = testConfig({
    state: { bucket: 'acme-leakscan-state', region: 'eu-central-1', keyPrefix: 'sec/leakscan' },
  });
  const { tf, json } = synthesize(config);
  const stack = json.bootstrap;

  it('creates the configured bucket, kept on destroy, in the state region', () => {
    expect(tf.bootstrap).toHaveResourceWithProperties(S3Bucket, {
      bucket: 'acme-leakscan-state',
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
    expect(tf.bootstrap).toHaveProviderWithProperties(AwsProvider, { region: 'eu-central-1' });
  });

  it('versions, KMS-encrypts and blocks public access', () => {
    expect(tf.bootstrap).toHaveResourceWithProperties(S3BucketVersioningA, {
      versioning_configuration: { status: 'Enabled' },
    });
    expect(tf.bootstrap).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [
        {
          apply_server_side_encryption_by_default: {
            sse_algorithm: 'aws:kms',
            kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\..+\.arn\}$/),
          },
          bucket_key_enabled: true,
        },
      ],
    });
    expect(tf.bootstrap).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(tf.bootstrap).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true });
    expect(tf.bootstrap).toHaveResourceWithProperties(KmsAlias, { name: config.state.kmsAlias });
    expect(tf.bootstrap).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
      rule: [expect.objectContaining({ status: 'Enabled', noncurrent_version_expiration: [{ noncurrent_days: 90 }] })],
    });
  });

  it('denies every request without TLS on the bucket and its objects', () => {
    const [policy] = policyDocuments(stack).filter((p) => p.type === 'aws_s3_bucket_policy');
    expect(policy?.statements).toEqual([
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [
          expect.stringMatching(/aws_s3_bucket\..+\.arn\}$/),
          expect.stringMatching(/aws_s3_bucket\..+\.arn\}\/\*$/),
        ],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ]);
  });

  it('keeps its own state in a local file in the project root, by a relative path', () => {
    const local = stack.terraform.backend.local as { path: string };
    expect(Object.keys(stack.terraform.backend)).toEqual(['local']);
    expect(isAbsolute(local.path)).toBe(false);
    expect(local.path).toMatch(/(^|\/)terraform\.leakscan-test-bootstrap\.tfstate$/);
  });
});

describe('state bootstrap stack, default bucket name', () => {
  const { tf, json } = synthesize(testConfig());
  const bucket = `leakscan-test-tfstate-${ACCOUNT}-eu-west-1`;

  it('names the bucket after the account and region (S3 bucket names are global), and every backend uses it', () => {
    expect(tf.bootstrap).toHaveResourceWithProperties(S3Bucket, { bucket });
    for (const concern of ['network', 'notifications', 'platform', 'trigger'] as const) {
      expect(json[concern].terraform.backend.s3).toMatchObject({ bucket });
    }
  });
});
