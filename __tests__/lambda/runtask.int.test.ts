/**
 * The real handler as shipped (the bundleLambda() artifact, real SDK clients inside) against a moto
 * server over HTTP: cluster, task
 * definition, VPC, subnet, security group and the rejected-event queue exist in moto; the handler is
 * configured through LAMBDA_ENV exactly as the trigger stack configures it.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  CreateClusterCommand,
  DescribeTasksCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  paginateListTasks,
  type Task,
} from '@aws-sdk/client-ecs';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LAMBDA_ENV, SCANNER_CONTAINER_NAME, TASK_ENV } from '../../contracts/env';
import type { TriggerSummary } from '../../lambda/app';
import type { BatchResponse, ScanQueueEvent } from '../../lambda/scan-queue-consumer';
import { recordScannedHead } from '../../scanner/findings/scanned-head';
import { bundleLambda } from '../../scripts/bundle';
import { createFindingsTable, startMoto, type MotoServer } from '../../testkit/moto';
import { prEvent, scheduledEvent } from './support';

const bundleDir = mkdtempSync(join(tmpdir(), 'leakscan-lambda-int-'));
let moto: MotoServer;
let ecs: ECSClient;
let sqs: SQSClient;
let clusterArn = '';
let subnetId = '';
let queueUrl = '';
let scanQueueUrl = '';
let handler: (event: unknown) => Promise<TriggerSummary>;
let consumeScanQueue: (event: ScanQueueEvent) => Promise<BatchResponse>;
const savedEnv = { ...process.env };

/** EC2 Query API call to moto (no EC2 client is installed); moto routes on the credential scope's service. */
async function ec2(action: string, params: Record<string, string>): Promise<string> {
  const response = await fetch(moto.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/${moto.region}/ec2/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: new URLSearchParams({ Action: action, Version: '2016-11-15', ...params }),
  });
  const xml = await response.text();
  if (!response.ok) throw new Error(`EC2 ${action} failed (${response.status}): ${xml}`);
  return xml;
}
const xmlValue = (xml: string, element: string): string => {
  const value = new RegExp(`<${element}>([^<]+)</${element}>`).exec(xml)?.[1];
  if (!value) throw new Error(`no <${element}> in ${xml}`);
  return value;
};

/** One receive from the scan queue, with what the event source mapping passes the function. */
async function receiveScans(): Promise<Message[]> {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: scanQueueUrl,
      MaxNumberOfMessages: 10,
      MessageSystemAttributeNames: ['ApproximateReceiveCount'],
    }),
  );
  return Messages;
}

async function deleteScans(messages: Message[]): Promise<void> {
  if (messages.length === 0) return;
  await sqs.send(
    new DeleteMessageBatchCommand({
      QueueUrl: scanQueueUrl,
      Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
    }),
  );
}

async function allTaskArns(): Promise<string[]> {
  const arns: string[] = [];
  for await (const page of paginateListTasks({ client: ecs }, { cluster: clusterArn }))
    arns.push(...(page.taskArns ?? []));
  return arns;
}

async function describe(arns: string[]): Promise<Task[]> {
  const { tasks = [] } = await ecs.send(
    new DescribeTasksCommand({ cluster: clusterArn, tasks: arns, include: ['TAGS'] }),
  );
  return tasks;
}

/** moto's request recorder (moto-api/recorder) shows what went over the wire. */
async function recorder(action: 'reset-recording' | 'start-recording' | 'stop-recording'): Promise<void> {
  const response = await fetch(`${moto.endpoint}/moto-api/recorder/${action}`, { method: 'POST' });
  if (!response.ok) throw new Error(`moto recorder ${action}: ${response.status}`);
}

async function recordedRunTaskBodies(): Promise<Array<Record<string, unknown>>> {
  const recording = await (await fetch(`${moto.endpoint}/moto-api/recorder/download-recording`)).text();
  const lines = recording.split('\n').filter((line) => line !== '');
  return lines
    .map((line) => JSON.parse(line) as { headers: Record<string, string>; body: string; body_encoded: boolean })
    .filter((entry) =>
      Object.entries(entry.headers).some(
        ([name, value]) => name.toLowerCase() === 'x-amz-target' && value.endsWith('.RunTask'),
      ),
    )
    .map(
      (entry) =>
        JSON.parse(entry.body_encoded ? Buffer.from(entry.body, 'base64').toString('utf8') : entry.body) as Record<
          string,
          unknown
        >,
    );
}

/**
 * A CodeCommit stand-in for the SDK (AWS_ENDPOINT_URL_CODECOMMIT): moto 5.2.5 answers ListRepositories and
 * GetBranch with HTTP 500 (NotImplementedError). `answer` gets the operation and the request body.
 */
async function serveCodeCommit(
  answer: (operation: string, body: Record<string, string | undefined>) => unknown,
): Promise<{ endpoint: string; targets: string[]; close: () => Promise<void> }> {
  const targets: string[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const target = String(request.headers['x-amz-target']);
      targets.push(target);
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(answer(target.split('.')[1] ?? '', JSON.parse(body || '{}'))));
    });
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    targets,
    close: () => new Promise((closed) => server.close(() => closed())),
  };
}

/** ListRepositories, one page per array. */
function serveListRepositories(pages: string[][]): ReturnType<typeof serveCodeCommit> {
  return serveCodeCommit((_operation, { nextToken }) => {
    const page = Number(nextToken ?? 0);
    const next = page + 1 < pages.length ? { nextToken: String(page + 1) } : {};
    return { repositories: (pages[page] ?? []).map((repositoryName) => ({ repositoryName })), ...next };
  });
}

/** What the event source mapping does until the queue is empty: receive, invoke, delete all but the failures. */
async function drainScanQueue(consume: typeof consumeScanQueue): Promise<number> {
  let invocations = 0;
  for (let batch = await receiveScans(); batch.length > 0; batch = await receiveScans()) {
    invocations += 1;
    const { batchItemFailures } = await consume({
      Records: batch.map((m) => ({
        messageId: m.MessageId!,
        receiptHandle: m.ReceiptHandle!,
        body: m.Body!,
        attributes: { ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1' },
      })),
    });
    const failed = new Set(batchItemFailures.map((f) => f.itemIdentifier));
    await deleteScans(batch.filter((m) => !failed.has(m.MessageId!)));
  }
  return invocations;
}

async function scanQueueDepth(): Promise<string[]> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: scanQueueUrl, AttributeNames: ['All'] }),
  );
  return [Attributes.ApproximateNumberOfMessages ?? '', Attributes.ApproximateNumberOfMessagesNotVisible ?? ''];
}

/** Every scheduled task started so far, by repository. */
async function scheduledTasks(): Promise<Task[]> {
  const arns = await allTaskArns();
  const tasks: Task[] = [];
  for (let i = 0; i < arns.length; i += 100) tasks.push(...(await describe(arns.slice(i, i + 100))));
  return tasks.filter((task) => task.startedBy === 'leakscan/scheduled');
}
const repositoryOf = (task: Task) => task.tags?.find((tag) => tag.key === 'leakscan:repository')?.value;

beforeAll(async () => {
  moto = await startMoto();
  // As Lambda passes the function's application log level: keeps INFO lines and metrics out of the output.
  Object.assign(process.env, moto.env, { AWS_LAMBDA_LOG_LEVEL: 'WARN' });
  ecs = new ECSClient({});
  sqs = new SQSClient({});

  const vpcId = xmlValue(await ec2('CreateVpc', { CidrBlock: '10.20.0.0/16' }), 'vpcId');
  // moto builds each awsvpc task's ENI in its EC2 model: the subnet must exist (security groups need
  // not), and the ENI needs a private DNS name, which moto gives only in VPCs with DNS hostnames.
  await ec2('ModifyVpcAttribute', { VpcId: vpcId, 'EnableDnsHostnames.Value': 'true' });
  subnetId = xmlValue(await ec2('CreateSubnet', { VpcId: vpcId, CidrBlock: '10.20.0.0/20' }), 'subnetId');
  const groupId = xmlValue(
    await ec2('CreateSecurityGroup', { VpcId: vpcId, GroupName: 'leakscan-task', GroupDescription: 'scanner task' }),
    'groupId',
  );
  const cluster = await ecs.send(
    new CreateClusterCommand({ clusterName: 'leakscan', capacityProviders: ['FARGATE', 'FARGATE_SPOT'] }),
  );
  clusterArn = cluster.cluster?.clusterArn ?? '';
  const taskDefinition = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'leakscan-scanner',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      // moto sums container memory to place tasks and fails without it.
      containerDefinitions: [
        { name: SCANNER_CONTAINER_NAME, image: 'leakscan-scanner:test', essential: true, memory: 512 },
      ],
    }),
  );
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'leakscan-trigger-failures' }))).QueueUrl ?? '';
  scanQueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'leakscan-scan-requests' }))).QueueUrl ?? '';
  const account = clusterArn.split(':')[4];

  Object.assign(process.env, {
    [LAMBDA_ENV.clusterArn]: clusterArn,
    [LAMBDA_ENV.taskDefinitionArn]: taskDefinition.taskDefinition?.taskDefinitionArn,
    [LAMBDA_ENV.subnetIds]: subnetId,
    [LAMBDA_ENV.securityGroupIds]: groupId,
    [LAMBDA_ENV.capacityStrategy]: 'FARGATE_SPOT',
    [LAMBDA_ENV.findingsTopicArn]: `arn:aws:sns:${moto.region}:${account}:leakscan-findings`,
    [LAMBDA_ENV.cloneUrlTemplate]: 'file:///srv/git/{region}/{repository}',
    [LAMBDA_ENV.rejectedEventQueueUrl]: queueUrl,
    [LAMBDA_ENV.scanQueueUrl]: scanQueueUrl,
  });
  // Cold start after the environment is complete, as in Lambda.
  ({ handler, consumeScanQueue } = require(
    join(bundleLambda(bundleDir), 'index.js'),
  ) as typeof import('../../lambda/handler'));
}, 15 * 60_000);

afterAll(async () => {
  await moto?.stop();
  rmSync(bundleDir, { recursive: true, force: true });
  process.env = savedEnv;
});

it('starts a Fargate task whose overrides, tags, capacity and network DescribeTasks shows', async () => {
  const event = prEvent({ pullRequestId: '7' });
  await expect(handler(event)).resolves.toMatchObject({ started: 1 });

  const [task] = await describe(await allTaskArns());
  const environment = Object.fromEntries(
    (task?.overrides?.containerOverrides?.[0]?.environment ?? []).map((e) => [e.name, e.value]),
  );
  expect(task?.overrides?.containerOverrides?.[0]?.name).toBe(SCANNER_CONTAINER_NAME);
  expect(environment).toEqual({
    [TASK_ENV.repository]: 'payments-service',
    [TASK_ENV.cloneUrl]: 'file:///srv/git/us-east-1/payments-service',
    [TASK_ENV.mode]: 'pr',
    [TASK_ENV.findingsTopicArn]: process.env[LAMBDA_ENV.findingsTopicArn],
    [TASK_ENV.notifyClean]: 'false',
    [TASK_ENV.pullRequestId]: '7',
    [TASK_ENV.sourceCommit]: (event.detail as Record<string, string>).sourceCommit,
    [TASK_ENV.destinationCommit]: (event.detail as Record<string, string>).destinationCommit,
  });
  expect(task?.tags).toEqual(
    expect.arrayContaining([
      { key: 'leakscan:repository', value: 'payments-service' },
      { key: 'leakscan:pull-request', value: '7' },
    ]),
  );
  expect(task?.startedBy).toBe('leakscan/pr/7');
  expect(task?.capacityProviderName).toBe('FARGATE_SPOT');
  expect(task?.attachments?.[0]?.details).toContainEqual({ name: 'subnetId', value: subnetId });
});

it('sends the same clientToken for a redelivered event (moto 5.2.5 ignores the token itself)', async () => {
  const event = prEvent({ pullRequestId: '8' });
  await recorder('reset-recording');
  await recorder('start-recording');
  try {
    await handler(event);
    await handler(structuredClone(event));
  } finally {
    await recorder('stop-recording');
  }
  const [first, second, ...rest] = await recordedRunTaskBodies();
  await recorder('reset-recording');
  expect(rest).toHaveLength(0);
  expect(first?.clientToken).toMatch(/^[0-9a-f]{64}$/);
  expect(second).toEqual(first);
  // Real ECS returns the first task for a repeated token (one task). moto's RunTask never reads
  // clientToken (moto/ecs/responses.py run_task), so it starts a second one. If this fails, moto has
  // learnt idempotency: expect 1 here.
  const tasks = (await describe(await allTaskArns())).filter((task) => task.startedBy === 'leakscan/pr/8');
  expect(tasks).toHaveLength(2);
});

it('sends an invalid event to the rejected-event queue once, with its reason', async () => {
  const event = prEvent({ pullRequestId: '9', sourceCommit: 'refs/heads/main' });
  await expect(handler(event)).resolves.toMatchObject({ rejected: 1, started: 0 });
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }),
  );
  expect(Messages).toHaveLength(1);
  expect(JSON.parse(Messages[0]?.Body ?? '')).toEqual(event);
  expect(Messages[0]?.MessageAttributes?.reason?.StringValue).toContain('detail.sourceCommit');
});

it('lists every repository for a schedule tick with no watched list, through repositories.js loaded beside index.js', async () => {
  const index = join(bundleDir, 'index.js');
  // The CodeCommit client (its JSON protocol target prefix) is in repositories.js only.
  expect(readFileSync(index, 'utf8')).not.toContain('CodeCommit_20150413');
  expect(readFileSync(join(bundleDir, 'repositories.js'), 'utf8')).toContain('CodeCommit_20150413');

  const codecommit = await serveListRepositories([['alpha-service', 'beta-service'], ['gamma-service']]);
  try {
    // Node's own module loader, not jest's, started in another directory: as Lambda's runtime requires index.js.
    const probe =
      'require(process.argv[1]).handler(JSON.parse(process.argv[2])).then((summary) => process.stdout.write(JSON.stringify(summary)))';
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--no-warnings', '-e', probe, index, JSON.stringify(scheduledEvent())],
      {
        cwd: tmpdir(),
        env: { ...process.env, AWS_ENDPOINT_URL_CODECOMMIT: codecommit.endpoint },
      },
    );
    expect(JSON.parse(stdout)).toEqual({ started: 0, duplicate: 0, queued: 3, ignored: 0, rejected: 0, failed: 0 });
  } finally {
    await codecommit.close();
  }
  expect(codecommit.targets).toEqual(['CodeCommit_20150413.ListRepositories', 'CodeCommit_20150413.ListRepositories']);
  const queued = await receiveScans();
  await deleteScans(queued);
  expect(queued.map((m) => (JSON.parse(m.Body ?? '') as { repository: string }).repository).sort()).toEqual([
    'alpha-service',
    'beta-service',
    'gamma-service',
  ]);
});

it(
  'drains a 500-repository tick through the real consumer: 500 tasks, one per repository, an empty queue',
  async () => {
    const repositories = Array.from({ length: 500 }, (_, i) => `org-repo-${String(i).padStart(3, '0')}`);
    const codecommit = await serveListRepositories([repositories.slice(0, 100), repositories.slice(100)]);
    process.env.AWS_ENDPOINT_URL_CODECOMMIT = codecommit.endpoint;
    try {
      await expect(handler(scheduledEvent('2026-03-07T03:00:00Z'))).resolves.toMatchObject({ queued: 500 });
    } finally {
      delete process.env.AWS_ENDPOINT_URL_CODECOMMIT;
      await codecommit.close();
    }
    const invocations = await drainScanQueue(consumeScanQueue);
    expect(await scanQueueDepth()).toEqual(['0', '0']);
    const scanned = (await scheduledTasks()).map(repositoryOf);
    expect(scanned.sort()).toEqual(repositories);
    console.log(`moto tick: 500 repositories queued, ${invocations} consumer invocations, ${scanned.length} tasks`);
  },
  10 * 60_000,
);

it(
  'turns a burst of 1,000 distinct events into 1,000 tasks without an unhandled error',
  async () => {
    const before = (await allTaskArns()).length;
    const events = Array.from({ length: 1000 }, (_, i) =>
      prEvent({
        pullRequestId: String(1000 + i),
        sourceCommit: (i.toString(16).padStart(8, '0') + '0'.repeat(32)).slice(0, 40),
      }),
    );
    const started = performance.now();
    const results = await Promise.allSettled(events.map((event) => handler(event)));
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `burst: 1000 events -> RunTask in ${seconds.toFixed(1)} s (${(1000 / seconds).toFixed(0)} events/s) against moto`,
    );

    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected).toEqual([]);
    expect(results.every((r) => r.status === 'fulfilled' && r.value.started === 1)).toBe(true);
    expect((await allTaskArns()).length - before).toBe(1000);
  },
  10 * 60_000,
);

it('ticks incrementally with a findings table: an unchanged head starts nothing, a new commit one scan of old..new', async () => {
  const table = 'leakscan-findings';
  const repository = 'ledger-service';
  const dynamo = new DynamoDBClient({});
  await createFindingsTable(dynamo, table);
  const scannedLastNight = randomBytes(20).toString('hex');
  // What the task wrote after last night's scan, through the task's own writer.
  await recordScannedHead(dynamo, table, { repository, commit: scannedLastNight, now: new Date() });
  let head = scannedLastNight;
  const codecommit = await serveCodeCommit((operation, body) =>
    operation === 'GetRepository'
      ? { repositoryMetadata: { repositoryName: body.repositoryName, defaultBranch: 'main' } }
      : { branch: { branchName: body.branchName, commitId: head } },
  );
  // A cold start of the bundle configured with the table (and a watched list: the tick lists nothing).
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_CODECOMMIT: codecommit.endpoint,
    [LAMBDA_ENV.findingsTableName]: table,
    [LAMBDA_ENV.watchedRepositories]: repository,
  });
  let lambda = {} as typeof import('../../lambda/handler');
  jest.isolateModules(() => {
    lambda = require(join(bundleDir, 'index.js')) as typeof import('../../lambda/handler');
  });
  const tick = async (time: string) => {
    await expect(lambda.handler(scheduledEvent(time))).resolves.toMatchObject({ queued: 1 });
    await drainScanQueue(lambda.consumeScanQueue);
    expect(await scanQueueDepth()).toEqual(['0', '0']);
    return (await scheduledTasks()).filter((task) => repositoryOf(task) === repository);
  };
  try {
    await expect(tick('2026-03-08T03:00:00Z')).resolves.toEqual([]);
    expect(codecommit.targets).toEqual(['CodeCommit_20150413.GetRepository', 'CodeCommit_20150413.GetBranch']);

    head = randomBytes(20).toString('hex');
    const [task, ...more] = await tick('2026-03-09T03:00:00Z');
    expect(more).toEqual([]);
    const environment = Object.fromEntries(
      (task?.overrides?.containerOverrides?.[0]?.environment ?? []).map((e) => [e.name, e.value]),
    );
    expect(environment).toMatchObject({
      [TASK_ENV.repository]: repository,
      [TASK_ENV.mode]: 'full',
      [TASK_ENV.sourceCommit]: head,
      [TASK_ENV.destinationCommit]: scannedLastNight,
    });
  } finally {
    for (const name of ['AWS_ENDPOINT_URL_CODECOMMIT', LAMBDA_ENV.findingsTableName, LAMBDA_ENV.watchedRepositories])
      delete process.env[name];
    await codecommit.close();
  }
});
