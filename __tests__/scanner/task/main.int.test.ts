/**
 * runScannerTask in-process against real git repositories, with SNS and CodeCommit mocked
 * (the same flow on moto with a child process is __tests__/e2e/pipeline.int.test.ts).
 */
import {
  CodeCommitClient,
  GetCommentsForPullRequestCommand,
  PostCommentForPullRequestCommand,
} from '@aws-sdk/client-codecommit';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TASK_ENV } from '../../../contracts/env';
import { createLogger } from '../../../contracts/log';
import { createSampleRepository, type SampleRepository } from '../../../testkit/pipeline';
import { runScannerTask } from '../../../scanner/task/main';

const TOPIC = 'arn:aws:sns:us-east-1:111122223333:leakscan-findings';
const sns = mockClient(SNSClient);
const codecommit = mockClient(CodeCommitClient);
let dir: string;
let leaking: SampleRepository;
let clean: SampleRepository;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'leakscan-task-'));
  mkdirSync(join(dir, 'scratch'));
  leaking = createSampleRepository(join(dir, 'repos'), 'payments-service', true);
  clean = createSampleRepository(join(dir, 'repos'), 'clean-service', false);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => {
  sns.reset();
  codecommit.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  codecommit.on(GetCommentsForPullRequestCommand).resolves({ commentsForPullRequestData: [] });
  codecommit.on(PostCommentForPullRequestCommand).resolves({});
});

/** A full scan of the default branch's tip: no commits (with them it would be an incremental scan). */
const TIP_SCAN = {
  [TASK_ENV.mode]: 'full',
  [TASK_ENV.sourceCommit]: undefined,
  [TASK_ENV.destinationCommit]: undefined,
};

function prEnv(sample: SampleRepository, overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    [TASK_ENV.repository]: sample.repository,
    [TASK_ENV.cloneUrl]: `file://${sample.path}`,
    [TASK_ENV.mode]: 'pr',
    [TASK_ENV.sourceCommit]: sample.sourceCommit,
    [TASK_ENV.destinationCommit]: sample.destinationCommit,
    [TASK_ENV.pullRequestId]: '42',
    [TASK_ENV.findingsTopicArn]: TOPIC,
    TMPDIR: join(dir, 'scratch'),
    PATH: process.env.PATH,
    ...overrides,
  };
}

async function run(
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; logs: Array<Record<string, unknown>>; text: string }> {
  const lines: string[] = [];
  const code = await runScannerTask(env, createLogger({ service: 'test' }, { write: (line) => lines.push(line) }));
  return { code, logs: lines.map((line) => JSON.parse(line) as Record<string, unknown>), text: lines.join('\n') };
}

describe('runScannerTask', () => {
  it('exits 2 with one clear log line on bad configuration, touching neither git nor AWS', async () => {
    const { code, logs } = await run(prEnv(leaking, { [TASK_ENV.sourceCommit]: '--upload-pack=touch /tmp/pwned' }));
    expect(code).toBe(2);
    expect(logs).toEqual([
      expect.objectContaining({
        level: 'error',
        event: 'invalid-configuration',
        problems: [`${TASK_ENV.sourceCommit}: must be a 40-character lowercase hex commit id`],
      }),
    ]);
    expect(sns.calls()).toHaveLength(0);
  });

  it('publishes one masked message and comments on the PR; exit 0 with findings', async () => {
    const { code, logs, text } = await run(prEnv(leaking));
    expect(code).toBe(0);
    const publish = sns.commandCalls(PublishCommand);
    expect(publish).toHaveLength(1);
    expect(publish[0]!.args[0].input).toMatchObject({
      TopicArn: TOPIC,
      MessageStructure: 'json',
      Subject: 'leakscan: 2 possible leaked credentials in PR #42 of payments-service',
    });
    expect(codecommit.commandCalls(PostCommentForPullRequestCommand)).toHaveLength(3);
    expect(logs.find((l) => l.event === 'pr-comments')).toMatchObject({ level: 'info', posted: 3, failed: 0 });
    const everything =
      text + JSON.stringify(publish[0]!.args[0].input) + JSON.stringify(codecommit.calls().map((c) => c.args[0].input));
    for (const raw of leaking.leakedValues) expect(everything).not.toContain(raw);
  });

  it("counts only the task role's own earlier comments as already posted", async () => {
    const env = prEnv(leaking, { [TASK_ENV.taskRoleArn]: 'arn:aws:iam::111122223333:role/leakscan/scanner-task' });
    await run(env);
    const posted = codecommit.commandCalls(PostCommentForPullRequestCommand).map((c) => c.args[0].input.content!);
    expect(posted).toHaveLength(3);
    const postsAfter = async (authorArn: string): Promise<number> => {
      codecommit.resetHistory();
      codecommit
        .on(GetCommentsForPullRequestCommand)
        .resolves({ commentsForPullRequestData: [{ comments: posted.map((content) => ({ content, authorArn })) }] });
      expect((await run(env)).code).toBe(0);
      return codecommit.commandCalls(PostCommentForPullRequestCommand).length;
    };
    expect(await postsAfter('arn:aws:sts::111122223333:assumed-role/scanner-task/8f2c1e0a')).toBe(0);
    // Anyone else who copies the markers silences nothing.
    expect(await postsAfter('arn:aws:iam::111122223333:user/pr-author')).toBe(3);
  });

  it('a failing comment post is logged as an error and does not fail the task', async () => {
    codecommit
      .on(PostCommentForPullRequestCommand)
      .rejects(Object.assign(new Error('no'), { name: 'AccessDeniedException' }));
    const { code, logs } = await run(prEnv(leaking));
    expect(code).toBe(0);
    expect(logs.find((l) => l.event === 'pr-comments')).toMatchObject({ level: 'error', posted: 0, failed: 3 });
  });

  it('exits 2 when the findings cannot be published (nobody would hear of them)', async () => {
    sns.on(PublishCommand).rejects(Object.assign(new Error('denied'), { name: 'AuthorizationErrorException' }));
    const { code, logs } = await run(prEnv(leaking));
    expect(code).toBe(2);
    expect(logs.find((l) => l.event === 'task-failed')).toMatchObject({
      error: { name: 'PublishError', cause: { name: 'AuthorizationErrorException' } },
    });
  });

  it('sends nothing for a clean PR unless notifyClean is set', async () => {
    expect((await run(prEnv(clean))).code).toBe(0);
    expect(sns.calls()).toHaveLength(0);
    expect(codecommit.calls()).toHaveLength(0);
    expect((await run(prEnv(clean, { [TASK_ENV.notifyClean]: 'true' }))).code).toBe(0);
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input.Subject).toBe(
      'leakscan: no leaked credentials in PR #42 of clean-service',
    );
  });

  it('full mode scans the default branch tree and never comments', async () => {
    const env = prEnv(leaking, { ...TIP_SCAN, [TASK_ENV.notifyClean]: 'true' });
    const { code, logs } = await run(env);
    expect(code).toBe(0);
    expect(logs.find((l) => l.event === 'scan-completed')).toMatchObject({
      findingsCount: 0,
      stats: expect.objectContaining({ filesScanned: 3 }),
    });
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input.Subject).toBe(
      'leakscan: no leaked credentials in payments-service (full scan)',
    );
    expect(codecommit.calls()).toHaveLength(0);
  });

  it('exits 2 when the repository cannot be fetched', async () => {
    const { code, logs } = await run(
      prEnv(leaking, { [TASK_ENV.cloneUrl]: `file://${join(dir, 'repos', 'missing')}` }),
    );
    expect(code).toBe(2);
    expect(logs.find((l) => l.event === 'task-failed')).toMatchObject({
      level: 'error',
      error: { name: 'CloneError' },
    });
  });

  it.each([
    ['a PR scan', {}],
    ['a full scan that would announce a clean result', { ...TIP_SCAN, [TASK_ENV.notifyClean]: 'true' }],
  ])(
    'ends %s at the deadline: one scan-deadline-exceeded error, nothing published, exit 2',
    async (_label, overrides) => {
      const { code, logs } = await run(prEnv(leaking, { ...overrides, [TASK_ENV.scanTimeoutSeconds]: '0.001' }));
      expect(code).toBe(2);
      expect(logs.filter((l) => l.level === 'error')).toEqual([
        expect.objectContaining({
          event: 'scan-deadline-exceeded',
          message: 'fetch and scan did not finish within 0.001 s',
          timeoutMs: 1,
        }),
      ]);
      expect(logs.map((l) => l.event)).not.toContain('scan-completed');
      expect(sns.calls()).toHaveLength(0);
      expect(codecommit.calls()).toHaveLength(0);
    },
  );
});
