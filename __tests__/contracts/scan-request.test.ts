import { randomBytes } from 'node:crypto';
import { TASK_ENV } from '../../contracts/env';
import {
  arnSchema,
  cloneUrlSchema,
  decodeTaskEnv,
  encodeTaskEnv,
  pullRequestIdSchema,
  topicArnSchema,
  type TaskInput,
} from '../../contracts/scan-request';

const sha = () => randomBytes(20).toString('hex');
const TOPIC = 'arn:aws:sns:us-east-1:111122223333:leakscan-findings';

function prInput(): TaskInput {
  return {
    request: { repository: 'payments-service', mode: 'pr', pullRequest: { id: '42', base: sha(), head: sha() } },
    cloneUrl: 'https://git-codecommit.us-east-1.amazonaws.com/v1/repos/payments-service',
    findingsTopicArn: TOPIC,
    notifyClean: false,
  };
}
function pushInput(base: string | undefined): TaskInput {
  const push = base === undefined ? { head: sha() } : { base, head: sha() };
  return { ...prInput(), request: { repository: 'payments-service', mode: 'push', push } };
}
const fullInput: TaskInput = {
  request: { repository: 'infra.tools', mode: 'full' },
  cloneUrl: 'file:///srv/git/infra.tools',
  findingsTopicArn: 'arn:aws-cn:sns:cn-north-1:111122223333:leakscan-findings.fifo',
  notifyClean: true,
};

function incrementalInput(base: string | undefined): TaskInput {
  const history = base === undefined ? { head: sha() } : { base, head: sha() };
  return { ...fullInput, request: { repository: 'infra.tools', mode: 'full', history } };
}

function problemsOf(env: Record<string, string | undefined>): string[] {
  const decoded = decodeTaskEnv(env);
  if (decoded.success) throw new Error('expected problems');
  return decoded.problems;
}

describe('scan request ⇄ task environment', () => {
  it.each([
    ['a pull request scan', prInput()],
    ['a full scan', fullInput],
    ['a push to an existing branch', pushInput(sha())],
    ['a new branch (no base)', pushInput(undefined)],
    ['an incremental scheduled scan', incrementalInput(sha())],
    ['a first scheduled scan (whole history)', incrementalInput(undefined)],
  ])('round-trips %s: request → env → the same request', (_label, input) => {
    expect(decodeTaskEnv(encodeTaskEnv(input))).toEqual({ success: true, data: input });
  });

  it('encodes the pull request as id, source = head and destination = base, in the RunTask order', () => {
    const input = prInput();
    const pr = input.request.mode === 'pr' ? input.request.pullRequest : undefined;
    expect(Object.entries(encodeTaskEnv(input))).toEqual([
      [TASK_ENV.repository, 'payments-service'],
      [TASK_ENV.cloneUrl, input.cloneUrl],
      [TASK_ENV.mode, 'pr'],
      [TASK_ENV.findingsTopicArn, TOPIC],
      [TASK_ENV.notifyClean, 'false'],
      [TASK_ENV.pullRequestId, '42'],
      [TASK_ENV.sourceCommit, pr?.head],
      [TASK_ENV.destinationCommit, pr?.base],
    ]);
  });

  it('encodes no pull request fields for a full scan, and leaves them out of the decoded request', () => {
    const env = { ...encodeTaskEnv(fullInput), [TASK_ENV.pullRequestId]: 'not even checked' };
    expect(Object.keys(encodeTaskEnv(fullInput))).not.toContain(TASK_ENV.pullRequestId);
    expect(decodeTaskEnv(env)).toEqual({ success: true, data: fullInput });
  });

  it('encodes a push as source = new head and destination = old head, with no destination for a new branch', () => {
    const base = sha();
    const updated = pushInput(base);
    const head = updated.request.mode === 'push' ? updated.request.push.head : undefined;
    expect(Object.entries(encodeTaskEnv(updated)).slice(2)).toEqual([
      [TASK_ENV.mode, 'push'],
      [TASK_ENV.findingsTopicArn, TOPIC],
      [TASK_ENV.notifyClean, 'false'],
      [TASK_ENV.sourceCommit, head],
      [TASK_ENV.destinationCommit, base],
    ]);
    const created = encodeTaskEnv(pushInput(undefined));
    expect(Object.keys(created)).not.toContain(TASK_ENV.destinationCommit);
    expect(Object.keys(created)).not.toContain(TASK_ENV.pullRequestId);
  });

  it('encodes an incremental full scan like a push: source = the head, destination = the last scanned head', () => {
    const base = sha();
    const input = incrementalInput(base);
    const head = input.request.mode === 'full' ? input.request.history?.head : undefined;
    expect(Object.entries(encodeTaskEnv(input)).slice(2)).toEqual([
      [TASK_ENV.mode, 'full'],
      [TASK_ENV.findingsTopicArn, fullInput.findingsTopicArn],
      [TASK_ENV.notifyClean, 'true'],
      [TASK_ENV.sourceCommit, head],
      [TASK_ENV.destinationCommit, base],
    ]);
  });

  it.each([
    [TASK_ENV.sourceCommit, 'HEAD', 'must be a 40-character lowercase hex commit id'],
    [TASK_ENV.sourceCommit, undefined, 'is not set'],
  ])('rejects an incremental full scan with %s=%j', (name, value, problem) => {
    const problems = problemsOf({ ...encodeTaskEnv(incrementalInput(sha())), [name]: value });
    expect(problems).toEqual([`${name}: ${problem}`]);
  });

  it.each([
    [TASK_ENV.sourceCommit, undefined, 'is not set'],
    [TASK_ENV.sourceCommit, 'refs/heads/main', 'must be a 40-character lowercase hex commit id'],
    [TASK_ENV.destinationCommit, `${sha()}\n--all`, 'must be a 40-character lowercase hex commit id'],
  ])('rejects a push with %s=%j (one problem, value not quoted)', (name, value, problem) => {
    const problems = problemsOf({ ...encodeTaskEnv(pushInput(sha())), [name]: value });
    expect(problems).toEqual([`${name}: ${problem}`]);
  });

  it.each([
    [TASK_ENV.repository, '../etc', 'must be 1-100 characters of letters, digits, "_", "." or "-"'],
    [TASK_ENV.repository, 'mirror.git', 'must not end in .git'],
    [TASK_ENV.cloneUrl, 'ext::sh -c touch% /tmp/pwned', 'must be an https:// URL without user info or a file:/// URL'],
    [TASK_ENV.cloneUrl, 'https://example.com/v1/repos/../etc', 'must not contain . or .. path segments'],
    [TASK_ENV.mode, 'incremental', 'must be one of pr, push, full'],
    [TASK_ENV.findingsTopicArn, 'arn:aws:sqs:us-east-1:111122223333:q', 'must be an SNS topic ARN'],
    [TASK_ENV.notifyClean, 'yes', 'must be "true" or "false"'],
    [TASK_ENV.pullRequestId, '0x2a', 'must be a decimal pull request id'],
    [TASK_ENV.sourceCommit, '--upload-pack=touch /tmp/pwned', 'must be a 40-character lowercase hex commit id'],
    [TASK_ENV.destinationCommit, 'main', 'must be a 40-character lowercase hex commit id'],
  ])('rejects %s=%j with one problem that does not quote the value', (name, value, problem) => {
    const problems = problemsOf({ ...encodeTaskEnv(prInput()), [name]: value });
    expect(problems).toEqual([`${name}: ${problem}`]);
  });

  it('reports every missing variable at once, in a stable order', () => {
    expect(problemsOf({})).toEqual(
      [
        TASK_ENV.mode,
        TASK_ENV.repository,
        TASK_ENV.cloneUrl,
        TASK_ENV.findingsTopicArn,
        TASK_ENV.sourceCommit,
        TASK_ENV.destinationCommit,
        TASK_ENV.pullRequestId,
      ].map((name) => `${name}: is not set`),
    );
  });
});

describe('shared validators', () => {
  it.each(['1', '42', '9'.repeat(20)])('accepts pull request id %s', (id) => {
    expect(pullRequestIdSchema.safeParse(id).success).toBe(true);
  });

  it.each(['0', '042', '9'.repeat(21), '4 2', '-1', '42\n'])('refuses pull request id %j', (id) => {
    expect(pullRequestIdSchema.safeParse(id).success).toBe(false);
  });

  it.each([
    'arn:aws:sns:us-east-1:111122223333:leakscan-findings',
    'arn:aws-us-gov:sns:us-gov-west-1:111122223333:t',
    'arn:aws-iso-b:sns:us-isob-east-1:111122223333:t.fifo',
  ])('accepts SNS topic ARN %s', (arn) => {
    expect(topicArnSchema.safeParse(arn).success).toBe(true);
  });

  it.each([
    'arn:aws:sns:us-east-1:1111222233:t',
    'arn:aws:sns:us-east-1:111122223333:',
    'arn:aws:sns:us-east-1:111122223333:a/b',
    'arn:other:sns:us-east-1:111122223333:t',
    ' arn:aws:sns:us-east-1:111122223333:t',
  ])('refuses SNS topic ARN %j', (arn) => {
    expect(topicArnSchema.safeParse(arn).success).toBe(false);
  });

  it('builds ARN validators for other services with the same partition, Region and account rules', () => {
    const cluster = arnSchema('ecs', 'cluster/[\\w-]+', 'an ECS cluster ARN');
    expect(cluster.safeParse('arn:aws:ecs:eu-west-1:111122223333:cluster/leakscan').success).toBe(true);
    expect(cluster.safeParse('arn:aws:ecs:eu-west-1:111122223333:service/leakscan').error?.issues[0]?.message).toBe(
      'must be an ECS cluster ARN',
    );
  });

  it.each([
    'file:///tmp/x',
    'https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/r',
    'https://git.example.com:8443/a/b.git',
  ])('accepts clone URL %s', (url) => {
    expect(cloneUrlSchema.safeParse(url).success).toBe(true);
  });
});
