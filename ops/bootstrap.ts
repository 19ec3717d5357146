/**
 * npm run bootstrap [-- --auto-approve] [--stack NAME] [--skip-synth] [--cdktf-out DIR] [--json]
 *
 * Synthesizes, finds the state bootstrap stack (the one stack without an S3 backend, or --stack),
 * plans it and — with --auto-approve, after you have read that plan — applies it. Then prints the
 * backend settings (bucket, key prefix, region, KMS key, use_lockfile) the other stacks use.
 * Exit 0 done, 2 changes planned but not applied (no --auto-approve), 1 error.
 */
import { resolve } from 'node:path';
import {
  findBootstrapStack,
  readBackend,
  settingsFromOutputs,
  sharedBackendSettings,
  type BackendSettings,
  type TerraformOutputs,
} from './lib/backend';
import { loadStacks, parseFlags, runMain, terraformEnv, type CliIo } from './lib/cli';
import { EXIT } from './lib/outcome';
import { PlanFormatError } from './lib/errors';
import { plural } from './lib/format';
import { runChecked } from './lib/runner';
import { planStack } from './lib/terraform';
import { attentionItems, summarizePlan } from './lib/plan-summary';

const FIELDS: [keyof BackendSettings, string][] = [
  ['bucket', 'bucket'],
  ['keyPrefix', 'key prefix'],
  ['region', 'region'],
  ['kmsKeyId', 'kms_key_id'],
  ['encrypt', 'encrypt'],
  ['useLockfile', 'use_lockfile'],
];

type Stack = Awaited<ReturnType<typeof loadStacks>>[number];
type Backend = ReturnType<typeof readBackend>;

/**
 * Plans the bootstrap stack and applies that saved plan when approved. Returns false when changes wait
 * for `--auto-approve` (nothing applied).
 */
async function planAndApply(io: CliIo, stack: Stack, env: NodeJS.ProcessEnv, approved: boolean): Promise<boolean> {
  const saved = await planStack(io.runner, stack, env);
  if (saved.exitCode !== 2) {
    io.stderr('bootstrap stack is up to date; nothing to apply');
    return true;
  }
  const summary = summarizePlan(stack.name, saved.plan, 'tfplan');
  const c = summary.counts;
  io.stderr(`plan: ${c.create} to create, ${c.update} to update, ${c.replace} to replace, ${c.delete} to delete`);
  for (const item of attentionItems([summary])) io.stderr(`  review: ${item.address} (${item.action})`);
  if (!approved) {
    io.stderr(
      `not applied: read the plan (terraform -chdir=${stack.workingDirectory} show tfplan), then run again with --auto-approve`,
    );
    return false;
  }
  // Applying the saved plan applies exactly what was shown, nothing newer.
  const applied = await runChecked(io.runner, 'terraform', ['apply', '-input=false', '-no-color', 'tfplan'], {
    cwd: stack.workingDirectory,
    env,
  });
  const complete = applied.stdout
    .trim()
    .split('\n')
    .filter((l) => /^Apply complete/.test(l));
  io.stderr(complete.join('\n') || 'applied');
  return true;
}

/** The backend settings every S3 stack uses, with the bootstrap stack's outputs cross-checked against them. */
async function backendSettings(io: CliIo, stack: Stack, env: NodeJS.ProcessEnv, backends: Backend[]) {
  const { stdout } = await runChecked(io.runner, 'terraform', ['output', '-json', '-no-color'], {
    cwd: stack.workingDirectory,
    env,
  });
  let outputs: TerraformOutputs;
  try {
    outputs = JSON.parse(stdout) as TerraformOutputs;
  } catch (error) {
    throw new PlanFormatError(`${stack.name}: terraform output -json did not print JSON`, { cause: error });
  }
  const fromOutputs = settingsFromOutputs(outputs);
  const s3 = backends.filter((b) => b.type === 's3');
  const { settings: shared, conflicts } = sharedBackendSettings(s3);
  // What the stacks are synthesized with wins; the outputs fill gaps and are cross-checked.
  const settings: BackendSettings = {
    ...fromOutputs,
    ...Object.fromEntries(Object.entries(shared).filter(([, v]) => v !== undefined)),
  };
  const mismatches = FIELDS.filter(
    ([key]) => fromOutputs[key] !== undefined && shared[key] !== undefined && fromOutputs[key] !== shared[key],
  ).map(
    ([key, label]) =>
      `${label}: bootstrap output ${JSON.stringify(fromOutputs[key])} but stacks use ${JSON.stringify(shared[key])}`,
  );
  return { settings, s3, problems: [...conflicts.map((c) => `stacks disagree on ${c}`), ...mismatches] };
}

export const BOOTSTRAP_USAGE = `Usage: npm run bootstrap [-- --auto-approve] [--stack NAME] [--skip-synth] [--cdktf-out DIR] [--json]

Plans the state bootstrap stack (remote-state bucket and KMS key; its own state stays local). Without
--auto-approve it stops there and exits 2, so the plan can be read; with it, it applies exactly that plan,
then prints the backend settings the other stacks are synthesized with and checks them against the
stack's outputs.
Exit: 0 done, 2 planned only, 1 error or mismatch. Docs: docs/ops-reference.md`;

export async function bootstrapMain(argv: string[], io: CliIo): Promise<number> {
  const flags = parseFlags(argv, {
    stack: { type: 'string' },
    'skip-synth': { type: 'boolean' },
    'cdktf-out': { type: 'string' },
    'auto-approve': { type: 'boolean' },
    json: { type: 'boolean' },
  });
  const stacks = await loadStacks(io, { skipSynth: flags['skip-synth'], cdktfOut: flags['cdktf-out'] });
  const backends = stacks.map(readBackend);
  const bootstrap = findBootstrapStack(backends, flags.stack);
  const stack = stacks.find((s) => s.name === bootstrap.stack)!;
  const env = terraformEnv(io.env);
  const statePath =
    typeof bootstrap.settings.path === 'string' ? resolve(stack.workingDirectory, bootstrap.settings.path) : undefined;
  io.stderr(
    `bootstrap stack: ${stack.name} (${bootstrap.type} backend${statePath ? `, state file ${statePath}` : ''})`,
  );
  if (!(await planAndApply(io, stack, env, flags['auto-approve'] === true))) return EXIT.changes;

  const { settings, s3, problems } = await backendSettings(io, stack, env, backends);
  if (flags.json) {
    const stateKeys = s3.map((b) => ({ stack: b.stack, key: b.settings.key }));
    const report = { bootstrapStack: stack.name, stateFile: statePath, backend: settings, stacks: stateKeys, problems };
    io.stdout(JSON.stringify(report, null, 2));
  } else {
    const lines = [`S3 backend settings used by ${plural(s3.length, 'stack')}:`];
    for (const [key, label] of FIELDS)
      lines.push(`  ${label.padEnd(13)}= ${settings[key] === undefined ? '(not set)' : JSON.stringify(settings[key])}`);
    lines.push('', 'state keys:', ...s3.map((b) => `  ${b.stack}: ${String(b.settings.key)}`));
    if (statePath)
      lines.push('', `the bootstrap stack's own state is local: ${statePath} (back it up; it is not in the bucket)`);
    if (problems.length) lines.push('', 'PROBLEMS', ...problems.map((p) => `  ${p}`));
    io.stdout(lines.join('\n'));
  }
  return problems.length ? EXIT.error : EXIT.ok;
}

if (require.main === module) runMain(bootstrapMain, BOOTSTRAP_USAGE);
