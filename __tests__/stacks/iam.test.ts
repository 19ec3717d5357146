/**
 * Least privilege over every policy document of every stack, for the configurations that change them:
 * no wildcard action anywhere; every Allow in an identity policy names its resources, except the
 * actions AWS defines without resource-level permissions (listed and explained below).
 */
import { allowedActions, list, policyDocuments, type FoundPolicy, type PolicyStatement } from './policies';
import { ACCOUNT, CONCERNS, synthesize, testConfig } from './synth';

/** Actions for which AWS only accepts `"Resource": "*"` (no resource-level permissions exist). */
const RESOURCE_STAR_ONLY = new Set([
  'ecr:GetAuthorizationToken', // execution role: ECR login before the pull
  'xray:PutTraceSegments', // trigger Lambda: active tracing
  'xray:PutTelemetryRecords',
  'codecommit:ListRepositories', // trigger Lambda: scheduled fan-out, only when no repositories are configured
]);

const configs = {
  'watched repositories, literal account': testConfig({ repositories: ['payments-service', 'web'] }),
  'every repository, caller account': testConfig({
    repositories: [],
    accountId: undefined,
    state: { bucket: 'leakscan-test-tfstate-example' },
  }),
  'existing VPC, external image': testConfig({
    network: {
      mode: 'existing',
      vpcId: 'vpc-0123456789abcdef0',
      subnetIds: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'],
    },
    scanner: {
      image: { repository: `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/leakscan`, digest: `sha256:${'1'.repeat(64)}` },
    },
  }),
};

/**
 * The one unconditioned service statement: EventBridge encrypting for the ops topic. Its KMS requests
 * carry no aws:Source* keys (AWS documents them as unsupported there); the topic policy scopes the rules.
 */
const isEventBridgeKeyUse = (where: string, s: PolicyStatement) =>
  where.startsWith('aws_kms_key.') &&
  JSON.stringify(s.Principal) === '{"Service":"events.amazonaws.com"}' &&
  s.Condition === undefined;
const isWildcardAction = (action: string) => action === '*' || /^[\w-]+:\*$/.test(action);
/** `arn:partition:service:region:account:…` with a concrete (or interpolated) account. */
const ACCOUNT_SCOPED_ARN = /^arn:aws:[\w-]+:[\w-]*:(\d{12}|\$\{[^}]+\}):.+/;
const isScopedResource = (resource: string) =>
  ACCOUNT_SCOPED_ARN.test(resource) || /^\$\{[^}]+\}(:\*|\/\*)?$/.test(resource);

describe.each(Object.entries(configs))('IAM, %s', (_name, config) => {
  const { json } = synthesize(config);
  const policies: FoundPolicy[] = CONCERNS.flatMap((c) => policyDocuments(json[c]));
  const byType = (...types: string[]) => policies.filter((p) => types.includes(p.type));
  const statementsOf = (found: FoundPolicy[]): Array<[string, PolicyStatement]> =>
    found.flatMap((p) => p.statements.map((s) => [p.where, s] as [string, PolicyStatement]));

  it('finds the policies of every kind it checks', () => {
    expect(new Set(policies.map((p) => p.type))).toEqual(
      new Set([
        'aws_iam_role',
        'aws_iam_role_policy',
        'aws_kms_key',
        'aws_s3_bucket_policy',
        'aws_sns_topic_policy',
        'aws_sqs_queue_policy',
      ]),
    );
  });

  it('grants no wildcard action and uses no NotAction/NotResource anywhere', () => {
    for (const [where, s] of statementsOf(policies)) {
      expect({ where, s, notAction: s.NotAction, notResource: s.NotResource }).toEqual({
        where,
        s,
        notAction: undefined,
        notResource: undefined,
      });
      if (s.Effect === 'Allow')
        expect({ where, wildcards: list(s.Action).filter(isWildcardAction) }).toEqual({ where, wildcards: [] });
    }
  });

  it('scopes every resource of every identity policy, except the documented resource-"*"-only actions', () => {
    for (const [where, s] of statementsOf(byType('aws_iam_role_policy'))) {
      const resources = list(s.Resource);
      expect(resources.length).toBeGreaterThan(0);
      if (resources.includes('*')) {
        expect({ where, resources, unexcused: list(s.Action).filter((a) => !RESOURCE_STAR_ONLY.has(a)) }).toEqual({
          where,
          resources: ['*'],
          unexcused: [],
        });
      } else {
        expect({ where, unscoped: resources.filter((r) => !isScopedResource(r)) }).toEqual({ where, unscoped: [] });
      }
    }
  });

  it('lets only AWS services of this account assume the roles', () => {
    for (const [where, s] of statementsOf(byType('aws_iam_role'))) {
      expect({ where, s }).toEqual({
        where,
        s: {
          Effect: 'Allow',
          Principal: { Service: expect.stringMatching(/^[\w-]+\.amazonaws\.com$/) },
          Action: 'sts:AssumeRole',
          Condition: expect.anything(),
        },
      });
      expect(s.Condition?.StringEquals?.['aws:SourceAccount']).toBe(
        config.accountId ?? '${data.aws_caller_identity.caller.account_id}',
      );
    }
  });

  it('gives resource policies no public Allow: services only, and only for this account or named sources', () => {
    for (const [where, s] of statementsOf(
      byType('aws_s3_bucket_policy', 'aws_sns_topic_policy', 'aws_sqs_queue_policy', 'aws_kms_key'),
    )) {
      if (s.Effect === 'Deny') continue;
      expect({ where, principal: s.Principal }).not.toEqual({ where, principal: '*' });
      if (s.Principal !== '*' && s.Principal && 'Service' in s.Principal && !isEventBridgeKeyUse(where, s)) {
        const guards = Object.values(s.Condition ?? {}).flatMap((c) => Object.keys(c));
        expect({ where, guarded: guards.some((k) => k === 'aws:SourceAccount' || k === 'aws:SourceArn') }).toEqual({
          where,
          guarded: true,
        });
      }
    }
  });

  it('grants nothing a key policy cannot grant: no kms:ListAliases (authorized by IAM policies on "*" only)', () => {
    expect(allowedActions(byType('aws_kms_key'))).not.toContain('kms:ListAliases');
    expect(allowedActions(byType('aws_kms_key'))).toContain('kms:PutKeyPolicy');
  });

  it('uses "*" as a resource in a key policy only (where it means "this key")', () => {
    const nonKey = statementsOf(policies.filter((p) => p.type !== 'aws_kms_key' && p.type !== 'aws_iam_role_policy'));
    for (const [where, s] of nonKey)
      expect({ where, star: list(s.Resource).includes('*') }).toEqual({ where, star: false });
  });
});
