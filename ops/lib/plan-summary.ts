/**
 * Plan JSON → what a reviewer needs: counts per stack, and the changes that deserve a careful look
 * (anything destroyed, anything touching IAM, security groups, KMS or resource policies) first.
 * Pure; attribute values never appear here, only attribute paths.
 */
import {
  changedOutputs,
  classifyActions,
  diffAttributes,
  formatPath,
  type ActionKind,
  type PathSegment,
  type PlanJson,
} from './terraform-json';

export type Category = 'iam' | 'security-group' | 'kms' | 'resource-policy';

export const CATEGORY_LABELS: Record<Category, string> = {
  iam: 'IAM',
  'security-group': 'security group',
  kms: 'KMS',
  'resource-policy': 'resource policy',
};

const CATEGORY_TYPES: [Category, RegExp][] = [
  ['iam', /^aws_iam_/],
  ['security-group', /^aws_(default_)?security_group(_rule)?$|^aws_vpc_security_group_(ingress|egress)_rule$/],
  ['kms', /^aws_kms_/],
  [
    'resource-policy',
    /^aws_(s3_bucket_policy|s3_bucket_public_access_block|s3_bucket_acl|sns_topic_policy|sqs_queue_policy|ecr_repository_policy|lambda_permission|cloudwatch_log_resource_policy)$/,
  ],
];

export type CountedKind = Exclude<ActionKind, 'no-op'>;
export type Counts = Record<CountedKind, number>;

export interface ResourceSummary {
  address: string;
  type: string;
  action: CountedKind;
  categories: Category[];
  destructive: boolean;
  /** Replacement that creates the new object before destroying the old (["create","delete"]). */
  createBeforeDestroy?: true;
  /** Attribute paths that change (updates and replacements). */
  changedPaths: string[];
  /** Attribute paths that force the replacement. */
  replacePaths: string[];
  reason?: string;
}

export interface StackPlan {
  stack: string;
  planFile: string;
  counts: Counts;
  changedOutputs: string[];
  /** Resources Terraform found changed outside Terraform while planning (resource_drift). */
  driftedOutside: number;
  resources: ResourceSummary[];
}

export function emptyCounts(): Counts {
  return { create: 0, update: 0, delete: 0, replace: 0, read: 0, forget: 0 };
}

/** Why a change to this resource deserves a security review, if it does (used for plans and drift). */
export function categorize(type: string, changedPaths: readonly string[]): Category[] {
  const found = CATEGORY_TYPES.filter(([, pattern]) => pattern.test(type)).map(([category]) => category);
  // Inline resource policies (aws_sns_topic.policy, aws_sqs_queue.policy, …) count as policy changes too.
  if (
    found.length === 0 &&
    changedPaths.some((p) => p === 'policy' || p.startsWith('policy.') || p.startsWith('policy['))
  )
    found.push('resource-policy');
  return found;
}

export function summarizePlan(stack: string, plan: PlanJson, planFile: string): StackPlan {
  const counts = emptyCounts();
  const resources: ResourceSummary[] = [];
  for (const rc of plan.resource_changes ?? []) {
    const action = classifyActions(rc.change.actions, `${stack}: ${rc.address}`);
    if (action === 'no-op') continue;
    counts[action]++;
    const changedPaths =
      action === 'update' || action === 'replace' ? diffAttributes(rc.change).map((c) => c.path) : [];
    resources.push({
      address: rc.address,
      type: rc.type,
      action,
      categories: categorize(rc.type, changedPaths),
      destructive: action === 'delete' || action === 'replace',
      ...(rc.change.actions.join(',') === 'create,delete' ? { createBeforeDestroy: true as const } : {}),
      changedPaths,
      replacePaths: (rc.change.replace_paths ?? []).map((p) => formatPath(p as PathSegment[])),
      ...(rc.action_reason ? { reason: rc.action_reason } : {}),
    });
  }
  const driftedOutside = (plan.resource_drift ?? []).filter((rc) => rc.change.actions.join(',') !== 'no-op').length;
  return { stack, planFile, counts, changedOutputs: changedOutputs(plan), driftedOutside, resources };
}

export function hasChanges(plan: StackPlan): boolean {
  return plan.resources.some((r) => r.action !== 'read') || plan.changedOutputs.length > 0;
}

export interface AttentionItem extends ResourceSummary {
  stack: string;
}

/** Destructive changes first, then security-relevant ones; each resource once. */
export function attentionItems(plans: readonly StackPlan[]): AttentionItem[] {
  const all = plans.flatMap((p) => p.resources.map((r) => ({ ...r, stack: p.stack })));
  return [...all.filter((r) => r.destructive), ...all.filter((r) => !r.destructive && r.categories.length > 0)];
}
