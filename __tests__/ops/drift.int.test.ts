/**
 * `npm run drift` against the stub terraform (AWS resource drift, several stacks: what real Terraform
 * cannot produce here; the rest is in real-terraform.int.test.ts), and its SNS summary against moto.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { driftMain } from '../../ops/drift';
import { clientConfig, startMoto, type MotoServer } from '../../testkit/moto';
import {
  expectNoSecrets,
  makeWorkspace,
  runCli,
  runInProcess,
  type StackScenario,
  type Workspace,
} from './support/workspace';

// Each stub call is a node process; on a loaded 2-core machine a test takes seconds, not milliseconds.
jest.setTimeout(60_000);

const QUIET: StackScenario = { refresh: 'no-drift.json' };
const DRIFTED: Record<string, StackScenario> = {
  'app-state': QUIET,
  'app-network': QUIET,
  'app-platform': { refresh: 'drift.json' },
  'app-notify': QUIET,
  'app-trigger': QUIET,
};

let ws: Workspace;
afterEach(() => ws?.cleanup());

describe('npm run drift (stub terraform)', () => {
  it('reports drifted resources and changed attributes, never a sensitive value, and exits 2', async () => {
    ws = makeWorkspace(DRIFTED);
    const run = await runInProcess(driftMain, ['--skip-synth'], ws);
    expect(run.code).toBe(2);
    const plans = ws.calls().filter((c) => c.argv[0] === 'plan');
    expect(plans.map((c) => c.stack)).toEqual([
      'app-state',
      'app-network',
      'app-platform',
      'app-notify',
      'app-trigger',
    ]);
    expect(plans[0]!.argv).toEqual(
      expect.arrayContaining(['-refresh-only', '-detailed-exitcode', '-input=false', '-out=drift.tfplan']),
    );

    expect(run.stdout).toContain('app-state: no drift');
    expect(run.stdout).toContain('app-platform: DRIFT in 4 resources');
    expect(run.stdout).toContain('~ aws_security_group.scanner (security group): 6 attributes changed');
    expect(run.stdout).toContain('ingress[0].cidr_blocks[0]: null -> "0.0.0.0/0"');
    expect(run.stdout).toContain('secret_string: (sensitive value changed; not shown)');
    expect(run.stdout).toContain('environment[0].variables.WEBHOOK_TOKEN: (sensitive value changed; not shown)');
    expect(run.stdout).toContain('- aws_cloudwatch_log_group.scanner: deleted outside Terraform');
    // A key id in an unmarked tag is masked, keeping its first and last four characters.
    expect(run.stdout).toMatch(/tags\.Note: null -> "temporary key AKIA\*{12}[A-Z2-7]{4}"/);
    expect(run.stdout).not.toContain('placeholder-two');
    expect(run.stdout).toContain('RESULT: 4 drifted resources in 1 stack -> exit 2');

    const report = JSON.parse(readFileSync(join(ws.dir, 'cdktf.out/drift/drift.json'), 'utf8'));
    expect(report).toMatchObject({ result: 'drift', exitCode: 2, driftedResources: 4 });
    expectNoSecrets(
      ws,
      run.stdout,
      run.stderr,
      JSON.stringify(report),
      readFileSync(join(ws.dir, 'cdktf.out/drift/drift.txt'), 'utf8'),
    );
  });

  it('exits 1 when a stack fails, still checking the others', async () => {
    ws = makeWorkspace({
      ...DRIFTED,
      'app-network': {
        refresh: 'no-drift.json',
        fail: 'init',
        failMessage: 'Failed to get existing workspaces: AccessDenied',
      },
    });
    const failed = await runInProcess(driftMain, ['--skip-synth'], ws);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain(
      'app-network: NOT CHECKED: init failed: Failed to get existing workspaces: AccessDenied',
    );
    expect(failed.stdout).toContain('Failed to get existing workspaces: AccessDenied');
    expect(failed.stdout).toContain('app-platform: DRIFT in 4 resources');
    expect(failed.stdout).toContain('RESULT: 4 drifted resources in 1 stack, 1 of 5 stacks NOT CHECKED -> exit 1');
  });

  it('refuses a --publish-topic that is not an SNS topic ARN before running terraform', async () => {
    ws = makeWorkspace(DRIFTED);
    const run = await runInProcess(driftMain, ['--skip-synth', '--publish-topic', 'ops-topic'], ws);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--publish-topic must be an SNS topic ARN');
    expect(ws.calls()).toEqual([]);
  });

  describe('--publish-topic (moto)', () => {
    let moto: MotoServer;
    beforeAll(async () => {
      moto = await startMoto();
    }, 120_000);
    afterAll(() => moto?.stop());

    it('publishes the masked drift summary to the ops topic', async () => {
      ws = makeWorkspace(DRIFTED);
      const config = clientConfig(moto);
      const sns = new SNSClient(config);
      const sqs = new SQSClient(config);
      const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'leakscan-test-ops' }));
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'ops-inbox' }));
      const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
      await sns.send(
        new SubscribeCommand({
          TopicArn,
          Protocol: 'sqs',
          Endpoint: Attributes!.QueueArn,
          Attributes: { RawMessageDelivery: 'false' },
        }),
      );

      const run = runCli('drift', ['--skip-synth', '--publish-topic', TopicArn!], ws, moto.env);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`published drift summary to ${TopicArn}`);

      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 2 }));
      const envelope = JSON.parse(Messages![0]!.Body!);
      expect(envelope.Subject).toBe('leakscan drift: 4 drifted resources in 1 stack');
      expect(envelope.Message).toContain('app-platform: DRIFT in 4 resources');
      expectNoSecrets(ws, envelope.Message, run.stdout, run.stderr);

      const missing = runCli(
        'drift',
        ['--skip-synth', '--publish-topic', TopicArn!.replace('leakscan-test-ops', 'no-such-topic')],
        ws,
        moto.env,
      );
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/error: could not publish to arn:aws:sns:.*no-such-topic: NotFound/);
      sns.destroy();
      sqs.destroy();
    }, 120_000);
  });
});
