/**
 * npm run plan [-- --stack NAME] [--skip-synth] [--out DIR] [--json] [--checkov PATH] [--fail-on-checkov]
 *
 * Synthesizes, then for each stack in dependency order: terraform init, plan -out, show -json. Writes
 * one plan JSON per stack and a summary (summary.json, summary.txt) to --out (default cdktf.out/plans)
 * and prints the summary. Exit 0 no changes, 2 changes, 1 error (any stack failed).
 */
import { resolve } from 'node:path';
import { CHECKOV_MISSING, findCheckov, runCheckov } from './lib/checkov';
import { displayPath, forEachStack, loadStacks, parseFlags, runMain, STACK_FLAGS, terraformEnv, writePrivate, type CliIo } from './lib/cli';
import { buildPlanReport, formatPlanReport, type PlannedStack } from './lib/plan-report';
import { summarizePlan } from './lib/plan-summary';
import { planStack } from './lib/terraform';

export async function planMain(argv: string[], io: CliIo): Promise<number> {
  const flags = parseFlags(argv, { ...STACK_FLAGS, checkov: { type: 'string' }, 'fail-on-checkov': { type: 'boolean' } });
  const stacks = await loadStacks(io, { skipSynth: flags['skip-synth'], cdktfOut: flags['cdktf-out'], stacks: flags.stack });
  const outDir = resolve(io.cwd, flags.out ?? 'cdktf.out/plans');
  const env = terraformEnv(io.env);
  const checkov = findCheckov(flags.checkov, io.env);
  if (!checkov) io.stderr(`WARNING: ${CHECKOV_MISSING}`);

  const outcomes = await forEachStack(io, stacks, async (stack): Promise<PlannedStack> => {
    const saved = await planStack(io.runner, stack, env);
    const planFile = writePrivate(outDir, `${stack.name}.plan.json`, saved.jsonText);
    const plan = summarizePlan(stack.name, saved.plan, displayPath(io, planFile));
    return {
      plan,
      checkov: checkov ? await runCheckov(io.runner, checkov, planFile, io.cwd, io.env) : { status: 'skipped', reason: CHECKOV_MISSING },
    };
  });

  const report = buildPlanReport(stacks, outcomes, flags['fail-on-checkov']);
  const text = formatPlanReport(report, displayPath(io, outDir));
  writePrivate(outDir, 'summary.json', `${JSON.stringify(report, null, 2)}\n`);
  writePrivate(outDir, 'summary.txt', `${text}\n`);
  io.stdout(flags.json ? JSON.stringify(report, null, 2) : text);
  return report.exitCode;
}

if (require.main === module) runMain(planMain);
