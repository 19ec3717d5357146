/**
 * The terraform invocations plan, drift and bootstrap share. Each runs in the stack's synthesized
 * working directory, exactly as `cdktf deploy` would, so state and backend are the real ones.
 */
import { join } from 'node:path';
import type { StackEntry } from './manifest';
import { runChecked, type Runner } from './runner';
import { parsePlanJson, type PlanJson } from './terraform-json';

export interface SavedPlan {
  /** terraform plan -detailed-exitcode: 0 no changes, 2 changes. */
  exitCode: number;
  /** The `terraform show -json` text (holds sensitive values in clear: write it owner-only, never print it). */
  jsonText: string;
  plan: PlanJson;
}

export async function terraformInit(runner: Runner, stack: StackEntry, env: NodeJS.ProcessEnv): Promise<void> {
  await runChecked(runner, 'terraform', ['init', '-input=false', '-no-color'], { cwd: stack.workingDirectory, env });
}

/** init, plan -out, show -json. `refreshOnly` makes it a drift check (plan -refresh-only). */
export async function planStack(runner: Runner, stack: StackEntry, env: NodeJS.ProcessEnv, refreshOnly = false): Promise<SavedPlan> {
  const cwd = stack.workingDirectory;
  const planFile = refreshOnly ? 'drift.tfplan' : 'tfplan';
  await terraformInit(runner, stack, env);
  const args = ['plan', '-input=false', '-no-color', '-detailed-exitcode', ...(refreshOnly ? ['-refresh-only'] : []), `-out=${planFile}`];
  const { code } = await runChecked(runner, 'terraform', args, { cwd, env }, [0, 2]);
  const { stdout } = await runChecked(runner, 'terraform', ['show', '-json', '-no-color', planFile], { cwd, env });
  return { exitCode: code, jsonText: stdout, plan: parsePlanJson(stdout, `${stack.name}: ${join(cwd, planFile)}`) };
}
