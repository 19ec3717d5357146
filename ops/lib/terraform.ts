/**
 * The terraform invocations plan, drift and bootstrap share. Each runs in the stack's synthesized
 * working directory, exactly as `cdktf deploy` would, so state and backend are the real ones.
 */
import { join } from 'node:path';
import { CommandError, OpsError } from './errors';
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

/** `refresh` is the drift check's `plan -refresh-only`. */
export type TerraformStep = 'init' | 'plan' | 'refresh' | 'show';

/** A step that failed; the headline names it, so a summary can say "init failed: …" without guessing. */
export class TerraformStepError extends OpsError {
  constructor(
    readonly step: TerraformStep,
    readonly reason: OpsError,
  ) {
    super(reason.message, { cause: reason });
  }

  override get headline(): string {
    return `${this.step} failed: ${this.reason.headline}`;
  }
}

/** Another run holds the S3 state lock (the `.tflock` object): terraform read and wrote nothing. */
export class StateLockedError extends OpsError {
  /** Who holds the lock and since when, from terraform's "Lock Info:" (absent if the lock object is unreadable). */
  readonly holder?: string;

  constructor(workingDirectory: string, cause: CommandError) {
    const info = (field: string) => new RegExp(`^\\s*${field}:\\s+(.+)$`, 'm').exec(cause.stderrTail)?.[1]?.trim();
    const lockId = info('ID');
    super(
      'state is locked by another run; nothing was read or changed. Wait for that run to finish; if it crashed, ' +
        `release the lock with \`terraform force-unlock ${lockId ?? '<LOCK ID>'}\` in ${workingDirectory}\n` +
        cause.message,
      { cause },
    );
    const who = info('Who');
    const since = info('Created')?.replace(/\.\d+/, '');
    this.holder = who && since ? `${who} since ${since}` : who;
  }

  override get headline(): string {
    return `state is locked by another run${this.holder ? ` (${this.holder})` : ''}`;
  }
}

const LOCK_FAILURE = /Error acquiring the state lock/;

async function step<T>(name: TerraformStep, cwd: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof OpsError)) throw error;
    const locked = error instanceof CommandError && LOCK_FAILURE.test(error.stderrTail);
    throw new TerraformStepError(name, locked ? new StateLockedError(cwd, error) : error);
  }
}

export async function terraformInit(runner: Runner, stack: StackEntry, env: NodeJS.ProcessEnv): Promise<void> {
  await runChecked(runner, 'terraform', ['init', '-input=false', '-no-color'], { cwd: stack.workingDirectory, env });
}

/** init, plan -out, show -json. `refreshOnly` makes it a drift check (plan -refresh-only). */
export async function planStack(
  runner: Runner,
  stack: StackEntry,
  env: NodeJS.ProcessEnv,
  refreshOnly = false,
): Promise<SavedPlan> {
  const cwd = stack.workingDirectory;
  const planFile = refreshOnly ? 'drift.tfplan' : 'tfplan';
  await step('init', cwd, () => terraformInit(runner, stack, env));
  const args = [
    'plan',
    '-input=false',
    '-no-color',
    '-detailed-exitcode',
    ...(refreshOnly ? ['-refresh-only'] : []),
    `-out=${planFile}`,
  ];
  const { code } = await step(refreshOnly ? 'refresh' : 'plan', cwd, () =>
    runChecked(runner, 'terraform', args, { cwd, env }, [0, 2]),
  );
  const { stdout } = await step('show', cwd, () =>
    runChecked(runner, 'terraform', ['show', '-json', '-no-color', planFile], { cwd, env }),
  );
  return { exitCode: code, jsonText: stdout, plan: parsePlanJson(stdout, `${stack.name}: ${join(cwd, planFile)}`) };
}
