/** Branch pushes ("CodeCommit Repository State Change", built from the documented fields by testkit). */
import { createHash, randomBytes } from 'node:crypto';
import { ECSClient, RunTaskCommand, type RunTaskCommandInput } from '@aws-sdk/client-ecs';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { TASK_ENV } from '../../contracts/env';
import { createLogger } from '../../contracts/log';
import { createHandler } from '../../lambda/app';
import { clientToken } from '../../lambda/runtask';
import { NEW_HEAD as NEW, OLD_HEAD as OLD, referenceEvent } from '../../testkit/reference-event';
import { captureOutput, testConfig } from './support';

const ecsMock = mockClient(ECSClient);
const sqsMock = mockClient(SQSClient);
const region = 'us-east-1';
let output: ReturnType<typeof captureOutput>;

const handler = () =>
  createHandler({
    config: testConfig(),
    ecs: new ECSClient({ region }),
    sqs: new SQSClient({ region }),
    listRepositories: () => Promise.reject(new Error('not used by pushes')),
    log: createLogger({ service: 'leakscan-trigger' }),
  });
const runTaskInputs = (): RunTaskCommandInput[] =>
  ecsMock.commandCalls(RunTaskCommand).map((call) => call.args[0].input);
const envOf = (input: RunTaskCommandInput | undefined): Record<string, string | undefined> =>
  Object.fromEntries((input?.overrides?.containerOverrides?.[0]?.environment ?? []).map((e) => [e.name, e.value]));
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

beforeEach(() => {
  ecsMock.reset();
  sqsMock.reset();
  ecsMock.on(RunTaskCommand).callsFake((input: RunTaskCommandInput) => ({
    tasks: [{ taskArn: `arn:aws:ecs:${region}:111122223333:task/leakscan/${input.clientToken?.slice(0, 32)}` }],
  }));
  sqsMock.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  output = captureOutput();
});
afterEach(() => output.restore());

describe('branch pushes', () => {
  it('scans an updated branch from its old head to its new one by id, token per (repo, ref, commit)', async () => {
    await expect(handler()(referenceEvent())).resolves.toMatchObject({ started: 1, ignored: 0, rejected: 0 });
    const [input] = runTaskInputs();
    expect(runTaskInputs()).toHaveLength(1);
    expect(envOf(input)).toEqual({
      [TASK_ENV.repository]: 'payments-service',
      [TASK_ENV.cloneUrl]: 'file:///srv/git/us-east-1/payments-service',
      [TASK_ENV.mode]: 'push',
      [TASK_ENV.findingsTopicArn]: testConfig().findingsTopicArn,
      [TASK_ENV.notifyClean]: 'false',
      [TASK_ENV.sourceCommit]: NEW,
      [TASK_ENV.destinationCommit]: OLD,
    });
    expect(input?.clientToken).toBe(
      clientToken(['push', 'payments-service', sha256('refs/heads/feature/s3-upload'), NEW]),
    );
    expect(input).toMatchObject({
      startedBy: 'leakscan/push',
      tags: expect.arrayContaining([{ key: 'leakscan:mode', value: 'push' }]),
    });
    expect(JSON.stringify(input)).not.toMatch(/s3-upload/);
    expect(output.logs()).toEqual([
      expect.objectContaining({
        event: 'scan task started',
        mode: 'push',
        reference: 'feature/s3-upload',
        commitId: NEW,
      }),
    ]);
  });

  it('scans a new branch with no base (the task measures it against the other heads)', async () => {
    await handler()(referenceEvent({ event: 'referenceCreated' }));
    await handler()(referenceEvent({ event: 'referenceCreated', oldCommitId: undefined }));
    const envs = runTaskInputs().map(envOf);
    expect(envs).toHaveLength(2);
    for (const env of envs) {
      expect(env).toMatchObject({ [TASK_ENV.mode]: 'push', [TASK_ENV.sourceCommit]: NEW });
      expect(env).not.toHaveProperty(TASK_ENV.destinationCommit);
    }
  });

  it('gives the same (repository, ref, commit) the same token, and another ref or commit another one', async () => {
    const h = handler();
    await h(referenceEvent());
    await h(referenceEvent());
    await h(referenceEvent({ referenceFullName: 'refs/heads/main', referenceName: 'main' }));
    await h(referenceEvent({ commitId: OLD.replace('f', 'e'), oldCommitId: NEW }));
    const tokens = runTaskInputs().map((input) => input.clientToken);
    expect(tokens).toHaveLength(4);
    expect(tokens[1]).toBe(tokens[0]);
    expect(new Set(tokens).size).toBe(3);
  });

  it.each([
    ['a tag push', { referenceType: 'tag', referenceFullName: 'refs/tags/v1', referenceName: 'v1' }],
    ['a deleted branch', { event: 'referenceDeleted', commitId: undefined }],
    ['a deleted tag', { event: 'referenceDeleted', referenceType: 'tag' }],
    ['an unreferenced merge commit', { event: 'unreferencedMergeCommitCreated', referenceType: undefined }],
  ])('ignores %s: no task, counted as ignored', async (_label, detail) => {
    await expect(handler()(referenceEvent(detail))).resolves.toMatchObject({ started: 0, ignored: 1, rejected: 0 });
    expect(runTaskInputs()).toHaveLength(0);
    expect(sqsMock.commandCalls(SendMessageCommand)).toHaveLength(0);
    expect(output.logs()).toEqual([
      expect.objectContaining({ event: 'event ignored: not a branch created or updated' }),
    ]);
  });

  it.each([
    ['a commit that is a branch name', { commitId: 'main' }, 'detail.commitId: must be a 40-character'],
    ['an option-like old head', { oldCommitId: '--upload-pack=touch /tmp/x' }, 'detail.oldCommitId: must be a 40'],
    ['an update without its old head', { oldCommitId: undefined }, 'detail.oldCommitId: an updated branch must have'],
    ['a repository name that is a path', { repositoryName: '../etc' }, 'detail.repositoryName: must be 1-100'],
    ['no ref name', { referenceFullName: undefined }, 'detail.referenceFullName: expected string'],
    ['no detail.event', { event: undefined }, 'detail.event: expected string'],
  ])('rejects %s once, to the rejected-event queue, starting nothing', async (_label, detail, reason) => {
    await expect(handler()(referenceEvent(detail))).resolves.toMatchObject({ started: 0, rejected: 1 });
    expect(runTaskInputs()).toHaveLength(0);
    const sends = sqsMock.commandCalls(SendMessageCommand);
    expect(sends).toHaveLength(1);
    expect(sends[0]!.args[0].input.MessageAttributes?.reason?.StringValue).toContain(reason);
  });
});

describe('hostile branch names', () => {
  const nameOf = (label: string) =>
    ({
      newlines: 'feature\n{"level":"error","event":"forged"}\r\nrefs/heads/main',
      ansi: '\u001b[2J\u001b[31mfix\u001b]8;;https://evil.example\u0007',
      '100 KB': `${randomBytes(8).toString('hex')}${'n'.repeat(100_000)}`,
    })[label]!;

  it.each(['newlines', 'ansi', '100 KB'])(
    'a %s branch name starts the scan by commit id, never reaches RunTask, and is logged only clipped',
    async (label) => {
      const name = nameOf(label);
      await handler()(referenceEvent({ referenceName: name, referenceFullName: `refs/heads/${name}` }));
      const [input] = runTaskInputs();
      expect(runTaskInputs()).toHaveLength(1);
      expect(envOf(input)).toMatchObject({ [TASK_ENV.sourceCommit]: NEW, [TASK_ENV.destinationCommit]: OLD });
      const request = JSON.stringify(input);
      for (const part of name.split(/[\n\r\u001b\u0007]/).filter((p) => p.length > 3))
        expect(request).not.toContain(part);
      expect(input?.clientToken).toBe(clientToken(['push', 'payments-service', sha256(`refs/heads/${name}`), NEW]));
      const [started] = output.logs();
      expect(started).toMatchObject({
        event: 'scan task started',
        reference: name.length > 256 ? expect.stringMatching(/… \(100016 characters\)$/) : name,
      });
      // JSON escapes control characters: one line per entry, whatever the name holds.
      for (const entry of [...output.logs(), ...output.metrics()])
        expect(JSON.stringify(entry).length).toBeLessThan(2048);
    },
  );

  it('an ignored tag with a 100 KB name logs it clipped', async () => {
    const name = 'v'.repeat(100_000);
    await handler()(
      referenceEvent({ referenceType: 'tag', referenceName: name, referenceFullName: `refs/tags/${name}` }),
    );
    const [ignored] = output.logs();
    expect(ignored).toMatchObject({ reference: expect.stringMatching(/^v{256}… \(100000 characters\)$/) });
  });
});
