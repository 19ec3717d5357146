/**
 * The task with the findings lifecycle on moto: a real git repository scanned by runScannerTask in
 * process, DynamoDB, Security Hub and SNS (→ an SQS subscriber) on moto; only CodeCommit's PR comment
 * API, which moto lacks, is mocked. A leak's life: PR → merged → nightly scans → removed from the head.
 */
import {
  CodeCommitClient,
  GetCommentsForPullRequestCommand,
  PostCommentForPullRequestCommand,
} from '@aws-sdk/client-codecommit';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  EnableSecurityHubCommand,
  GetFindingsCommand,
  SecurityHubClient,
  type AwsSecurityFinding,
} from '@aws-sdk/client-securityhub';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TASK_ENV } from '../../../contracts/env';
import { createLogger } from '../../../contracts/log';
import { SCANNED_HEAD_KEY } from '../../../contracts/scanned-head';
import type { FindingRecord } from '../../../scanner/findings';
import { DynamoFindingsStore } from '../../../scanner/findings/store';
import type { MachinePayload } from '../../../scanner/notify/message';
import { runScannerTask } from '../../../scanner/task/main';
import { clientConfig, createFindingsTable, startMoto, type MotoServer } from '../../../testkit/moto';
import {
  createSampleRepository,
  receiveNotifications,
  subscribeQueue,
  type SampleRepository,
} from '../../../testkit/pipeline';

const TABLE = 'leakscan-findings';
const ACCOUNT = '123456789012'; // moto's default account
const codecommit = mockClient(CodeCommitClient);
let moto: MotoServer;
let dir: string;
let topicArn: string;
let queueUrl: string;
let store: DynamoFindingsStore;
let dynamo: DynamoDBClient;
let securityHub: SecurityHubClient;

beforeAll(async () => {
  moto = await startMoto();
  // The task builds its SDK clients from the environment, as on Fargate: point them at moto.
  Object.assign(process.env, moto.env);
  dir = mkdtempSync(join(tmpdir(), 'leakscan-lifecycle-'));
  mkdirSync(join(dir, 'scratch'));
  dynamo = new DynamoDBClient(clientConfig(moto));
  await createFindingsTable(dynamo, TABLE);
  store = new DynamoFindingsStore(dynamo, TABLE);
  securityHub = new SecurityHubClient(clientConfig(moto));
  await securityHub.send(new EnableSecurityHubCommand({}));
  ({ TopicArn: topicArn } = (await new SNSClient(clientConfig(moto)).send(
    new CreateTopicCommand({ Name: 'leakscan-findings' }),
  )) as { TopicArn: string });
  queueUrl = await subscribeQueue(moto, topicArn, 'findings-subscriber');
}, 120_000);

afterAll(async () => {
  await moto?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  codecommit.reset();
  codecommit.on(GetCommentsForPullRequestCommand).resolves({ commentsForPullRequestData: [] });
  codecommit.on(PostCommentForPullRequestCommand).resolves({});
});

function taskEnv(sample: SampleRepository, mode: 'pr' | 'full', extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    [TASK_ENV.repository]: sample.repository,
    [TASK_ENV.cloneUrl]: `file://${sample.path}`,
    [TASK_ENV.mode]: mode,
    ...(mode === 'pr' && {
      [TASK_ENV.sourceCommit]: sample.sourceCommit,
      [TASK_ENV.destinationCommit]: sample.destinationCommit,
      [TASK_ENV.pullRequestId]: '42',
    }),
    [TASK_ENV.findingsTopicArn]: topicArn,
    [TASK_ENV.findingsTableArn]: `arn:aws:dynamodb:${moto.region}:${ACCOUNT}:table/${TABLE}`,
    [TASK_ENV.securityHub]: 'true',
    TMPDIR: join(dir, 'scratch'),
    PATH: process.env.PATH,
    ...extra,
  };
}

interface Run {
  code: number;
  logs: Array<Record<string, unknown>>;
  /** What the SNS subscriber received: the JSON documents, and every raw body for leak checks. */
  payloads: MachinePayload[];
  text: string;
}

async function run(env: NodeJS.ProcessEnv): Promise<Run> {
  const lines: string[] = [];
  const code = await runScannerTask(env, createLogger({ service: 'test' }, { write: (line) => lines.push(line) }));
  const received = await receiveNotifications(moto, queueUrl);
  return {
    code,
    logs: lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    payloads: received.map(({ envelope }) => JSON.parse(envelope.Message) as MachinePayload),
    text: [...lines, ...received.map((r) => r.body)].join('\n'),
  };
}

/** A run that succeeds without an error line, kept in `runs` for the final leak check. */
async function cleanRun(env: NodeJS.ProcessEnv, runs: Run[]): Promise<Run> {
  const result = await run(env);
  expect(result.code).toBe(0);
  expect(result.logs.filter((l) => l.level === 'error')).toEqual([]);
  runs.push(result);
  return result;
}

function git(sample: SampleRepository, args: string[]): void {
  const identity = { GIT_AUTHOR_NAME: 'Dev', GIT_AUTHOR_EMAIL: 'dev@example.com', GIT_COMMITTER_NAME: 'Dev' };
  const env = { ...process.env, ...identity, GIT_COMMITTER_EMAIL: 'dev@example.com', HOME: sample.path };
  execFileSync('git', ['-C', sample.path, ...args], { env, stdio: 'ignore' });
}

async function statuses(repository: string): Promise<string[]> {
  return [...(await store.load(repository)).values()].map((record: FindingRecord) => record.status);
}

async function hubFindings(repository: string): Promise<AwsSecurityFinding[]> {
  const { Findings = [] } = await securityHub.send(new GetFindingsCommand({}));
  return Findings.filter((f) => f.Id!.startsWith(`leakscan/${repository}/`));
}

/** A local STS stand-in answering what AWS answers for a deactivated key (moto's STS accepts any key). */
async function rejectingSts(): Promise<Server> {
  const rejected =
    '<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code>' +
    '<Message>The security token included in the request is invalid.</Message></Error></ErrorResponse>';
  const server = createServer((req, res) => {
    req.resume().on('end', () => res.writeHead(403, { 'content-type': 'text/xml' }).end(rejected));
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return server;
}

describe('runScannerTask with the findings lifecycle', () => {
  it('tells of a leak once, stays quiet while it is known, and tells once when it leaves the head', async () => {
    const sample = createSampleRepository(join(dir, 'repos'), 'payments-service', true);
    const runs: Run[] = [];
    const leakScan = (mode: 'pr' | 'full') => cleanRun(taskEnv(sample, mode), runs);

    // The PR adds a key pair: both stored open, one message listing both, both in Security Hub (ACTIVE), comments.
    const pr = await leakScan('pr');
    expect(pr.payloads).toHaveLength(1);
    expect(pr.payloads[0]).toMatchObject({ mode: 'pr', findingsCount: 2 });
    expect(pr.payloads[0]).not.toHaveProperty('statusChanges');
    expect(await statuses(sample.repository)).toEqual(['open', 'open']);
    const imported = await hubFindings(sample.repository);
    expect(imported.map((f) => f.RecordState)).toEqual(['ACTIVE', 'ACTIVE']);
    expect(codecommit.commandCalls(PostCommentForPullRequestCommand)).toHaveLength(3);

    // The same PR scanned again (a retried task): nothing new, no message, no comment.
    codecommit.resetHistory();
    expect((await leakScan('pr')).payloads).toEqual([]);
    expect(codecommit.commandCalls(PostCommentForPullRequestCommand)).toHaveLength(0);

    // Merged; two nightly full scans of the unchanged default branch: known findings, nothing sent.
    git(sample, ['update-ref', 'refs/heads/main', sample.sourceCommit]);
    for (let night = 0; night < 2; night++) expect((await leakScan('full')).payloads).toEqual([]);
    expect(await statuses(sample.repository)).toEqual(['open', 'open']);

    // The leak is deleted on the default branch: removed-from-head (still a leak: in the history), one message.
    git(sample, ['reset', '--hard', '--quiet']);
    writeFileSync(join(sample.path, 'src', 'upload.ts'), 'export const client = () => new S3Client({});\n');
    git(sample, ['commit', '--quiet', '-am', 'read credentials from the environment']);
    const removed = await leakScan('full');
    expect(removed.payloads).toHaveLength(1);
    expect(removed.payloads[0]).toMatchObject({ mode: 'full', findingsCount: 0, findings: [], statusChangesCount: 2 });
    expect(removed.payloads[0]!.statusChanges!.map((c) => [c.previousStatus, c.status])).toEqual([
      ['open', 'removed-from-head'],
      ['open', 'removed-from-head'],
    ]);
    expect(await statuses(sample.repository)).toEqual(['removed-from-head', 'removed-from-head']);
    const hub = await hubFindings(sample.repository);
    expect(hub.map((f) => [f.RecordState, f.ProductFields?.['leakscan/status']])).toEqual([
      ['ACTIVE', 'removed-from-head'],
      ['ACTIVE', 'removed-from-head'],
    ]);
    expect(hub.map((f) => f.Id).sort()).toEqual(imported.map((f) => f.Id).sort());

    // The next night: the status change was told once.
    expect((await leakScan('full')).payloads).toEqual([]);

    const everything = runs.map((r) => r.text).join('\n') + JSON.stringify(hub) + JSON.stringify(codecommit.calls());
    for (const raw of sample.leakedValues) expect(everything).not.toContain(raw);
  }, 120_000);

  it('notifies every finding when the store fails; logs a Security Hub failure; neither fails the task', async () => {
    const sample = createSampleRepository(join(dir, 'repos'), 'orders-service', true);
    const missingTable = `arn:aws:dynamodb:${moto.region}:${ACCOUNT}:table/no-such-table`;
    const unrecorded = await run(taskEnv(sample, 'pr', { [TASK_ENV.findingsTableArn]: missingTable }));
    expect(unrecorded.code).toBe(0);
    expect(unrecorded.logs.filter((l) => l.level === 'error')).toEqual([
      expect.objectContaining({
        event: 'findings-record-failed',
        error: expect.objectContaining({ name: 'FindingsStoreError' }),
      }),
    ]);
    expect(unrecorded.payloads).toEqual([expect.objectContaining({ findingsCount: 2 })]);

    // The SDK's per-service endpoint variable: only Security Hub is unreachable.
    process.env.AWS_ENDPOINT_URL_SECURITYHUB = 'http://127.0.0.1:9';
    try {
      const unimported = await run(taskEnv(sample, 'pr'));
      expect(unimported.code).toBe(0);
      expect(unimported.logs.filter((l) => l.level === 'error')).toEqual([
        expect.objectContaining({
          event: 'findings-publish-failed',
          error: expect.objectContaining({ name: 'SecurityHubImportError' }),
        }),
      ]);
      expect(unimported.payloads).toEqual([expect.objectContaining({ findingsCount: 2 })]);
    } finally {
      delete process.env.AWS_ENDPOINT_URL_SECURITYHUB;
    }
    expect(await statuses(sample.repository)).toEqual(['open', 'open']);
    expect(await hubFindings(sample.repository)).toEqual([]);
  }, 120_000);

  it('marks a key that verification finds inactive revoked, once, and archives it in Security Hub', async () => {
    const sts = await rejectingSts();
    try {
      const sample = createSampleRepository(join(dir, 'repos'), 'billing-service', true);
      git(sample, ['update-ref', 'refs/heads/main', sample.sourceCommit]);
      const runs: Run[] = [];
      expect((await cleanRun(taskEnv(sample, 'full'), runs)).payloads).toHaveLength(1);
      expect((await hubFindings(sample.repository)).map((f) => f.RecordState)).toEqual(['ACTIVE', 'ACTIVE']);

      const verified = taskEnv(sample, 'full', {
        [TASK_ENV.verify]: 'true',
        AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${(sts.address() as AddressInfo).port}`,
      });
      const revoked = await cleanRun(verified, runs);
      expect(revoked.payloads).toHaveLength(1);
      expect(revoked.payloads[0]).toMatchObject({ findingsCount: 0, statusChangesCount: 2 });
      expect(revoked.payloads[0]!.statusChanges!.map((c) => [c.previousStatus, c.status, c.statusReason])).toEqual([
        ['open', 'revoked', 'verified-inactive'],
        ['open', 'revoked', 'verified-inactive'],
      ]);
      expect(await statuses(sample.repository)).toEqual(['revoked', 'revoked']);
      const hub = await hubFindings(sample.repository);
      expect(hub.map((f) => [f.RecordState, f.ProductFields?.['leakscan/status']])).toEqual([
        ['ARCHIVED', 'revoked'],
        ['ARCHIVED', 'revoked'],
      ]);
      // Still in the head, still inactive: nothing more to tell.
      expect((await cleanRun(verified, runs)).payloads).toEqual([]);

      const everything = runs.map((r) => r.text).join('\n') + JSON.stringify(hub);
      for (const raw of sample.leakedValues) expect(everything).not.toContain(raw);
    } finally {
      sts.closeAllConnections();
      sts.close();
    }
  }, 120_000);
});

describe('runScannerTask, values the repository accepts', () => {
  it('marks leaks its baseline accepts suppressed, once, and archives them in Security Hub', async () => {
    const sample = createSampleRepository(join(dir, 'repos'), 'archive-service', true);
    git(sample, ['update-ref', 'refs/heads/main', sample.sourceCommit]);
    git(sample, ['reset', '--hard', '--quiet']);
    const runs: Run[] = [];
    expect((await cleanRun(taskEnv(sample, 'full'), runs)).payloads).toHaveLength(1);

    const fingerprints = [...(await store.load(sample.repository)).keys()];
    const baseline = { leakscanBaseline: 1, findings: fingerprints.map((fingerprint) => ({ fingerprint })) };
    writeFileSync(join(sample.path, '.leakscan-baseline.json'), JSON.stringify(baseline));
    git(sample, ['add', '.leakscan-baseline.json']);
    git(sample, ['commit', '--quiet', '-m', 'accept the sample keys: they were never issued']);

    const accepted = await cleanRun(taskEnv(sample, 'full'), runs);
    expect(accepted.payloads).toHaveLength(1);
    expect(accepted.payloads[0]!.statusChanges!.map((c) => [c.previousStatus, c.status, c.statusReason])).toEqual([
      ['open', 'suppressed', 'baseline'],
      ['open', 'suppressed', 'baseline'],
    ]);
    expect(await statuses(sample.repository)).toEqual(['suppressed', 'suppressed']);
    const hub = await hubFindings(sample.repository);
    expect(hub.map((f) => f.RecordState)).toEqual(['ARCHIVED', 'ARCHIVED']);
    expect((await cleanRun(taskEnv(sample, 'full'), runs)).payloads).toEqual([]);

    const everything = runs.map((r) => r.text).join('\n') + JSON.stringify(hub);
    for (const raw of sample.leakedValues) expect(everything).not.toContain(raw);
  }, 120_000);
});

describe('runScannerTask, incremental scheduled scans', () => {
  const scannedHead = async (repository: string) =>
    (
      await dynamo.send(
        new GetItemCommand({
          TableName: TABLE,
          Key: { repository: { S: repository }, fingerprint: { S: SCANNED_HEAD_KEY } },
        }),
      )
    ).Item?.commit?.S;

  it('scans the history since the recorded head: a leak added and removed meanwhile is told, and gone', async () => {
    const sample = createSampleRepository(join(dir, 'repos'), 'ledger-service', true);
    const runs: Run[] = [];
    const incremental = (head: string, base?: string) =>
      cleanRun(
        taskEnv(sample, 'full', {
          [TASK_ENV.sourceCommit]: head,
          ...(base && { [TASK_ENV.destinationCommit]: base }),
        }),
        runs,
      );

    // The first scan: the clean default branch's whole history, nothing to tell; its head is remembered
    // (and is no finding: the store's records of the repository are still none).
    expect((await incremental(sample.destinationCommit)).payloads).toEqual([]);
    expect(await scannedHead(sample.repository)).toBe(sample.destinationCommit);
    expect(await statuses(sample.repository)).toEqual([]);

    // Since then the PR was merged and the key deleted again: the tip alone would never show it.
    git(sample, ['update-ref', 'refs/heads/main', sample.sourceCommit]);
    git(sample, ['reset', '--hard', '--quiet']);
    writeFileSync(join(sample.path, 'src', 'upload.ts'), 'export const client = () => new S3Client({});\n');
    git(sample, ['commit', '--quiet', '-am', 'read credentials from the environment']);
    const head = execFileSync('git', ['-C', sample.path, 'rev-parse', 'main'], { encoding: 'utf8' }).trim();

    const night = await incremental(head, sample.destinationCommit);
    expect(night.payloads).toHaveLength(1);
    expect(night.payloads[0]).toMatchObject({ mode: 'full', findingsCount: 2, statusChangesCount: 2 });
    expect(night.payloads[0]!.statusChanges!.map((c) => c.status)).toEqual(['removed-from-head', 'removed-from-head']);
    expect(await statuses(sample.repository)).toEqual(['removed-from-head', 'removed-from-head']);
    expect(await scannedHead(sample.repository)).toBe(head);

    const everything = runs.map((r) => r.text).join('\n');
    for (const raw of sample.leakedValues) expect(everything).not.toContain(raw);
  }, 120_000);
});
