/**
 * The whole chain on a moto server: a real git repository whose PR adds a fake key (made now) → the
 * documented PR event → the real trigger Lambda handler → RunTask in moto → the container overrides
 * read back with DescribeTasks → `leakscan task` as a child process with exactly that environment →
 * partial fetch, diff scan, SNS publish → an SQS queue subscribed to the topic. The same chain for a branch
 * push ("CodeCommit Repository State Change"): only the commits the push added are scanned.
 * moto implements no CodeCommit pull-request API, so PR comments are covered by
 * __tests__/scanner/notify/comments.test.ts; here the task must log the failed comment post and still succeed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TASK_ENV } from '../../contracts/env';
import { decodeTaskEnv } from '../../contracts/scan-request';
import {
  createSampleRepository,
  loadTriggerHandler,
  provisionMoto,
  publishedMessages,
  pullRequestEvent,
  QUIET_TRIGGER,
  receiveNotifications,
  spawnScannerTask,
  startedTaskEnvironments,
  subscribeQueue,
  triggerEnvironment,
  type MotoResources,
  type TriggerHandler,
} from '../../testkit/pipeline';
import type { MachinePayload } from '../../scanner/notify/message';
import { fakeAccessKeyId } from '../../testkit/fake-keys';
import { startMoto, type MotoServer } from '../../testkit/moto';
import { referenceEvent } from '../../testkit/reference-event';

let moto: MotoServer;
let dir: string;
let resources: MotoResources;
let trigger: TriggerHandler;

beforeAll(async () => {
  moto = await startMoto();
  dir = mkdtempSync(join(tmpdir(), 'leakscan-e2e-'));
  resources = await provisionMoto(moto);
  trigger = loadTriggerHandler({
    ...moto.env,
    ...triggerEnvironment(resources, `file://${join(dir, 'repos')}/{repository}`),
    ...QUIET_TRIGGER,
  });
}, 300_000);

afterAll(async () => {
  await moto?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function logLines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Event → trigger → RunTask → overrides → task process. */
async function scanPullRequest(repository: string, pullRequestId: string, leak: boolean) {
  const sample = createSampleRepository(join(dir, 'repos'), repository, leak);
  const summary = await trigger(pullRequestEvent(sample, pullRequestId, moto.region));
  expect(summary).toMatchObject({ started: 1, failed: 0, rejected: 0 });
  const overrides = (await startedTaskEnvironments(moto, resources.clusterArn)).filter(
    (env) => env[TASK_ENV.repository] === repository,
  );
  expect(overrides).toHaveLength(1);
  const scratch = join(dir, `scratch-${repository}`);
  const run = await spawnScannerTask(overrides[0]!, moto, scratch);
  return { sample, overrides: overrides[0]!, run, scratch };
}

describe('pull request → trigger → task → SNS → SQS', () => {
  it('delivers one masked notification for a PR that leaks a key, and never the key itself', async () => {
    // Subscribers filter on the message attributes.
    const criticalOnly = await subscribeQueue(moto, resources.topicArn, 'critical-pr-findings', {
      highestSeverity: ['critical'],
      mode: ['pr'],
    });
    const floods = await subscribeQueue(moto, resources.topicArn, 'floods-only', {
      findingsCount: [{ numeric: ['>=', 10] }],
    });
    const { sample, overrides, run, scratch } = await scanPullRequest('payments-service', '42', true);

    // The trigger passed commit ids and the templated clone URL, never branch names.
    expect(overrides).toMatchObject({
      [TASK_ENV.mode]: 'pr',
      [TASK_ENV.cloneUrl]: `file://${sample.path}`,
      [TASK_ENV.sourceCommit]: sample.sourceCommit,
      [TASK_ENV.destinationCommit]: sample.destinationCommit,
      [TASK_ENV.pullRequestId]: '42',
      [TASK_ENV.findingsTopicArn]: resources.topicArn,
    });
    expect(JSON.stringify(overrides)).not.toContain('feature/s3-upload');
    // …which the task reads back as the very request the trigger built from the event.
    expect(decodeTaskEnv(overrides)).toMatchObject({
      success: true,
      data: {
        request: {
          repository: 'payments-service',
          mode: 'pr',
          pullRequest: { id: '42', base: sample.destinationCommit, head: sample.sourceCommit },
        },
      },
    });

    expect(run.exitCode).toBe(0);
    const logs = logLines(run.stdout);
    expect(logs.find((l) => l.event === 'scan-completed')).toMatchObject({
      findingsCount: 2,
      highestSeverity: 'critical',
    });
    expect(logs.find((l) => l.event === 'notification-published')).toBeDefined();
    // moto has no PR-comment API: a logged error, not a failed task.
    expect(logs.find((l) => l.event === 'pr-comments-failed')).toMatchObject({ level: 'error' });
    expect(readdirSync(scratch).filter((name) => name.startsWith('leakscan-'))).toEqual([]); // workspace removed

    const notifications = await receiveNotifications(moto, resources.queueUrl);
    expect(notifications).toHaveLength(1);
    expect(await receiveNotifications(moto, criticalOnly)).toHaveLength(1);
    expect(await receiveNotifications(moto, floods)).toHaveLength(0);
    const { envelope, body } = notifications[0]!;
    expect(envelope.Type).toBe('Notification');
    expect(envelope.Subject).toBe('leakscan: 2 possible leaked credentials in PR #42 of payments-service');
    expect(envelope.MessageAttributes).toMatchObject({
      repository: { Type: 'String', Value: 'payments-service' },
      mode: { Type: 'String', Value: 'pr' },
      findingsCount: { Type: 'Number', Value: '2' },
      highestSeverity: { Type: 'String', Value: 'critical' },
    });
    const payload = JSON.parse(envelope.Message) as MachinePayload;
    expect(payload).toMatchObject({
      repository: 'payments-service',
      pullRequestId: '42',
      sourceCommit: sample.sourceCommit,
      findingsCount: 2,
      omittedCount: 0,
    });
    const [accessKeyId, secretAccessKey] = sample.leakedValues as [string, string];
    const firstPrCommit = payload.findings[0]!.commit;
    expect(payload.findings.map(({ kind, file, masked }) => ({ kind, file, masked }))).toEqual(
      expect.arrayContaining([
        {
          kind: 'aws-access-key-id',
          file: 'src/upload.ts',
          masked: expect.stringMatching(new RegExp(`^${accessKeyId.slice(0, 4)}\\*+${accessKeyId.slice(-4)}$`)),
        },
        expect.objectContaining({ kind: 'aws-secret-access-key', file: 'src/upload.ts' }),
      ]),
    );
    expect(firstPrCommit).not.toBe(sample.sourceCommit); // the key came in with the PR's first commit, not its head

    // The e-mail text that was published to the topic (moto keeps it).
    const published = await publishedMessages(moto, resources.topicArn);
    expect(published).toHaveLength(1);
    const email = (JSON.parse(published[0]!.message) as { email: string }).email;
    expect(email).toContain(
      'leakscan found 2 possible leaked AWS credentials in pull request #42 of payments-service.',
    );
    expect(email).toContain('File:        src/upload.ts:');

    for (const raw of [accessKeyId, secretAccessKey]) {
      for (const where of [body, published[0]!.message, run.stdout, run.stderr]) expect(where).not.toContain(raw);
    }
  }, 180_000);

  it('sends nothing for a clean pull request', async () => {
    const { run } = await scanPullRequest('clean-service', '43', false);
    expect(run.exitCode).toBe(0);
    expect(logLines(run.stdout).find((l) => l.event === 'scan-completed')).toMatchObject({ findingsCount: 0 });
    expect(await receiveNotifications(moto, resources.queueUrl)).toEqual([]);
  }, 180_000);
});

describe('branch push → trigger → task → SNS → SQS', () => {
  it('scans exactly the pushed commits: one new key on a branch that already leaked two → one finding', async () => {
    const sample = createSampleRepository(join(dir, 'repos'), 'push-service', true);
    const git = (...args: string[]) =>
      execFileSync('git', ['-C', sample.path, ...args], {
        encoding: 'utf8',
        env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
      }).trim();
    git('checkout', '--quiet', 'feature/s3-upload');
    writeFileSync(join(sample.path, 'deploy.env'), `AWS_ACCESS_KEY_ID=${fakeAccessKeyId()}\n`);
    git('add', 'deploy.env');
    git('-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', 'commit', '--quiet', '-m', 'deploy settings');
    const pushed = git('rev-parse', 'HEAD');
    git('checkout', '--quiet', 'main');

    const event = referenceEvent(
      { repositoryName: 'push-service', oldCommitId: sample.sourceCommit, commitId: pushed },
      { id: `push-${pushed}`, region: moto.region, time: new Date().toISOString().replace(/\.\d+Z$/, 'Z') },
    );
    await expect(trigger(event)).resolves.toMatchObject({ started: 1, failed: 0, rejected: 0 });
    const overrides = (await startedTaskEnvironments(moto, resources.clusterArn)).filter(
      (env) => env[TASK_ENV.repository] === 'push-service',
    );
    expect(overrides).toHaveLength(1);
    expect(overrides[0]).toMatchObject({
      [TASK_ENV.mode]: 'push',
      [TASK_ENV.sourceCommit]: pushed,
      [TASK_ENV.destinationCommit]: sample.sourceCommit,
    });
    expect(JSON.stringify(overrides[0])).not.toContain('s3-upload');

    const run = await spawnScannerTask(overrides[0]!, moto, join(dir, 'scratch-push-service'));
    expect(run.exitCode).toBe(0);
    const logs = logLines(run.stdout);
    expect(logs.find((l) => l.event === 'scan-completed')).toMatchObject({ findingsCount: 1 });
    expect(logs.filter((l) => String(l.event).startsWith('pr-comments'))).toEqual([]);
    const notifications = await receiveNotifications(moto, resources.queueUrl);
    expect(notifications).toHaveLength(1);
    const payload = JSON.parse(notifications[0]!.envelope.Message) as MachinePayload;
    expect(payload).toMatchObject({ repository: 'push-service', mode: 'push', findingsCount: 1 });
    expect(payload.findings).toEqual([
      expect.objectContaining({ kind: 'aws-access-key-id', file: 'deploy.env', commit: pushed }),
    ]);
  }, 180_000);
});
