/**
 * Lint gate: tflint's core Terraform rules (preset "all") over every synthesized stack. Like the checkov
 * gate, tflint runs WITHOUT the rules .tflint.hcl disables, so one run proves both directions: every
 * finding belongs to a rule disabled there with a reason, and every disabled rule is still needed.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GATE_CONFIGS } from './support/gate-configs';
import { ensureTflint } from './support/tflint';
import { CONCERNS, synthesize } from './synth';

const ROOT = resolve(__dirname, '..', '..');
const MINUTES = 60_000;
/** `rule "<name>" {`, a `# reason` line, `enabled = false`, `}`: the only way .tflint.hcl may disable a rule. */
const DISABLED_RULE = /^rule "(\w+)" \{\n\s*#\s*(.*)\n\s*enabled = false\n\}\n?/gm;

interface TflintReport {
  issues: Array<{ rule: { name: string }; message: string; range: { filename: string } }>;
  errors: Array<{ message: string }>;
}

function readTflintConfig(): { disabled: Map<string, string>; withoutDisabled: string } {
  const text = readFileSync(join(ROOT, '.tflint.hcl'), 'utf8');
  const disabled = new Map([...text.matchAll(DISABLED_RULE)].map((m) => [m[1]!, m[2]!.trim()]));
  return { disabled, withoutDisabled: text.replace(DISABLED_RULE, '') };
}

/** tflint in every directory under `dir`; the config path must be absolute (tflint changes directory). */
function runTflint(tflint: string, configFile: string, dir: string): TflintReport {
  const run = spawnSync(tflint, ['--recursive', `--chdir=${dir}`, `--config=${configFile}`, '--format=json'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  // 0: no issue, 2: issues found; anything else is tflint itself failing.
  if (run.status !== 0 && run.status !== 2) throw new Error(`tflint exited ${run.status}: ${run.stdout}${run.stderr}`);
  return JSON.parse(run.stdout) as TflintReport;
}

describe('tflint gate', () => {
  const { disabled, withoutDisabled } = readTflintConfig();
  const unsuppressedConfig = join(mkdtempSync(join(tmpdir(), 'leakscan-tflint-')), '.tflint.hcl');
  writeFileSync(unsuppressedConfig, withoutDisabled);
  const firedRules = new Set<string>();
  let tflint: string;

  // Building tflint takes minutes on a cold Go cache; it is not part of any test's time.
  beforeAll(() => {
    tflint = ensureTflint();
  }, 20 * MINUTES);

  it('disables rules only in blocks that give a written reason', () => {
    expect(disabled.size).toBeGreaterThan(0);
    for (const [rule, reason] of disabled)
      expect({ rule, reason: reason.length >= 30 }).toEqual({ rule, reason: true });
    expect(withoutDisabled).not.toMatch(/enabled\s*=\s*false/);
  });

  it.each(Object.entries(GATE_CONFIGS))(
    '%s: every stack linted, no finding outside the disabled rules',
    (_name, makeConfig) => {
      const config = makeConfig();
      const report = runTflint(tflint, unsuppressedConfig, join(synthesize(config).outdir, 'stacks'));
      expect(report.errors).toEqual([]);
      // Every stack has findings of the (disabled) naming rule, so each one shows up here when it was linted.
      const linted = new Set(report.issues.map((i) => i.range.filename.split('/').at(-2)));
      expect([...linted].sort()).toEqual(CONCERNS.map((c) => `leakscan-${config.environment}-${c}`));
      const unexpected = report.issues.filter((i) => !disabled.has(i.rule.name));
      expect(unexpected.map((i) => `${i.rule.name}: ${i.message} (${i.range.filename})`)).toEqual([]);
      for (const issue of report.issues) firedRules.add(issue.rule.name);
    },
    5 * MINUTES,
  );

  it('has no stale disabled rule: each one is needed by at least one configuration', () => {
    expect([...disabled.keys()].filter((rule) => !firedRules.has(rule))).toEqual([]);
  });

  it('flags a stack without required_version (what the gate was added for)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leakscan-tflint-bad-'));
    mkdirSync(join(dir, 'stack'));
    writeFileSync(join(dir, 'stack', 'cdk.tf.json'), JSON.stringify({ terraform: { backend: { local: {} } } }));
    const report = runTflint(tflint, join(ROOT, '.tflint.hcl'), dir);
    expect(report.issues.map((i) => i.rule.name)).toContain('terraform_required_version');
  });
});
