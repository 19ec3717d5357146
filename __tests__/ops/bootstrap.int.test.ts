/** `npm run bootstrap` against the stub terraform: finds the state stack, plans, applies, prints the backend. */
import { bootstrapMain } from '../../ops/bootstrap';
import { makeWorkspace, runInProcess, type StackScenario, type Workspace } from './support/workspace';

// Each stub call is a node process; on a loaded 2-core machine a test takes seconds, not milliseconds.
jest.setTimeout(60_000);

const OUTPUTS = {
  'state-bucket': { value: 'leakscan-test-tfstate', type: 'string' },
  'state-key-alias': { value: 'alias/leakscan-test-state', type: 'string' },
};
const LOCAL = { local: { path: '../../../terraform.app-state.tfstate' } };
const STATE: StackScenario = { plan: 'create.json', outputs: OUTPUTS, backend: LOCAL };

let ws: Workspace;
afterEach(() => ws?.cleanup());

describe('npm run bootstrap (stub terraform)', () => {
  it('plans only the stack without an S3 backend and stops for review without --auto-approve', async () => {
    ws = makeWorkspace({ 'app-state': STATE });
    const run = await runInProcess(bootstrapMain, ['--skip-synth'], ws);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `bootstrap stack: app-state (local backend, state file ${ws.dir}/terraform.app-state.tfstate)`,
    );
    expect(run.stderr).toContain('plan: 3 to create, 0 to update, 0 to replace, 0 to delete');
    expect(run.stderr).toContain('run again with --auto-approve');
    expect(ws.calls().map((c) => `${c.stack} ${c.argv[0]}`)).toEqual([
      'app-state init',
      'app-state plan',
      'app-state show',
    ]);
  });

  it('applies the reviewed plan with --auto-approve and prints the backend settings the other stacks use', async () => {
    ws = makeWorkspace({ 'app-state': STATE });
    const run = await runInProcess(bootstrapMain, ['--skip-synth', '--auto-approve'], ws);
    expect(run.code).toBe(0);
    expect(ws.calls().map((c) => c.argv.join(' '))).toEqual([
      'init -input=false -no-color',
      'plan -input=false -no-color -detailed-exitcode -out=tfplan',
      'show -json -no-color tfplan',
      'apply -input=false -no-color tfplan',
      'output -json -no-color',
    ]);
    expect(new Set(ws.calls().map((c) => c.stack))).toEqual(new Set(['app-state']));
    expect(run.stderr).toContain('Apply complete! Resources: 3 added, 0 changed, 0 destroyed.');
    expect(run.stdout).toContain('S3 backend settings used by 4 stacks:');
    expect(run.stdout).toContain('bucket       = "leakscan-test-tfstate"');
    expect(run.stdout).toContain('key prefix   = "leakscan/"');
    expect(run.stdout).toContain('region       = "us-east-1"');
    expect(run.stdout).toContain('kms_key_id   = "alias/leakscan-test-state"');
    expect(run.stdout).toContain('use_lockfile = true');
    expect(run.stdout).toContain('app-trigger: leakscan/app-trigger.tfstate');
    expect(run.stdout).not.toContain('PROBLEMS');
  });

  it('skips apply when the bootstrap stack is up to date, and reports a bucket the stacks do not use', async () => {
    const outputs = { ...OUTPUTS, 'state-bucket': { value: 'some-other-bucket', type: 'string' } };
    ws = makeWorkspace({ 'app-state': { ...STATE, plan: 'no-op.json', outputs } });
    const run = await runInProcess(bootstrapMain, ['--skip-synth', '--json'], ws);
    expect(run.code).toBe(1);
    expect(ws.calls().some((c) => c.argv[0] === 'apply')).toBe(false);
    expect(run.stderr).toContain('bootstrap stack is up to date');
    const report = JSON.parse(run.stdout);
    expect(report.bootstrapStack).toBe('app-state');
    expect(report.problems).toEqual([
      'bucket: bootstrap output "some-other-bucket" but stacks use "leakscan-test-tfstate"',
    ]);
  });

  it('asks for --stack when the bootstrap stack cannot be told apart, and honours it', async () => {
    ws = makeWorkspace({ 'app-state': STATE, 'app-notify': { backend: LOCAL } });
    const ambiguous = await runInProcess(bootstrapMain, ['--skip-synth'], ws);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toContain('several stacks have no S3 backend (app-state, app-notify); pass --stack NAME');
    expect(ws.calls()).toEqual([]);
    const chosen = await runInProcess(bootstrapMain, ['--skip-synth', '--stack', 'app-state', '--auto-approve'], ws);
    expect(chosen.code).toBe(0);
    expect(chosen.stdout).toContain('S3 backend settings used by 3 stacks:');
  });
});
