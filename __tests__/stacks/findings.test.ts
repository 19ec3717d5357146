/**
 * The findings lifecycle's infrastructure (docs/findings.md): the table on by default; Security Hub and
 * EventBridge opt-in, each with exactly its IAM statement and its interface endpoint; Security Hub
 * itself enabled only when the configuration says leakscan owns it.
 */
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import type { ConfigInput } from '../../config/schema';
import { TASK_ENV } from '../../contracts/env';
import { policyDocuments, type PolicyStatement } from './policies';
import { ACCOUNT, only, resources, synthesize, testConfig, type TfJson } from './synth';

function taskStatements(platform: TfJson): PolicyStatement[] {
  const [roleId] = Object.entries(platform.resource!.aws_iam_role!).find(([, r]) =>
    String(r.name).endsWith('-scanner-task'),
  )!;
  return policyDocuments(platform).find(
    (p) =>
      p.type === 'aws_iam_role_policy' &&
      platform.resource!.aws_iam_role_policy![p.where.split('.')[1]!]!.role === `\${aws_iam_role.${roleId}.id}`,
  )!.statements;
}

function taskEnvironment(platform: TfJson): Record<string, string> {
  const [container] = JSON.parse(only(platform, 'aws_ecs_task_definition').container_definitions as string) as Array<{
    environment: Array<{ name: string; value: string }>;
  }>;
  return Object.fromEntries(container!.environment.map((e) => [e.name, e.value]));
}

const endpointServices = (network: TfJson) => resources(network, 'aws_vpc_endpoint').map((e) => e.service_name);
const synthWith = (findings: ConfigInput['findings']) => synthesize(testConfig({ findings })).json;

describe('findings lifecycle, defaults', () => {
  const { tf, json } = synthesize(testConfig());

  it('keeps findings in an on-demand table keyed by repository and fingerprint, recoverable and protected', () => {
    expect(tf.platform).toHaveResourceWithProperties(DynamodbTable, {
      name: 'leakscan-test-findings',
      billing_mode: 'PAY_PER_REQUEST',
      hash_key: 'repository',
      range_key: 'fingerprint',
      attribute: [
        { name: 'repository', type: 'S' },
        { name: 'fingerprint', type: 'S' },
      ],
      point_in_time_recovery: { enabled: true },
      deletion_protection_enabled: true,
    });
    const table = only(json.platform, 'aws_dynamodb_table');
    expect(table).not.toHaveProperty('global_secondary_index');
    expect(table).not.toHaveProperty('ttl');
  });

  it('encrypts the table with a rotated customer managed key of its own', () => {
    const table = only(json.platform, 'aws_dynamodb_table');
    expect(table.server_side_encryption).toEqual({
      enabled: true,
      kms_key_arn: expect.stringMatching(/^\$\{aws_kms_key\.findings-key_.+\.arn\}$/),
    });
    expect(tf.platform).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true });
    expect(resources(json.platform, 'aws_kms_alias').map((a) => a.name)).toEqual(['alias/leakscan-test-findings']);
  });

  it('leaves Security Hub and EventBridge alone: no statement, no endpoint, no account resource', () => {
    expect(taskStatements(json.platform).map((s) => s.Sid)).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/ImportFindings|PutFindingEvents/)]),
    );
    expect(resources(json.platform, 'aws_securityhub_account')).toEqual([]);
    expect(endpointServices(json.network)).not.toContain('com.amazonaws.eu-west-1.securityhub');
    expect(endpointServices(json.network)).not.toContain('com.amazonaws.eu-west-1.events');
    expect(taskEnvironment(json.platform)).toMatchObject({
      [TASK_ENV.securityHub]: 'false',
      [TASK_ENV.findingEvents]: 'false',
    });
  });
});

describe('findings lifecycle, every opt-in', () => {
  const json = synthWith({ securityHub: true, enableSecurityHub: true, events: true });

  it('imports into the default Security Hub product and puts only leakscan events on the default bus', () => {
    expect(taskStatements(json.platform).slice(-2)).toEqual([
      {
        Sid: 'ImportFindings',
        Effect: 'Allow',
        Action: 'securityhub:BatchImportFindings',
        Resource: `arn:aws:securityhub:eu-west-1:${ACCOUNT}:product/${ACCOUNT}/default`,
      },
      {
        Sid: 'PutFindingEvents',
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Resource: `arn:aws:events:eu-west-1:${ACCOUNT}:event-bus/default`,
        Condition: { StringEquals: { 'events:source': 'leakscan' } },
      },
    ]);
    expect(taskEnvironment(json.platform)).toMatchObject({
      [TASK_ENV.securityHub]: 'true',
      [TASK_ENV.findingEvents]: 'true',
    });
  });

  it('reaches both through interface endpoints in the private VPC', () => {
    expect(endpointServices(json.network)).toEqual(
      expect.arrayContaining(['com.amazonaws.eu-west-1.securityhub', 'com.amazonaws.eu-west-1.events']),
    );
  });

  it('enables Security Hub when told to, without turning on any standard', () => {
    expect(only(json.platform, 'aws_securityhub_account')).toMatchObject({ enable_default_standards: false });
  });
});

describe('findings lifecycle, other configurations', () => {
  it('imports into a Security Hub the security team already runs without creating the account resource', () => {
    const json = synthWith({ securityHub: true });
    expect(taskStatements(json.platform).map((s) => s.Sid)).toContain('ImportFindings');
    expect(resources(json.platform, 'aws_securityhub_account')).toEqual([]);
  });

  it('turned off: no table, key, statement, setting, gateway or egress rule for it', () => {
    const json = synthWith({ enabled: false });
    expect(resources(json.platform, 'aws_dynamodb_table')).toEqual([]);
    expect(resources(json.platform, 'aws_kms_key')).toEqual([]);
    expect(taskStatements(json.platform).map((s) => s.Sid)).not.toContain('FindingsTable');
    expect(Object.keys(taskEnvironment(json.platform))).not.toContain(TASK_ENV.findingsTableArn);
    expect(endpointServices(json.network)).not.toContain('com.amazonaws.eu-west-1.dynamodb');
    expect(resources(json.network, 'aws_vpc_security_group_egress_rule')).toHaveLength(2);
  });

  it('names the Security Hub product and the bus in the caller’s account when none is configured', () => {
    const { json } = synthesize(
      testConfig({
        accountId: undefined,
        state: { bucket: 'acme-state' },
        findings: { securityHub: true, events: true },
      }),
    );
    const caller = '${data.aws_caller_identity.caller.account_id}';
    expect(
      taskStatements(json.platform)
        .slice(-2)
        .map((s) => s.Resource),
    ).toEqual([
      `arn:aws:securityhub:eu-west-1:${caller}:product/${caller}/default`,
      `arn:aws:events:eu-west-1:${caller}:event-bus/default`,
    ]);
  });
});

describe('key verification (scanner.verifyKeys)', () => {
  it('is off by default; when on, tells the task to verify through the STS endpoint every VPC has', () => {
    expect(taskEnvironment(synthesize(testConfig()).json.platform)).not.toHaveProperty(TASK_ENV.verify);
    const json = synthesize(testConfig({ scanner: { verifyKeys: true } })).json;
    expect(taskEnvironment(json.platform)).toMatchObject({ [TASK_ENV.verify]: 'true' });
    expect(endpointServices(json.network)).toContain('com.amazonaws.eu-west-1.sts');
  });
});
