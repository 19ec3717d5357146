import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { attentionItems, hasChanges, summarizePlan } from '../../ops/lib/plan-summary';
import { summarizeDrift } from '../../ops/lib/drift-report';
import { parsePlanJson } from '../../ops/lib/terraform-json';

const load = (name: string) => parsePlanJson(readFileSync(join(__dirname, 'fixtures', 'plans', name), 'utf8'), name);

describe('summarizePlan', () => {
  it('counts creates and ignores reads and no-ops in the change test', () => {
    const plan = summarizePlan('net', load('create.json'), 'net.json');
    expect(plan.counts).toEqual({ create: 3, update: 0, delete: 0, replace: 0, read: 1, forget: 0 });
    expect(plan.changedOutputs).toEqual(['vpc-id']);
    expect(hasChanges(plan)).toBe(true);
    expect(hasChanges(summarizePlan('state', load('no-op.json'), 'x'))).toBe(false);
  });

  it('counts both replacement orders as replace, with the paths that force it', () => {
    const plan = summarizePlan('trigger', load('replace.json'), 'x');
    expect(plan.counts).toMatchObject({ replace: 2, delete: 1, update: 1 });
    expect(plan.resources.find((r) => r.address === 'aws_lambda_function.trigger')).toMatchObject({
      action: 'replace',
      destructive: true,
      replacePaths: ['architectures'],
      reason: 'replace_because_cannot_update',
    });
    expect(
      plan.resources.find((r) => r.address === 'aws_lambda_function.trigger')!.createBeforeDestroy,
    ).toBeUndefined();
    expect(
      plan.resources.find((r) => r.address === 'aws_cloudwatch_event_rule.pull_request')!.createBeforeDestroy,
    ).toBe(true);
  });

  it('tags IAM, security group and inline resource policy changes', () => {
    const update = summarizePlan('platform', load('update.json'), 'x');
    expect(update.resources.find((r) => r.type === 'aws_iam_role_policy')).toMatchObject({
      categories: ['iam'],
      changedPaths: ['policy.Statement[0].Action[1]'],
    });
    expect(update.resources.find((r) => r.type === 'aws_ecs_cluster')!.categories).toEqual([]);
    expect(update.driftedOutside).toBe(1);
    const create = summarizePlan('net', load('create.json'), 'x');
    expect(create.resources.find((r) => r.type === 'aws_vpc_security_group_egress_rule')!.categories).toEqual([
      'security-group',
    ]);
    const replace = summarizePlan('trigger', load('replace.json'), 'x');
    expect(replace.resources.find((r) => r.address === 'aws_sqs_queue.dlq')!.categories).toEqual(['resource-policy']);
  });

  it('puts destructive changes first, then security-relevant ones', () => {
    const items = attentionItems([
      summarizePlan('platform', load('update.json'), 'x'),
      summarizePlan('trigger', load('replace.json'), 'x'),
    ]);
    expect(items.map((i) => `${i.stack} ${i.address}`)).toEqual([
      'trigger aws_lambda_function.trigger',
      'trigger aws_sqs_queue.legacy_dlq',
      'trigger aws_cloudwatch_event_rule.pull_request',
      'platform aws_iam_role_policy.task',
      'trigger aws_sqs_queue.dlq',
    ]);
  });
});

describe('summarizeDrift', () => {
  it('lists drifted resources and attribute paths, hiding sensitive values', () => {
    const drift = summarizeDrift('app', load('drift.json'));
    expect(drift.drifted.map((d) => [d.address, d.action])).toEqual([
      ['aws_security_group.scanner', 'update'],
      ['aws_secretsmanager_secret_version.webhook', 'update'],
      ['aws_lambda_function.trigger', 'update'],
      ['aws_cloudwatch_log_group.scanner', 'delete'],
    ]);
    expect(drift.drifted.map((d) => d.categories)).toEqual([['security-group'], [], [], []]);
    const sg = drift.drifted[0]!.attributes.map((a) => a.path);
    expect(sg).toEqual(expect.arrayContaining(['ingress[0].cidr_blocks[0]', 'ingress[0].from_port', 'tags.Note']));
    expect(drift.drifted[1]!.attributes).toEqual([
      { path: 'secret_string', sensitive: true },
      { path: 'version_stages[0]', sensitive: false, before: '"AWSCURRENT"', after: '"AWSPREVIOUS"' },
    ]);
    expect(drift.drifted[2]!.attributes).toEqual([
      { path: 'environment[0].variables.LEAKSCAN_NOTIFY_CLEAN', sensitive: false, before: '"false"', after: '"true"' },
      { path: 'environment[0].variables.WEBHOOK_TOKEN', sensitive: true },
    ]);
    expect(summarizeDrift('app', load('no-drift.json')).drifted).toEqual([]);
  });
});
