/**
 * `npm run plan` and `npm run drift` end to end with the real terraform binary: the fixture CDKTF app
 * (fixtures/app: the project's own stack base and S3 backend) synthesized by cdktf, providers from the
 * offline mirror (testkit/terraform.ts), state in a moto bucket. The scenario runs in order: cannot
 * plan → plan → apply → no drift → drift → state locked by another run.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePythonTool } from '../../testkit/python-tools';
import { FIXTURE_ENV } from './fixtures/app/settings';
import { FIXTURE_APP, FIXTURE_STACKS, startFixture, stateKey, type FixtureRun } from './support/fixture-app';
import { runOps, type CliRun } from './support/workspace';

// cdktf synth and terraform on a loaded 2-core machine: each step takes seconds to a minute.
jest.setTimeout(5 * 60_000);

const [CLOCK, FILES] = FIXTURE_STACKS;
const STATE_KEYS = FIXTURE_STACKS.map(stateKey);

let fx: FixtureRun;
let checkov: string;

const stackDir = (stack: string) => join(fx.dir, 'cdktf.out', 'stacks', stack);
const ops = (command: 'plan' | 'drift', ...argv: string[]): CliRun =>
  runOps(
    command,
    ['--cdktf-out', join(fx.dir, 'cdktf.out'), '--out', join(fx.dir, command), ...argv],
    FIXTURE_APP,
    fx.env,
  );
const keys = async () => (await fx.s3.list()).map((o) => o.key).sort();
const stateObjects = async () => (await fx.s3.list()).filter((o) => STATE_KEYS.includes(o.key));
const row = (stack: string, counts: string, result: string) =>
  new RegExp(`${stack}\\s+${counts.split(' ').join('\\s+')}\\s+${result}`);

function expectSecretKept(...texts: string[]): void {
  for (const text of texts) expect(text).not.toContain(fx.secret);
}

beforeAll(async () => {
  // One-time installs (minutes on a cold machine), outside any test's time.
  checkov = ensurePythonTool('checkov');
  fx = await startFixture('leakscan-opsfix-state');
}, 20 * 60_000);

afterAll(async () => {
  await fx?.stop();
});

describe('npm run plan / drift with real terraform and the S3 backend on moto', () => {
  it('says the stacks were not planned when the state bucket is missing, and still runs the policy gate', () => {
    const noBucket = { ...fx.env, [FIXTURE_ENV.bucket]: 'leakscan-opsfix-missing' };
    const out = join(fx.dir, 'unplanned');
    const argv = ['--cdktf-out', join(out, 'cdktf.out'), '--out', join(out, 'plans')];
    const run = runOps('plan', [...argv, '--checkov', checkov], FIXTURE_APP, noBucket);
    expect(run.code).toBe(1);
    for (const stack of FIXTURE_STACKS) {
      expect(run.stdout).toMatch(row(stack, '- - - -', 'NOT PLANNED'));
      expect(run.stdout).toMatch(
        new RegExp(`${stack}: not planned: init failed: .*S3 bucket "leakscan-opsfix-missing" does not exist`),
      );
      expect(run.stdout).toContain(`${stack} (synthesized JSON): ran; no checkov check applies to these resources`);
      expect(existsSync(join(out, 'plans', `${stack}.plan.json`))).toBe(false);
    }
    expect(run.stdout).toContain('no plan JSON was written: no stack was planned');
    expect(run.stdout).toContain('RESULT: NOTHING PLANNED: 2 of 2 stacks not planned -> exit 1');
    expect(run.stdout).not.toMatch(/no changes|plan JSON for/);

    // Without checkov the gate's absence is a line of its own, not an empty section.
    const noCheckov = runOps('plan', [...argv, '--skip-synth'], FIXTURE_APP, {
      ...noBucket,
      PATH: '/usr/local/bin:/usr/bin:/bin',
    });
    expect(noCheckov.code).toBe(1);
    expect(noCheckov.stdout).toMatch(/CHECKOV \(policy gate\)\n {2}!!! policy gate not run: checkov not found on PATH/);
    expect(noCheckov.stdout).toContain(
      'RESULT: NOTHING PLANNED: 2 of 2 stacks not planned, policy gate NOT RUN -> exit 1',
    );
    expectSecretKept(run.stdout, run.stderr, noCheckov.stdout, noCheckov.stderr);
  });

  it('plans the fixture app in dependency order: real plan JSON, the creates in the summary, checkov on it', () => {
    const run = ops('plan', '--checkov', checkov);
    expect(run.stderr).toContain(`stacks in dependency order: ${CLOCK} -> ${FILES}`);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(row(CLOCK, '1 0 0 0', 'changes'));
    expect(run.stdout).toMatch(row(FILES, '3 0 0 0', 'changes'));
    for (const address of [
      'local_file.report',
      'local_file.credentials',
      'time_static.created',
      'terraform_data.marker',
    ]) {
      expect(run.stdout).toContain(`+   ${address} (create)`);
    }
    expect(run.stdout).toContain(`note: depends on ${CLOCK} (pending or failed)`);
    for (const stack of FIXTURE_STACKS)
      expect(run.stdout).toContain(`${stack} (plan JSON): ran; no checkov check applies to these resources`);
    expect(run.stdout).toContain('RESULT: changes in 2 of 2 stacks -> exit 2');

    const planJson = readFileSync(join(fx.dir, 'plan', `${FILES}.plan.json`), 'utf8');
    expect(JSON.parse(planJson).terraform_version).toMatch(/^1\.\d+\./);
    // The plan file holds the sensitive value (as Terraform's does); nothing printed or summarized may.
    expect(planJson).toContain(fx.secret);
    expectSecretKept(run.stdout, run.stderr, readFileSync(join(fx.dir, 'plan', 'summary.json'), 'utf8'));
  });

  it('applies the plans: the state lands in the moto bucket, and a new plan has no changes', async () => {
    for (const stack of FIXTURE_STACKS) {
      execFileSync('terraform', ['apply', '-input=false', '-no-color', 'tfplan'], {
        cwd: stackDir(stack),
        env: fx.env,
        stdio: 'pipe',
      });
    }
    expect(readFileSync(fx.managedFile, 'utf8')).toBe('managed by leakscan ops tests\n');
    expect(await keys()).toEqual(STATE_KEYS);
    const state = JSON.parse(await fx.s3.getText(stateKey(FILES)));
    const addresses = state.resources.map((r: { type: string; name: string }) => `${r.type}.${r.name}`).sort();
    expect(addresses).toEqual(['local_file.credentials', 'local_file.report', 'terraform_data.marker']);

    const again = ops('plan', '--skip-synth', '--checkov', checkov);
    expect(again.code).toBe(0);
    for (const stack of FIXTURE_STACKS) expect(again.stdout).toMatch(row(stack, '0 0 0 0', 'no changes'));
    expect(again.stdout).toContain('RESULT: no changes -> exit 0');
  });

  it('finds no drift (exit 0), then names a file deleted outside Terraform (exit 2); state untouched', async () => {
    const clean = ops('drift', '--skip-synth');
    for (const stack of FIXTURE_STACKS) expect(clean.stdout).toContain(`${stack}: no drift`);
    expect(clean.stdout).toContain('RESULT: no drift -> exit 0');
    expect(clean.code).toBe(0);

    const before = await stateObjects();
    rmSync(fx.managedFile);
    const drifted = ops('drift', '--skip-synth');
    expect(drifted.stdout).toContain(`${CLOCK}: no drift`);
    expect(drifted.stdout).toContain(`${FILES}: DRIFT in 1 resource\n  - local_file.report: deleted outside Terraform`);
    expect(drifted.stdout).toContain('RESULT: 1 drifted resource in 1 stack -> exit 2');
    expect(drifted.code).toBe(2);
    expect(JSON.parse(readFileSync(join(fx.dir, 'drift', 'drift.json'), 'utf8'))).toMatchObject({
      result: 'drift',
      driftedResources: 1,
    });
    expect(await stateObjects()).toEqual(before);
    expectSecretKept(clean.stdout, drifted.stdout, drifted.stderr);
  });

  it('says the state is locked while another run holds the lock, and leaves state and lock alone', async () => {
    const lock = `${stateKey(FILES)}.tflock`;
    // `terraform console` holds the state lock for as long as its stdin stays open: another run.
    const holder: ChildProcess = spawn('terraform', ['console'], {
      cwd: stackDir(FILES),
      env: fx.env,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    const exited = new Promise((resolve) => holder.once('exit', resolve));
    try {
      while (!(await keys()).includes(lock)) {
        expect(holder.exitCode).toBeNull();
        await new Promise((r) => setTimeout(r, 200));
      }
      const before = await stateObjects();

      const drift = ops('drift', '--skip-synth');
      expect(drift.stdout).toContain(`${CLOCK}: no drift`);
      const holderLock = JSON.parse(await fx.s3.getText(lock));
      expect(drift.stdout).toContain(
        `${FILES}: NOT CHECKED: refresh failed: state is locked by another run (${holderLock.Who} since `,
      );
      expect(drift.stdout).toContain(
        `release the lock with \`terraform force-unlock ${holderLock.ID}\` in ${stackDir(FILES)}`,
      );
      expect(drift.stdout).toContain('RESULT: no drift, 1 of 2 stacks NOT CHECKED -> exit 1');
      expect(drift.code).toBe(1);

      const plan = ops('plan', '--skip-synth', '--checkov', checkov);
      expect(plan.stdout).toContain(`${FILES}: not planned: plan failed: state is locked by another run`);
      expect(plan.stdout).toContain('RESULT: no changes in the 1 planned stack, 1 of 2 stacks NOT PLANNED -> exit 1');
      expect(plan.code).toBe(1);

      expect(await stateObjects()).toEqual(before);
      expect(await keys()).toContain(lock);
    } finally {
      holder.stdin!.end();
      await exited;
    }
    expect(await keys()).toEqual(STATE_KEYS);
  });
});
