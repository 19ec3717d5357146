import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { CONCERNS, synthesize, testConfig } from './synth';

describe('every stack', () => {
  const config = testConfig({
    state: { bucket: 'acme-leakscan-state', keyPrefix: 'sec/leakscan', region: 'eu-central-1' },
    tags: { CostCenter: 'security' },
  });
  const { tf, json, stacks } = synthesize(config);

  it.each(['network', 'notifications', 'platform', 'trigger'] as const)(
    '%s keeps its state in the S3 backend: encrypted with the state key, S3-native lock',
    (concern) => {
      expect(json[concern].terraform.backend).toEqual({
        s3: {
          bucket: 'acme-leakscan-state',
          key: `sec/leakscan/leakscan-test-${concern}.tfstate`,
          region: 'eu-central-1',
          encrypt: true,
          kms_key_id: 'alias/leakscan-test-tfstate',
          use_lockfile: true,
        },
      });
    },
  );

  it.each(CONCERNS)(
    '%s requires Terraform >= 1.10, the first with S3-native state locking (use_lockfile)',
    (concern) => {
      expect(json[concern].terraform.required_version).toBe('>= 1.10');
    },
  );

  it.each(CONCERNS)('%s tags everything through provider default_tags and refuses other accounts', (concern) => {
    expect(tf[concern]).toHaveProviderWithProperties(AwsProvider, {
      allowed_account_ids: [config.accountId],
      default_tags: [
        { tags: { Project: 'leakscan', Environment: 'test', ManagedBy: 'cdktf', CostCenter: 'security' } },
      ],
    });
  });

  it('deploys the bootstrap first: every other stack depends on it', () => {
    for (const stack of [stacks.network, stacks.notifications, stacks.platform, stacks.trigger]) {
      expect(stack.dependencies).toContain(stacks.bootstrap);
    }
    expect(stacks.trigger.dependencies).toEqual(
      expect.arrayContaining([stacks.network, stacks.notifications, stacks.platform]),
    );
  });

  it('reads no data source that needs AWS when the account id is configured', () => {
    for (const concern of CONCERNS)
      expect(Object.keys(json[concern].data ?? {}).filter((d) => d === 'aws_caller_identity')).toEqual([]);
  });

  it("without an account id, ARNs use the caller's account from one data source per stack", () => {
    const { json: anyAccount } = synthesize(
      testConfig({ accountId: undefined, state: { bucket: 'acme-leakscan-state' } }),
    );
    expect(Object.keys(anyAccount.trigger.data?.aws_caller_identity ?? {})).toHaveLength(1);
    expect(JSON.stringify(anyAccount.trigger.resource)).toContain('${data.aws_caller_identity.caller.account_id}');
    expect(anyAccount.trigger.provider.aws[0]).not.toHaveProperty('allowed_account_ids');
  });
});
