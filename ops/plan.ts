/**
 * npm run plan [-- --stack NAME] [--skip-synth] [--out DIR] [--json] [--checkov PATH] [--fail-on-checkov]
 *
 * Synthesizes, then for each stack in dependency order: terraform init, plan -out, show -json. Writes
 * one plan JSON per planned stack and a summary (summary.json, summary.txt) to --out (default
 * cdktf.out/plans) and prints the summary. The policy gate (checkov) runs on each plan JSON, and on
 * the synthesized JSON of a stack that could not be planned. Exit 0 no changes, 2 changes, 1 error
 * (any stack not planned, or nothing to plan; with --fail-on-checkov also a failed or missing gate).
 */
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CHECKOV_MISSING, checkSynthesized, findCheckov, runCheckov, type CheckovResult } from './lib/checkov';
import {
  displayPath,
  forEachStack,
  loadStacks,
  parseFlags,
  runMain,
  STACK_FLAGS,
  terraformEnv,
  writePrivate,
  type CliIo,
} from './lib/cli';
import { buildPlanReport, formatPlanReport, type PlannedStack } from './lib/plan-report';
import { summarizePlan } from './lib/plan-summary';
import { planStack } from './lib/terraform';

const SKIPPED: CheckovResult = { status: 'skipped', reason: CHECKOV_MISSING };

export const PLAN_USAGE = `Usage: npm run plan [-- --stack NAME ...] [--skip-synth] [--cdktf-out DIR] [--out DIR] [--json]
                     [--checkov PATH] [--fail-on-checkov]

Synthesizes the app, then for each stack in dependency order runs terraform init, plan and show -json,
and prints one review: what each stack adds, changes, replaces and destroys, and checkov's findings on
the plan. Plan JSON goes to --out (default cdktf.out/plans), owner-only.
Exit: 0 no changes, 2 changes, 1 error (terraform's -detailed-exitcode). Docs: docs/operations.md`;

export async function planMain(argv: string[], io: CliIo): Promise<number> {
  const flags = parseFlags(argv, {
    ...STACK_FLAGS,
    checkov: { type: 'string' },
    'fail-on-checkov': { type: 'boolean' },
  });
  const stacks = await loadStacks(io, {
    skipSynth: flags['skip-synth'],
    cdktfOut: flags['cdktf-out'],
    stacks: flags.stack,
  });
  const outDir = resolve(io.cwd, flags.out ?? 'cdktf.out/plans');
  const env = terraformEnv(io.env);
  const checkov = findCheckov(flags.checkov, io.env);
  if (!checkov) io.stderr(`WARNING: policy gate not run: ${CHECKOV_MISSING}`);

  const outcomes = await forEachStack(io, stacks, async (stack): Promise<PlannedStack> => {
    // A plan JSON left by an earlier run must not pass for this run's plan of a stack that fails now.
    rmSync(join(outDir, `${stack.name}.plan.json`), { force: true });
    const saved = await planStack(io.runner, stack, env);
    const planFile = writePrivate(outDir, `${stack.name}.plan.json`, saved.jsonText);
    const plan = summarizePlan(stack.name, saved.plan, displayPath(io, planFile));
    return {
      plan,
      checkov: checkov ? await runCheckov(io.runner, checkov, planFile, 'terraform_plan', io.cwd, io.env) : SKIPPED,
    };
  });

  const synthesizedChecks = new Map<string, CheckovResult>();
  for (const stack of stacks.filter((s) => outcomes.some((o) => o.stack === s.name && !o.ok))) {
    synthesizedChecks.set(
      stack.name,
      checkov ? await checkSynthesized(io.runner, checkov, stack, outDir, io.cwd, io.env) : SKIPPED,
    );
  }

  const report = buildPlanReport(stacks, outcomes, { synthesizedChecks, failOnCheckov: flags['fail-on-checkov'] });
  const text = formatPlanReport(report, displayPath(io, outDir));
  writePrivate(outDir, 'summary.json', `${JSON.stringify(report, null, 2)}\n`);
  writePrivate(outDir, 'summary.txt', `${text}\n`);
  io.stdout(flags.json ? JSON.stringify(report, null, 2) : text);
  return report.exitCode;
}

if (require.main === module) runMain(planMain, PLAN_USAGE);
