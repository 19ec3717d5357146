/**
 * Refresh-only plan JSON → which resources drifted and which attributes changed. Values of sensitive
 * attributes are never shown (before_sensitive / after_sensitive, secret-like names), and every
 * shown value has credential shapes masked. Pure.
 */
import { exitCodeFor, type Outcome } from './outcome';
import { limited, plural } from './format';
import { CATEGORY_LABELS, categorize, type Category } from './plan-summary';
import { changedOutputs, classifyActions, diffAttributes, type AttributeChange, type PlanJson } from './terraform-json';

export interface DriftedResource {
  address: string;
  type: string;
  /** update: changed outside Terraform; delete: no longer exists. */
  action: 'update' | 'delete';
  /** IAM, security group, KMS, resource policy: drift there may be someone opening a door. */
  categories: Category[];
  attributes: AttributeChange[];
}

export interface StackDrift {
  stack: string;
  drifted: DriftedResource[];
  changedOutputs: string[];
}

export function summarizeDrift(stack: string, plan: PlanJson): StackDrift {
  const drifted: DriftedResource[] = [];
  for (const rc of plan.resource_drift ?? []) {
    const action = classifyActions(rc.change.actions, `${stack}: ${rc.address}`);
    if (action === 'no-op') continue;
    const attributes = action === 'delete' ? [] : diffAttributes(rc.change);
    drifted.push({
      address: rc.address,
      type: rc.type,
      action: action === 'delete' ? 'delete' : 'update',
      categories: categorize(
        rc.type,
        attributes.map((a) => a.path),
      ),
      attributes,
    });
  }
  return { stack, drifted, changedOutputs: changedOutputs(plan) };
}

export interface DriftReport {
  kind: 'leakscan-drift-report';
  version: 1;
  result: 'no-drift' | 'drift' | 'error';
  exitCode: 0 | 1 | 2;
  driftedResources: number;
  /** `error`: the stack was not checked; `headline` says why in one line. */
  stacks: ({
    stack: string;
    status: 'drift' | 'no-drift' | 'error';
    error?: string;
    headline?: string;
  } & Partial<StackDrift>)[];
}

/**
 * Drift is what the refresh-only plan JSON shows: drifted resources or changed outputs. Not terraform's
 * exit code: 1.11 exits 2 from `plan -refresh-only -detailed-exitcode` when the refreshed state differs
 * only invisibly (it prints "No changes" and its JSON lists no drift).
 */
export function buildDriftReport(outcomes: readonly Outcome<StackDrift>[]): DriftReport {
  const stacks: DriftReport['stacks'] = outcomes.map((o) =>
    o.ok
      ? {
          ...o.value,
          status:
            o.value.drifted.length > 0 || o.value.changedOutputs.length > 0
              ? ('drift' as const)
              : ('no-drift' as const),
        }
      : { stack: o.stack, status: 'error' as const, error: o.error, headline: o.headline },
  );
  const exitCode = exitCodeFor(
    stacks.length === 0 || stacks.some((s) => s.status === 'error'),
    stacks.some((s) => s.status === 'drift'),
  );
  return {
    kind: 'leakscan-drift-report',
    version: 1,
    result: (['no-drift', 'error', 'drift'] as const)[exitCode],
    exitCode,
    driftedResources: stacks.reduce((n, s) => n + (s.drifted?.length ?? 0), 0),
    stacks,
  };
}

function attributeLine(a: AttributeChange): string {
  return a.sensitive
    ? `      ${a.path}: (sensitive value changed; not shown)`
    : `      ${a.path}: ${a.before} -> ${a.after}`;
}

/** Never "no drift" about stacks that were not checked. */
function resultLine(report: DriftReport): string {
  const total = report.stacks.length;
  const driftStacks = report.stacks.filter((s) => s.status === 'drift').length;
  const failed = report.stacks.filter((s) => s.status === 'error').length;
  const found =
    report.driftedResources || driftStacks
      ? `${plural(report.driftedResources, 'drifted resource')} in ${plural(driftStacks, 'stack')}`
      : 'no drift';
  const what = failed === total ? `NOTHING CHECKED: ${failed} of ${plural(total, 'stack')} not checked` : found;
  const notChecked = failed > 0 && failed < total ? `, ${failed} of ${plural(total, 'stack')} NOT CHECKED` : '';
  return `RESULT: ${what}${notChecked} -> exit ${report.exitCode}`;
}

export function formatDriftReport(report: DriftReport): string {
  const lines = [`leakscan drift: ${plural(report.stacks.length, 'stack')} (terraform plan -refresh-only)`, ''];
  for (const s of report.stacks) {
    if (s.status === 'error') {
      lines.push(`${s.stack}: NOT CHECKED: ${s.headline}`, `  ${(s.error ?? '').replace(/\n/g, '\n  ')}`);
    } else if (s.status === 'no-drift') {
      lines.push(`${s.stack}: no drift`);
    } else {
      lines.push(`${s.stack}: DRIFT in ${plural(s.drifted?.length ?? 0, 'resource')}`);
      for (const r of s.drifted ?? []) {
        const label = r.categories.length ? ` (${r.categories.map((c) => CATEGORY_LABELS[c]).join(', ')})` : '';
        if (r.action === 'delete') {
          lines.push(`  - ${r.address}${label}: deleted outside Terraform`);
          continue;
        }
        lines.push(`  ~ ${r.address}${label}: ${plural(r.attributes.length, 'attribute')} changed`);
        lines.push(...limited(r.attributes.map(attributeLine), 20));
      }
      if (s.changedOutputs?.length) lines.push(`  outputs changed: ${s.changedOutputs.join(', ')}`);
    }
  }
  lines.push('', resultLine(report));
  return lines.join('\n');
}
