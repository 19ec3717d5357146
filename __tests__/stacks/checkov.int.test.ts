/**
 * Policy gate: checkov over every synthesized stack. Checkov runs WITHOUT the skip list, so one run
 * proves both directions: every failed check is one .checkov.yaml skips (with a reason), and every
 * skip is still needed by some configuration (no stale exceptions).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensurePythonTool } from '../../testkit/python-tools';
import { GATE_CONFIGS } from './support/gate-configs';
import { CONCERNS, synthesize } from './synth';

const ROOT = resolve(__dirname, '..', '..');
const MINUTES = 60_000;

interface CheckResult {
  check_id: string;
  file_path: string;
  resource: string;
}
interface CheckovReport {
  summary: { passed: number; failed: number; parsing_errors: number };
  results: { passed_checks: CheckResult[]; failed_checks: CheckResult[] };
}

/** The `- CKV_…  # reason` lines of .checkov.yaml's skip-check list. */
function skipList(): Map<string, string> {
  const text = readFileSync(join(ROOT, '.checkov.yaml'), 'utf8');
  const section = text.slice(text.indexOf('skip-check:'));
  return new Map(
    [...section.matchAll(/^\s+-\s+(CKV2?_[A-Z]+_\d+)\s*(?:#\s*(.*))?$/gm)].map((m) => [m[1]!, (m[2] ?? '').trim()]),
  );
}

/**
 * checkov 3.3.30's terraform_json parser fails on `terraform.required_version` (a string where it
 * expects blocks: bridgecrewio/checkov#7454) and then scans nothing, so it reads copies without that
 * one attribute; the last test notices when checkov no longer needs this.
 */
function withoutRequiredVersion(stacksDir: string): string {
  const copy = mkdtempSync(join(tmpdir(), 'leakscan-checkov-'));
  cpSync(stacksDir, copy, { recursive: true });
  for (const stack of readdirSync(copy)) {
    const file = join(copy, stack, 'cdk.tf.json');
    const json = JSON.parse(readFileSync(file, 'utf8')) as { terraform: { required_version?: string } };
    delete json.terraform.required_version;
    writeFileSync(file, JSON.stringify(json, null, 2));
  }
  return copy;
}

function runCheckov(checkov: string, stacksDir: string): CheckovReport {
  // cwd is the temp dir so checkov cannot pick up ./.checkov.yaml; --skip-download keeps it offline.
  const run = spawnSync(
    checkov,
    ['-d', stacksDir, '--framework', 'terraform_json', '--skip-download', '--compact', '-o', 'json'],
    {
      cwd: stacksDir,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  // Exit code 1 only means "some check failed"; anything else is checkov itself failing.
  if (run.status !== 0 && run.status !== 1) throw new Error(`checkov exited ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as CheckovReport;
}

describe('checkov policy gate', () => {
  const skips = skipList();
  const failedIds = new Set<string>();
  let checkov: string;

  // Installing is slow on a cold cache; it is not part of any test's time.
  beforeAll(() => {
    checkov = ensurePythonTool('checkov');
  }, 15 * MINUTES);

  it('gives every skipped check a written reason', () => {
    expect(skips.size).toBeGreaterThan(0);
    for (const [id, reason] of skips) expect({ id, reason: reason.length >= 30 }).toEqual({ id, reason: true });
  });

  it.each(Object.entries(GATE_CONFIGS))(
    '%s: every stack scanned, no failed check outside the skip list',
    (_name, makeConfig) => {
      const config = makeConfig();
      const { outdir } = synthesize(config);
      const report = runCheckov(checkov, withoutRequiredVersion(join(outdir, 'stacks')));
      expect(report.summary.parsing_errors).toBe(0);
      const scanned = new Set(report.results.passed_checks.map((c) => c.file_path.split('/').at(-2)));
      expect([...scanned].sort()).toEqual(CONCERNS.map((c) => `leakscan-${config.environment}-${c}`));
      const unexpected = report.results.failed_checks
        .filter((c) => !skips.has(c.check_id))
        .map((c) => `${c.check_id} ${c.resource} (${c.file_path})`);
      expect(unexpected).toEqual([]);
      for (const c of report.results.failed_checks) failedIds.add(c.check_id);
    },
    15 * MINUTES,
  );

  it('has no stale skip: each one is needed by at least one configuration', () => {
    expect([...skips.keys()].filter((id) => !failedIds.has(id))).toEqual([]);
  });

  it(
    'still needs the required_version workaround: checkov cannot parse the stacks as synthesized',
    () => {
      const { outdir } = synthesize(GATE_CONFIGS['config/dev.json']!());
      expect(runCheckov(checkov, join(outdir, 'stacks')).summary.parsing_errors).toBe(CONCERNS.length);
    },
    5 * MINUTES,
  );
});
