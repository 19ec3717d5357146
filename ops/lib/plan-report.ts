/** The `npm run plan` report: JSON document and its text rendering. Pure. */
import type { CheckovResult } from './checkov';
import { exitCodeFor, type Outcome } from './outcome';
import { limited, plural, table } from './format';
import type { StackEntry } from './manifest';
import {
  attentionItems,
  CATEGORY_LABELS,
  hasChanges,
  type AttentionItem,
  type CountedKind,
  type ResourceSummary,
  type StackPlan,
} from './plan-summary';

export interface PlannedStack {
  plan: StackPlan;
  checkov: CheckovResult;
}

export interface StackReport {
  stack: string;
  /** `error`: the stack was not planned (no plan JSON exists for it). */
  status: 'changes' | 'no-changes' | 'error';
  plan?: StackPlan;
  /** The policy gate's result: on the plan JSON, or on the synthesized JSON when the stack was not planned. */
  checkov?: CheckovResult;
  checkovInput?: 'plan JSON' | 'synthesized JSON';
  error?: string;
  /** Why it was not planned, in one line: "init failed: …". */
  headline?: string;
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

export interface PlanReportOptions {
  /** The policy gate's result on the synthesized JSON of each stack that was not planned. */
  synthesizedChecks: ReadonlyMap<string, CheckovResult>;
  /** Failed checks, or a gate that did not run, make the exit code 1. */
  failOnCheckov?: boolean;
}

function stackReport(o: Outcome<PlannedStack>, options: PlanReportOptions): StackReport {
  if (!o.ok) {
    const checkov = options.synthesizedChecks.get(o.stack);
    return {
      stack: o.stack,
      status: 'error',
      error: o.error,
      headline: o.headline,
      checkov,
      checkovInput: 'synthesized JSON',
      dependsOnPending: [],
    };
  }
  const status = hasChanges(o.value.plan) ? 'changes' : 'no-changes';
  return {
    stack: o.stack,
    status,
    plan: o.value.plan,
    checkov: o.value.checkov,
    checkovInput: 'plan JSON',
    dependsOnPending: [],
  };
}

export function buildPlanReport(
  stacks: readonly StackEntry[],
  outcomes: readonly Outcome<PlannedStack>[],
  options: PlanReportOptions,
): PlanReport {
  const reports = outcomes.map((o) => stackReport(o, options));
  const pending = new Set(reports.filter((r) => r.status !== 'no-changes').map((r) => r.stack));
  for (const report of reports) {
    report.dependsOnPending = (stacks.find((s) => s.name === report.stack)?.dependencies ?? []).filter((d) =>
      pending.has(d),
    );
  }
  const checkovFailed = reports.reduce((n, r) => n + (r.checkov?.status === 'ran' ? r.checkov.failed : 0), 0);
  const gateFailed = checkovFailed > 0 || reports.some((r) => r.checkov?.status !== 'ran');
  // Nothing planned is a failure even without a failed stack (an empty selection): never "no changes".
  const exitCode = exitCodeFor(
    reports.length === 0 || reports.some((r) => r.status === 'error') || (options.failOnCheckov === true && gateFailed),
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

const SYMBOL: Record<CountedKind, string> = {
  create: '+',
  update: '~',
  delete: '-',
  replace: '-/+',
  read: '<=',
  forget: '.',
};

function describeResource(r: ResourceSummary): string {
  const notes = [...r.categories.map((c) => CATEGORY_LABELS[c])];
  if (r.replacePaths.length > 0) notes.push(`forces replacement: ${r.replacePaths.join(', ')}`);
  else if (r.changedPaths.length > 0) notes.push(`changes: ${limited(r.changedPaths, 5).join(', ')}`);
  const symbol = r.createBeforeDestroy ? '+/-' : SYMBOL[r.action];
  return `${symbol.padEnd(3)} ${r.address} (${r.action}${notes.length ? `; ${notes.join('; ')}` : ''})`;
}

function checkovLines(r: StackReport): string[] {
  const result = r.checkov;
  if (!result) return [`  ${r.stack}: policy gate not run: no input to check`];
  const label = `  ${r.stack} (${r.checkovInput})`;
  if (result.status === 'skipped') return [`  ${r.stack}: policy gate not run: ${result.reason}`];
  if (result.status === 'error') return [`${label}: policy gate not run: ${result.message.split('\n')[0]}`];
  // "0 passed, 0 failed" would read as a pass; checkov simply has no check for these resource types.
  if (result.passed + result.failed + result.skipped === 0)
    return [`${label}: ran; no checkov check applies to these resources`];
  return [
    `${label}: ${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped`,
    ...limited(
      result.failedChecks.map((c) => `    ${c.id} ${c.resource}: ${c.name}`),
      20,
    ),
  ];
}

function stackDetails(r: StackReport): string[] {
  if (!r.plan || (r.status !== 'changes' && r.plan.driftedOutside === 0)) return [];
  const lines = [
    `${r.stack}:`,
    ...limited(
      r.plan.resources.map((res) => `  ${describeResource(res)}`),
      50,
    ),
  ];
  if (r.plan.changedOutputs.length > 0) lines.push(`  outputs changing: ${r.plan.changedOutputs.join(', ')}`);
  if (r.plan.driftedOutside > 0)
    lines.push(`  note: ${plural(r.plan.driftedOutside, 'resource')} changed outside Terraform (run npm run drift)`);
  if (r.dependsOnPending.length > 0)
    lines.push(
      `  note: depends on ${r.dependsOnPending.join(', ')} (pending or failed): it reads their current outputs`,
    );
  return [...lines, ''];
}

function notPlannedLines(notPlanned: readonly StackReport[]): string[] {
  if (notPlanned.length === 0) return [];
  const lines = ['NOT PLANNED (no plan exists for these stacks; fix the cause and run again)'];
  for (const r of notPlanned)
    lines.push(`  ${r.stack}: not planned: ${r.headline}`, `    ${(r.error ?? '').replace(/\n/g, '\n    ')}`);
  return [...lines, ''];
}

/** One line for a gate missing everywhere, else one per stack: never an empty section. */
function checkovSection(stacks: readonly StackReport[]): string[] {
  const missing = stacks.find((r) => r.checkov?.status === 'skipped')?.checkov;
  const body =
    missing?.status === 'skipped'
      ? [`  !!! policy gate not run: ${missing.reason}`]
      : stacks.length > 0
        ? stacks.flatMap(checkovLines)
        : ['  policy gate not run: no stacks selected'];
  return ['CHECKOV (policy gate)', ...body, ''];
}

function resultLine(report: PlanReport, planned: number): string {
  const total = report.stacks.length;
  const changed = report.stacks.filter((r) => r.status === 'changes').length;
  const notPlanned = total - planned;
  const stacks = plural(planned, notPlanned ? 'planned stack' : 'stack');
  const changes =
    changed > 0 ? `changes in ${changed} of ${stacks}` : notPlanned ? `no changes in the ${stacks}` : 'no changes';
  const what = planned === 0 ? `NOTHING PLANNED: ${total} of ${plural(total, 'stack')} not planned` : changes;
  const failedStacks = planned > 0 && notPlanned > 0 ? `, ${notPlanned} of ${plural(total, 'stack')} NOT PLANNED` : '';
  const failedChecks = report.checkovFailed ? `, ${plural(report.checkovFailed, 'failed checkov check')}` : '';
  const gate = report.stacks.some((r) => r.checkov?.status !== 'ran') ? ', policy gate NOT RUN' : '';
  return `RESULT: ${what}${failedStacks}${failedChecks}${gate} -> exit ${report.exitCode}`;
}

export function formatPlanReport(report: PlanReport, planDir: string): string {
  const lines = [`leakscan plan: ${plural(report.stacks.length, 'stack')} (${report.order.join(' -> ')})`, ''];

  if (report.attention.length > 0) {
    lines.push('REVIEW FIRST (destructive, IAM, security group, KMS, resource policy)');
    for (const item of report.attention)
      lines.push(`  [${item.stack}] ${describeResource(item)}${item.destructive ? '  DESTRUCTIVE' : ''}`);
    lines.push('');
  }

  const counts = (r: StackReport, kind: CountedKind) => (r.plan ? String(r.plan.counts[kind]) : '-');
  const result = (r: StackReport) =>
    r.status === 'error' ? 'NOT PLANNED' : r.status === 'changes' ? 'changes' : 'no changes';
  lines.push(
    ...table(
      ['STACK', 'CREATE', 'UPDATE', 'REPLACE', 'DELETE', 'RESULT'],
      report.stacks.map((r) => [
        r.stack,
        counts(r, 'create'),
        counts(r, 'update'),
        counts(r, 'replace'),
        counts(r, 'delete'),
        result(r),
      ]),
    ),
    '',
  );
  lines.push(...report.stacks.flatMap(stackDetails));
  lines.push(...notPlannedLines(report.stacks.filter((r) => r.status === 'error')));

  lines.push(...checkovSection(report.stacks));

  const planned = report.stacks.filter((r) => r.status !== 'error').length;
  lines.push(
    planned > 0
      ? `plan JSON for ${plural(planned, 'planned stack')} in ${planDir}/ ` +
          '(holds sensitive values in clear: keep it private)'
      : 'no plan JSON was written: no stack was planned',
  );
  lines.push(resultLine(report, planned));
  return lines.join('\n');
}
