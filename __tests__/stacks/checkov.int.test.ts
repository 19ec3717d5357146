/**
 * Policy gate: checkov over every synthesized stack. Checkov runs WITHOUT the skip list, so one run
 * proves both directions: every failed check is one .checkov.yaml skips (with a reason), and every
 * skip is still needed by some configuration (no stale exceptions).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../config/load';
import { ensurePythonTool } from '../../testkit/python-tools';
import { ACCOUNT, CONCERNS, synthesize, testConfig } from './synth';

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
  return new Map([...section.matchAll(/^\s+-\s+(CKV2?_[A-Z]+_\d+)\s*(?:#\s*(.*))?$/gm)].map((m) => [m[1]!, (m[2] ?? '').trim()]));
}

function runCheckov(stacksDir: string): CheckovReport {
  // cwd is the temp dir so checkov cannot pick up ./.checkov.yaml; --skip-download keeps it offline.
  const run = spawnSync(ensurePythonTool('checkov'), ['-d', stacksDir, '--framework', 'terraform_json', '--skip-download', '--compact', '-o', 'json'], {
    cwd: stacksDir,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  // Exit code 1 only means "some check failed"; anything else is checkov itself failing.
  if (run.status !== 0 && run.status !== 1) throw new Error(`checkov exited ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as CheckovReport;
}

const configs = {
  'config/dev.json': () => loadConfig('dev'),
  'watched repositories, e-mails, existing VPC, Spot': () =>
    testConfig({
      repositories: ['payments-service'],
      notifications: { findingsEmails: ['security@example.com'], opsEmails: ['oncall@example.com'] },
      network: { mode: 'existing', vpcId: 'vpc-0123456789abcdef0', subnetIds: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'] },
      scanner: { capacityStrategy: 'FARGATE_SPOT', image: { repository: `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/leakscan` } },
    }),
};

describe('checkov policy gate', () => {
  const skips = skipList();
  const failedIds = new Set<string>();

  it('gives every skipped check a written reason', () => {
    expect(skips.size).toBeGreaterThan(0);
    for (const [id, reason] of skips) expect({ id, reason: reason.length >= 30 }).toEqual({ id, reason: true });
  });

  it.each(Object.entries(configs))(
    '%s: every stack scanned, no failed check outside the skip list',
    (_name, makeConfig) => {
      const config = makeConfig();
      const { outdir } = synthesize(config);
      const report = runCheckov(join(outdir, 'stacks'));
      expect(report.summary.parsing_errors).toBe(0);
      const scanned = new Set(report.results.passed_checks.map((c) => c.file_path.split('/').at(-2)));
      expect([...scanned].sort()).toEqual(CONCERNS.map((c) => `leakscan-${config.environment}-${c}`));
      const unexpected = report.results.failed_checks.filter((c) => !skips.has(c.check_id)).map((c) => `${c.check_id} ${c.resource} (${c.file_path})`);
      expect(unexpected).toEqual([]);
      for (const c of report.results.failed_checks) failedIds.add(c.check_id);
    },
    15 * MINUTES,
  );

  it('has no stale skip: each one is needed by at least one configuration', () => {
    expect([...skips.keys()].filter((id) => !failedIds.has(id))).toEqual([]);
  });
});
