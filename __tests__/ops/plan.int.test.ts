/**
 * `npm run plan` against the stub terraform: the real command code, real child processes, fixture
 * plan JSON in Terraform's documented format. Only what real Terraform cannot produce here (AWS
 * resource diffs, several stacks, odd tool failures); the rest runs against real terraform in
 * real-terraform.int.test.ts.
 */
import { chmodSync, copyFileSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { planMain } from '../../ops/plan';
import { ensurePythonTool } from '../../testkit/python-tools';
import { expectNoSecrets, makeWorkspace, runInProcess, type StackScenario, type Workspace } from './support/workspace';

// Each stub call is a node process; on a loaded 2-core machine a test takes seconds, not milliseconds.
jest.setTimeout(60_000);

const ALL: Record<string, StackScenario> = {
  'app-state': { plan: 'no-op.json' },
  'app-network': { plan: 'create.json' },
  'app-platform': { plan: 'update.json' },
  'app-notify': { plan: 'no-op.json' },
  'app-trigger': { plan: 'replace.json' },
};

let ws: Workspace;
let checkov: string;
afterEach(() => ws?.cleanup());

// One-time install (minutes on a cold machine), outside any test's time.
beforeAll(() => {
  checkov = ensurePythonTool('checkov');
}, 20 * 60_000);

describe('npm run plan (stub terraform)', () => {
  it('plans every stack in dependency order, summarizes, writes files and exits 2 on changes', async () => {
    ws = makeWorkspace(ALL);
    const run = await runInProcess(planMain, ['--skip-synth'], ws);
    expect(run.code).toBe(2);

    const planned = ws
      .calls()
      .filter((c) => c.argv[0] === 'plan')
      .map((c) => c.stack);
    expect(planned).toEqual(['app-state', 'app-network', 'app-platform', 'app-notify', 'app-trigger']);
    const stateCalls = ws
      .calls()
      .filter((c) => c.stack === 'app-state')
      .map((c) => c.argv.slice(0, 2).join(' '));
    expect(stateCalls).toEqual(['init -input=false', 'plan -input=false', 'show -json']);
    expect(ws.calls().find((c) => c.argv[0] === 'plan')!.argv).toContain('-out=tfplan');

    const out = run.stdout;
    // Destructive and security-relevant changes come before the per-stack table.
    expect(out.indexOf('REVIEW FIRST')).toBeLessThan(out.indexOf('STACK'));
    expect(out).toMatch(
      /\[app-trigger\] -\/\+ aws_lambda_function\.trigger \(replace; forces replacement: architectures\)\s+DESTRUCTIVE/,
    );
    expect(out).toContain(
      '[app-trigger] +/- aws_cloudwatch_event_rule.pull_request (replace; forces replacement: name)  DESTRUCTIVE',
    );
    expect(out).toMatch(
      /\[app-platform\] ~\s+aws_iam_role_policy\.task \(update; IAM; changes: policy\.Statement\[0\]\.Action\[1\]\)/,
    );
    expect(out).toMatch(/app-network\s+3\s+0\s+0\s+0\s+changes/);
    expect(out).toMatch(/app-state\s+0\s+0\s+0\s+0\s+no changes/);
    expect(out).toMatch(/app-trigger\s+0\s+1\s+2\s+1\s+changes/);
    expect(out).toContain('note: 1 resource changed outside Terraform');
    expect(out).toContain('!!! policy gate not run: checkov not found');
    expect(run.stderr).toContain('WARNING: policy gate not run: checkov not found');
    expect(out).toContain('RESULT: changes in 3 of 5 stacks, policy gate NOT RUN -> exit 2');

    const summary = JSON.parse(readFileSync(join(ws.dir, 'cdktf.out/plans/summary.json'), 'utf8'));
    expect(summary).toMatchObject({
      result: 'changes',
      exitCode: 2,
      order: ['app-state', 'app-network', 'app-platform', 'app-notify', 'app-trigger'],
    });
    expect(summary.stacks.find((s: { stack: string }) => s.stack === 'app-platform').plan.counts).toMatchObject({
      update: 3,
      create: 0,
    });
    const planFile = join(ws.dir, 'cdktf.out/plans/app-platform.plan.json');
    expect(JSON.parse(readFileSync(planFile, 'utf8')).format_version).toBe('1.2');
    expect(statSync(planFile).mode & 0o777).toBe(0o600);
    // The plan file itself holds the secret (as Terraform's does); nothing printed or summarized may.
    const planText = readFileSync(planFile, 'utf8');
    expect(ws.secrets.filter((secret) => planText.includes(secret))).toHaveLength(2);
    expectNoSecrets(
      ws,
      run.stdout,
      run.stderr,
      readFileSync(join(ws.dir, 'cdktf.out/plans/summary.txt'), 'utf8'),
      JSON.stringify(summary),
    );
  });

  it('keeps going when a stack fails, reports every stack and exits 1', async () => {
    ws = makeWorkspace({
      ...ALL,
      'app-network': { plan: 'create.json', fail: 'plan', failMessage: 'error configuring S3 Backend: AccessDenied' },
    });
    const run = await runInProcess(planMain, ['--skip-synth'], ws);
    expect(run.code).toBe(1);
    expect(
      ws
        .calls()
        .filter((c) => c.argv[0] === 'show')
        .map((c) => c.stack),
    ).toEqual(['app-state', 'app-platform', 'app-notify', 'app-trigger']);
    expect(run.stdout).toMatch(/app-network\s+-\s+-\s+-\s+-\s+NOT PLANNED/);
    expect(run.stdout).toContain('app-network: not planned: plan failed: error configuring S3 Backend: AccessDenied');
    expect(existsSync(join(ws.dir, 'cdktf.out/plans/app-network.plan.json'))).toBe(false);
    expect(run.stdout).toContain(
      '    `terraform plan -input=false -no-color -detailed-exitcode -out=tfplan` exited with 1',
    );
    expect(run.stdout).toContain('Error: error configuring S3 Backend: AccessDenied');
    expect(run.stdout).toContain('note: depends on app-network (pending or failed)');
    expect(run.stdout).toMatch(/app-trigger\s+0\s+1\s+2\s+1\s+changes/);
    expect(run.stdout).toContain('plan JSON for 4 planned stacks in cdktf.out/plans/');
    expect(run.stdout).toContain(
      'RESULT: changes in 2 of 4 planned stacks, 1 of 5 stacks NOT PLANNED, policy gate NOT RUN -> exit 1',
    );
  });

  it('plans only the stacks named with --stack and prints JSON with --json', async () => {
    ws = makeWorkspace(ALL);
    const run = await runInProcess(
      planMain,
      ['--skip-synth', '--stack', 'app-trigger', '--stack', 'app-state', '--json', '--out', 'review'],
      ws,
    );
    expect(run.code).toBe(2);
    expect([...new Set(ws.calls().map((c) => c.stack))]).toEqual(['app-state', 'app-trigger']);
    const report = JSON.parse(run.stdout);
    expect(report.order).toEqual(['app-state', 'app-trigger']);
    expect(report.attention[0]).toMatchObject({
      stack: 'app-trigger',
      address: 'aws_lambda_function.trigger',
      action: 'replace',
      destructive: true,
    });
    expect(JSON.parse(readFileSync(join(ws.dir, 'review/summary.json'), 'utf8'))).toEqual(report);
  });

  it('fails a stack whose plan JSON has an unknown format version, and an unknown --stack', async () => {
    ws = makeWorkspace({ ...ALL, 'app-notify': { plan: 'bad-format.json' } });
    const bad = await runInProcess(planMain, ['--skip-synth'], ws);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('unsupported format_version "2.0" (expected 1.x)');
    const unknown = await runInProcess(planMain, ['--skip-synth', '--stack', 'nope'], ws);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('error: unknown stack "nope"');
  });

  it('stops with exit 1 when synth fails', async () => {
    ws = makeWorkspace({ 'app-state': { plan: 'no-op.json' } });
    copyFileSync(join(__dirname, 'support', 'stub-recorder.js'), join(ws.bin, 'npx'));
    chmodSync(join(ws.bin, 'npx'), 0o755);
    const failed = await runInProcess(planMain, ['--stack', 'app-state'], ws, { STUB_FAIL: 'npx' });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`error: \`npx cdktf synth --output ${join(ws.dir, 'cdktf.out')}\` exited with 1`);
    expect(ws.calls()).toEqual([]);
  });

  it('reports every stack when terraform is not installed', async () => {
    ws = makeWorkspace(ALL);
    rmSync(join(ws.bin, 'terraform'));
    const run = await runInProcess(planMain, ['--skip-synth'], ws);
    expect(run.code).toBe(1);
    expect(
      run.stdout.match(/not planned: init failed: .* could not be started \(is terraform installed and on PATH\?\)/g),
    ).toHaveLength(5);
    expect(run.stdout).toContain('RESULT: NOTHING PLANNED: 5 of 5 stacks not planned, policy gate NOT RUN -> exit 1');
    expect(run.stdout).not.toContain('no changes');
  });

  it('rejects a manifest with a dependency cycle', async () => {
    ws = makeWorkspace(ALL);
    const manifestPath = join(ws.dir, 'cdktf.out/manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    manifest.stacks['app-state'].dependencies = ['app-trigger'];
    writeFileSync(manifestPath, JSON.stringify(manifest));
    const run = await runInProcess(planMain, ['--skip-synth'], ws);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/error: dependency cycle between stacks: app-trigger -> .*app-state -> app-trigger/);
    expect(ws.calls()).toEqual([]);
  });

  it('reports checkov results and fails on them with --fail-on-checkov', async () => {
    ws = makeWorkspace({ 'app-state': { plan: 'no-op.json' }, 'app-network': { plan: 'create.json' } });
    const fakeCheckov = join(ws.bin, 'checkov');
    const report = {
      check_type: 'terraform_plan',
      results: {
        failed_checks: [
          {
            check_id: 'CKV_AWS_23',
            check_name: 'Ensure every security group and rule has a description',
            resource: 'aws_vpc_security_group_egress_rule.https',
          },
        ],
      },
      summary: { passed: 4, failed: 1, skipped: 0 },
    };
    writeFileSync(
      fakeCheckov,
      `#!/usr/bin/env node\nprocess.stdout.write(${JSON.stringify(JSON.stringify(report))});process.exit(1);\n`,
      { mode: 0o755 },
    );
    const run = await runInProcess(planMain, ['--skip-synth', '--stack', 'app-network'], ws);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('app-network (plan JSON): 4 passed, 1 failed, 0 skipped');
    expect(run.stdout).toContain('CKV_AWS_23 aws_vpc_security_group_egress_rule.https');
    const strict = await runInProcess(planMain, ['--skip-synth', '--stack', 'app-network', '--fail-on-checkov'], ws);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('1 failed checkov check -> exit 1');
  });

  it('fails with --fail-on-checkov when the policy gate cannot run', async () => {
    ws = makeWorkspace({ 'app-state': { plan: 'no-op.json' } });
    const run = await runInProcess(planMain, ['--skip-synth', '--stack', 'app-state', '--fail-on-checkov'], ws);
    expect(run.stdout).toContain('!!! policy gate not run: checkov not found');
    expect(run.stdout).toContain('RESULT: no changes, policy gate NOT RUN -> exit 1');
    expect(run.code).toBe(1);
  });

  it('runs real checkov on the plan JSON', async () => {
    ws = makeWorkspace({ 'app-network': { plan: 'create.json' } });
    const run = await runInProcess(
      planMain,
      ['--skip-synth', '--stack', 'app-network', '--checkov', checkov, '--json'],
      ws,
      { PATH: `${ws.bin}:/usr/bin:/bin` },
    );
    const checked = JSON.parse(run.stdout).stacks[0].checkov;
    expect(checked.status).toBe('ran');
    expect(checked.passed + checked.failed).toBeGreaterThan(0);
    expect(checked.failedChecks.map((c: { id: string }) => c.id)).toContain('CKV_AWS_23');
  });
});
