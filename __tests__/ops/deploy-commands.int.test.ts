/**
 * The deploy commands docs/operations.md documents, run as written against the fixture app (two
 * stacks, one depending on the other, like bootstrap and the rest): cdktf 0.21 has no `--all`, will
 * not deploy a stack without the stacks it depends on, and deploys `'*'` in dependency order.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { FIXTURE_APP, FIXTURE_STACKS, startFixture, stateKey, type FixtureRun } from './support/fixture-app';

jest.setTimeout(5 * 60_000);

const [CLOCK, FILES] = FIXTURE_STACKS;
let fx: FixtureRun;

/** `npx cdktf …` in the fixture app; output to the temp directory, already synthesized. */
function cdktf(...args: string[]): { code: number; output: string } {
  const run = spawnSync('npx', ['cdktf', ...args, '--output', join(fx.dir, 'cdktf.out')], {
    cwd: FIXTURE_APP,
    env: { ...fx.env, CI: '1', FORCE_COLOR: '0' },
    encoding: 'utf8',
    timeout: 4 * 60_000,
  });
  return { code: run.status ?? -1, output: `${run.stdout}${run.stderr}` };
}

beforeAll(async () => {
  fx = await startFixture('leakscan-opsfix-deploy');
  const synth = cdktf('synth');
  if (synth.code !== 0) throw new Error(`cdktf synth failed:\n${synth.output}`);
}, 20 * 60_000);

afterAll(async () => {
  await fx?.stop();
});

describe('cdktf deploy as docs/operations.md shows it', () => {
  it('lists the stacks by the names the docs use', () => {
    const list = cdktf('list');
    expect(list.code).toBe(0);
    expect(list.output).toMatch(new RegExp(`${CLOCK}[\\s\\S]*${FILES}`));
  });

  it('refuses a deploy without stack names, and --all is no such option', () => {
    for (const args of [[], ['--all']]) {
      const run = cdktf('deploy', '--skip-synth', ...args);
      expect(run.code).toBe(1);
      expect(run.output).toContain(
        'Found more than one stack, please specify a target stack. ' +
          `Run cdktf deploy <stack> with one of these stacks: ${CLOCK}, ${FILES}`,
      );
    }
  });

  it('refuses a stack whose dependency is not deployed in the same command', () => {
    const run = cdktf('deploy', '--skip-synth', '--auto-approve', FILES);
    expect(run.code).toBe(1);
    expect(run.output).toContain(`The following dependencies are not included in the stacks to run: ${CLOCK}`);
  });

  it("deploys '*' in dependency order; the ordered list, and one stack when told, then change nothing", async () => {
    // --skip-provider-lock: `terraform providers lock` asks the registry, unreachable here (not for users).
    const all = cdktf('deploy', '--skip-synth', '--auto-approve', '--skip-provider-lock', '*');
    expect(all.code).toBe(0);
    // The clock stack has one resource, the files stack three: clock's apply completes first.
    expect(all.output).toContain('Apply complete! Resources: 3 added');
    expect(all.output.indexOf('Apply complete! Resources: 1 added')).toBeGreaterThan(-1);
    expect(all.output.indexOf('Apply complete! Resources: 1 added')).toBeLessThan(
      all.output.indexOf('Apply complete! Resources: 3 added'),
    );
    expect((await fx.s3.list()).map((o) => o.key).sort()).toEqual(FIXTURE_STACKS.map(stateKey));

    const ordered = cdktf('deploy', '--skip-synth', '--auto-approve', '--skip-provider-lock', CLOCK, FILES);
    expect(ordered.code).toBe(0);
    expect(ordered.output.match(/No changes\. Your infrastructure matches the configuration\./g)).toHaveLength(2);

    const one = cdktf(
      'deploy',
      '--skip-synth',
      '--auto-approve',
      '--skip-provider-lock',
      '--ignore-missing-stack-dependencies',
      FILES,
    );
    expect(one.code).toBe(0);
    expect(one.output.match(/No changes\. Your infrastructure matches the configuration\./g)).toHaveLength(1);
  });
});
