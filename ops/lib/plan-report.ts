/** The `npm run plan` report: JSON document and its text rendering. Pure. */
import type { CheckovResult } from './checkov';
import { exitCodeFor, type Outcome } from './outcome';
import { limited, plural, table } from './format';
import type { StackEntry } from './manifest';
import { attentionItems, CATEGORY_LABELS, hasChanges, type AttentionItem, type CountedKind, type ResourceSummary, type StackPlan } from './plan-summary';

export interface PlannedStack {
  plan: StackPlan;
  checkov: CheckovResult;
}

export interface StackReport {
  stack: string;
  status: 'changes' | 'no-changes' | 'error';
  plan?: StackPlan;
  checkov?: CheckovResult;
  error?: string;
  /** Dependencies that have pending changes or failed: this plan reads their current outputs. */
  dependsOnPending: string[];
}

export interface PlanReport {
  kind: 'leakscan-plan-summary';
  version: 1;
  result: 'no-changes' | 'changes' | 'error';
  exitCode: 0 | 1 | 2;
  order: string[];
  attention: AttentionItem[];
  checkovFailed: number;
  stacks: StackReport[];
}

export function buildPlanReport(stacks: readonly StackEntry[], outcomes: readonly Outcome<PlannedStack>[], failOnCheckov = false): PlanReport {
  const reports: StackReport[] = outcomes.map((o) =>
    o.ok
      ? { stack: o.stack, status: hasChanges(o.value.plan) ? 'changes' : 'no-changes', plan: o.value.plan, checkov: o.value.checkov, dependsOnPending: [] }
      : { stack: o.stack, status: 'error', error: o.error, dependsOnPending: [] },
  );
  const pending = new Set(reports.filter((r) => r.status !== 'no-changes').map((r) => r.stack));
  for (const report of reports) {
    report.dependsOnPending = (stacks.find((s) => s.name === report.stack)?.dependencies ?? []).filter((d) => pending.has(d));
  }
  const checkovFailed = reports.reduce((n, r) => n + (r.checkov?.status === 'ran' ? r.checkov.failed : 0), 0);
  const exitCode = exitCodeFor(
    reports.some((r) => r.status === 'error') || (failOnCheckov && checkovFailed > 0),
    reports.some((r) => r.status === 'changes'),
  );
  return {
    kind: 'leakscan-plan-summary',
    version: 1,
    result: (['no-changes', 'error', 'changes'] as const)[exitCode],
    exitCode,
    order: reports.map((r) => r.stack),
    attention: attentionItems(reports.flatMap((r) => (r.plan ? [r.plan] : []))),
    checkovFailed,
    stacks: reports,
  };
}

const SYMBOL: Record<CountedKind, string> = { create: '+', update: '~', delete: '-', replace: '-/+', read: '<=', forget: '.' };

function describeResource(r: ResourceSummary): string {
  const notes = [...r.categories.map((c) => CATEGORY_LABELS[c])];
  if (r.replacePaths.length > 0) notes.push(`forces replacement: ${r.replacePaths.join(', ')}`);
  else if (r.changedPaths.length > 0) notes.push(`changes: ${limited(r.changedPaths, 5).join(', ')}`);
  const symbol = r.createBeforeDestroy ? '+/-' : SYMBOL[r.action];
  return `${symbol.padEnd(3)} ${r.address} (${r.action}${notes.length ? `; ${notes.join('; ')}` : ''})`;
}

function checkovLine(stack: string, result: CheckovResult): string[] {
  if (result.status === 'skipped') return [];
  if (result.status === 'error') return [`  ${stack}: checkov ERROR: ${result.message.split('\n')[0]}`];
  return [
    `  ${stack}: ${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped`,
    ...limited(result.failedChecks.map((c) => `    ${c.id} ${c.resource}: ${c.name}`), 20),
  ];
}

export function formatPlanReport(report: PlanReport, planDir: string): string {
  const lines = [`leakscan plan: ${plural(report.stacks.length, 'stack')} (${report.order.join(' -> ')})`, ''];

  if (report.attention.length > 0) {
    lines.push('REVIEW FIRST (destructive, IAM, security group, KMS, resource policy)');
    for (const item of report.attention) lines.push(`  [${item.stack}] ${describeResource(item)}${item.destructive ? '  DESTRUCTIVE' : ''}`);
    lines.push('');
  }

  const counts = (r: StackReport, kind: CountedKind) => (r.plan ? String(r.plan.counts[kind]) : '-');
  const result = (r: StackReport) =>
    r.status === 'error' ? 'ERROR' : r.status === 'changes' ? 'changes' : 'no changes';
  lines.push(
    ...table(
      ['STACK', 'CREATE', 'UPDATE', 'REPLACE', 'DELETE', 'RESULT'],
      report.stacks.map((r) => [r.stack, counts(r, 'create'), counts(r, 'update'), counts(r, 'replace'), counts(r, 'delete'), result(r)]),
    ),
    '',
  );

  for (const r of report.stacks) {
    if (!r.plan || (r.status !== 'changes' && r.plan.driftedOutside === 0)) continue;
    lines.push(`${r.stack}:`);
    lines.push(...limited(r.plan.resources.map((res) => `  ${describeResource(res)}`), 50));
    if (r.plan.changedOutputs.length > 0) lines.push(`  outputs changing: ${r.plan.changedOutputs.join(', ')}`);
    if (r.plan.driftedOutside > 0) lines.push(`  note: ${plural(r.plan.driftedOutside, 'resource')} changed outside Terraform (run npm run drift)`);
    if (r.dependsOnPending.length > 0) lines.push(`  note: depends on ${r.dependsOnPending.join(', ')} (pending or failed): it reads their current outputs`);
    lines.push('');
  }

  const errors = report.stacks.filter((r) => r.status === 'error');
  if (errors.length > 0) {
    lines.push('ERRORS');
    for (const r of errors) lines.push(`  ${r.stack}: ${(r.error ?? '').replace(/\n/g, '\n    ')}`);
    lines.push('');
  }

  const skipped = report.stacks.find((r) => r.checkov?.status === 'skipped')?.checkov;
  lines.push('CHECKOV (plan JSON, --framework terraform_plan)');
  if (skipped?.status === 'skipped') lines.push(`  !!! SKIPPED: ${skipped.reason}`);
  else lines.push(...report.stacks.flatMap((r) => (r.checkov ? checkovLine(r.stack, r.checkov) : [])));
  lines.push('');

  const changed = report.stacks.filter((r) => r.status === 'changes').length;
  const failed = errors.length;
  lines.push(`plan JSON per stack in ${planDir}/ (holds sensitive values in clear: keep it private)`);
  lines.push(
    `RESULT: ${changed === 0 ? 'no changes' : `changes in ${changed} of ${plural(report.stacks.length, 'stack')}`}` +
      `${failed ? `, ${plural(failed, 'stack')} FAILED` : ''}` +
      `${report.checkovFailed ? `, ${plural(report.checkovFailed, 'failed checkov check')}` : ''} -> exit ${report.exitCode}`,
  );
  return lines.join('\n');
}
