/**
 * The end-to-end pipeline on a moto server, in steps the e2e test and `npm run demo` share:
 * a sample repository whose pull request leaks a fake key → the documented PR event → the real
 * trigger Lambda handler → RunTask in moto → the task's container overrides (DescribeTasks) → the task
 * entrypoint as a child process with exactly that environment → SNS → an SQS queue subscribed to it.
 * Fake keys are generated per run (testkit/fake-keys.ts); nothing secret-shaped is committed.
 */
import {
  CreateClusterCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { LAMBDA_ENV, SCANNER_CONTAINER_NAME } from '../contracts/env';
import { fakeAccessKeyId, fakeSecretAccessKey } from './fake-keys';
import { clientConfig, type MotoServer } from './moto';

export const ROOT = resolve(__dirname, '..');
/** The documented PR event (a copy of ../shared/reference/codecommit-pr-event.json kept in the repo). */
const REFERENCE_PR_EVENT = join(ROOT, '__tests__', 'lambda', 'fixtures', 'codecommit-pr-event.json');

// ---------------------------------------------------------------------------------------------- git

export interface SampleRepository {
  repository: string;
  /** `file://<parent>/{repository}`: the Lambda's clone URL template for this run. */
  cloneUrlTemplate: string;
  path: string;
  destinationCommit: string;
  sourceCommit: string;
  /** Raw values the PR added, kept in memory only, to prove they never leave the task. */
  leakedValues: string[];
}

function git(cwd: string, args: string[]): string {
  const env = {
    ...process.env,
    GIT_CONFIG_NOSYSTEM: '1',
    HOME: cwd,
    GIT_AUTHOR_NAME: 'Dev',
    GIT_AUTHOR_EMAIL: 'dev@example.com',
    GIT_COMMITTER_NAME: 'Dev',
    GIT_COMMITTER_EMAIL: 'dev@example.com',
  };
  return execFileSync('git', args, { cwd, env, encoding: 'utf8' }).trim();
}

function commitFiles(repo: string, files: Record<string, string>, message: string): string {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(repo, name)), { recursive: true });
    writeFileSync(join(repo, name), content);
  }
  git(repo, ['add', '--all']);
  git(repo, ['commit', '--quiet', '-m', message]);
  return git(repo, ['rev-parse', 'HEAD']);
}

const UPLOAD_TS = `import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';

export async function upload(bucket: string, key: string, body: string): Promise<void> {
  await client().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}
`;

/**
 * `<parent>/<repository>`: main with an app, and a PR branch of two commits. With `leak`, the first
 * commit hard-codes a fresh fake access key pair (the classic "just for testing" S3 client); without,
 * it reads credentials from the environment. The served repository allows partial clones.
 */
export function createSampleRepository(parent: string, repository: string, leak: boolean): SampleRepository {
  const path = join(parent, repository);
  mkdirSync(path, { recursive: true });
  git(path, ['init', '--quiet', '--initial-branch=main']);
  git(path, ['config', 'uploadpack.allowFilter', 'true']);
  git(path, ['config', 'uploadpack.allowAnySHA1InWant', 'true']);
  const destinationCommit = commitFiles(
    path,
    {
      'README.md': `# ${repository}\n`,
      'package.json': JSON.stringify({ name: repository, private: true }, null, 2) + '\n',
      'src/upload.ts': UPLOAD_TS + 'const client = () => new S3Client({});\n',
    },
    'Initial commit',
  );
  git(path, ['checkout', '--quiet', '-b', 'feature/s3-upload']);
  const accessKeyId = fakeAccessKeyId();
  const secretAccessKey = fakeSecretAccessKey();
  const credentials = leak
    ? `{\n    accessKeyId: '${accessKeyId}',\n    secretAccessKey: '${secretAccessKey}',\n  }`
    : 'fromEnv()';
  commitFiles(
    path,
    {
      'src/upload.ts':
        UPLOAD_TS +
        `\nconst client = () => new S3Client({\n  region: 'us-east-1',\n  credentials: ${credentials},\n});\n`,
    },
    'feature: S3 upload',
  );
  const sourceCommit = commitFiles(
    path,
    { 'README.md': `# ${repository}\n\nUploads files to S3.\n` },
    'docs: mention uploads',
  );
  git(path, ['checkout', '--quiet', 'main']);
  return {
    repository,
    cloneUrlTemplate: `file://${parent}/{repository}`,
    path,
    destinationCommit,
    sourceCommit,
    leakedValues: leak ? [accessKeyId, secretAccessKey] : [],
  };
}

// --------------------------------------------------------------------------------------------- moto

export interface MotoResources {
  clusterArn: string;
  taskDefinitionArn: string;
  subnetId: string;
  securityGroupId: string;
  topicArn: string;
  /** Subscribed to the topic, raw delivery off: receives SNS envelopes. */
  queueUrl: string;
  rejectedEventQueueUrl: string;
}

/** EC2 has no SDK client in this project: moto answers the Query API directly. */
async function ec2(moto: MotoServer, action: string, params: Record<string, string>, idTag?: string): Promise<string> {
  const response = await fetch(`${moto.endpoint}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      // moto routes on the credential scope's service name; it does not check signatures.
      authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/${moto.region}/ec2/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: new URLSearchParams({ Action: action, Version: '2016-11-15', ...params }),
  });
  const id = idTag ? new RegExp(`<${idTag}>([^<]+)</${idTag}>`).exec(await response.text())?.[1] : '';
  if (!response.ok || id === undefined) throw new Error(`moto EC2 ${action} failed (${response.status})`);
  return id;
}

/** A new SQS queue subscribed to the topic (raw delivery off), optionally with a message-attribute filter policy. */
export async function subscribeQueue(
  moto: MotoServer,
  topicArn: string,
  name: string,
  filterPolicy?: object,
): Promise<string> {
  const sqs = new SQSClient(clientConfig(moto));
  const { QueueUrl: queueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  await new SNSClient(clientConfig(moto)).send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: Attributes?.QueueArn,
      ...(filterPolicy && { Attributes: { FilterPolicy: JSON.stringify(filterPolicy) } }),
    }),
  );
  return queueUrl!;
}

/** The AWS side of the pipeline, as the stacks would create it: network, cluster, task definition, topic, queues. */
export async function provisionMoto(moto: MotoServer): Promise<MotoResources> {
  const vpcId = await ec2(moto, 'CreateVpc', { CidrBlock: '10.0.0.0/16' }, 'vpcId');
  // As in a real Fargate VPC (and moto's awsvpc ENIs need it).
  await ec2(moto, 'ModifyVpcAttribute', { VpcId: vpcId, 'EnableDnsHostnames.Value': 'true' });
  const subnetId = await ec2(moto, 'CreateSubnet', { VpcId: vpcId, CidrBlock: '10.0.1.0/24' }, 'subnetId');
  const securityGroupId = await ec2(
    moto,
    'CreateSecurityGroup',
    { VpcId: vpcId, GroupName: 'leakscan-task', GroupDescription: 'scanner' },
    'groupId',
  );

  const ecs = new ECSClient(clientConfig(moto));
  const cluster = await ecs.send(new CreateClusterCommand({ clusterName: 'leakscan' }));
  const taskDefinition = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'leakscan-scanner',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      containerDefinitions: [
        {
          name: SCANNER_CONTAINER_NAME,
          image: 'leakscan:local',
          essential: true,
          readonlyRootFilesystem: true,
          cpu: 256,
          memory: 512,
        },
      ],
    }),
  );
  const { TopicArn: topicArn } = await new SNSClient(clientConfig(moto)).send(
    new CreateTopicCommand({ Name: 'leakscan-findings' }),
  );
  const queueUrl = await subscribeQueue(moto, topicArn!, 'findings-subscriber');
  const { QueueUrl: rejectedEventQueueUrl } = await new SQSClient(clientConfig(moto)).send(
    new CreateQueueCommand({ QueueName: 'leakscan-trigger-failures' }),
  );
  return {
    clusterArn: cluster.cluster!.clusterArn!,
    taskDefinitionArn: taskDefinition.taskDefinition!.taskDefinitionArn!,
    subnetId,
    securityGroupId,
    topicArn: topicArn!,
    queueUrl,
    rejectedEventQueueUrl: rejectedEventQueueUrl!,
  };
}

// ------------------------------------------------------------------------------------------ trigger

/** The trigger Lambda's environment (LAMBDA_ENV) pointing at the moto resources and the local repositories. */
export function triggerEnvironment(resources: MotoResources, cloneUrlTemplate: string): Record<string, string> {
  return {
    [LAMBDA_ENV.clusterArn]: resources.clusterArn,
    [LAMBDA_ENV.taskDefinitionArn]: resources.taskDefinitionArn,
    [LAMBDA_ENV.containerName]: SCANNER_CONTAINER_NAME,
    [LAMBDA_ENV.subnetIds]: resources.subnetId,
    [LAMBDA_ENV.securityGroupIds]: resources.securityGroupId,
    [LAMBDA_ENV.capacityStrategy]: 'FARGATE',
    [LAMBDA_ENV.findingsTopicArn]: resources.topicArn,
    [LAMBDA_ENV.cloneUrlTemplate]: cloneUrlTemplate,
    [LAMBDA_ENV.notifyClean]: 'false',
    [LAMBDA_ENV.rejectedEventQueueUrl]: resources.rejectedEventQueueUrl,
    // No scheduled tick runs in the pipeline: a queue URL that is never sent to satisfies the reader.
    [LAMBDA_ENV.scanQueueUrl]: resources.rejectedEventQueueUrl.replace(/[^/]+$/, 'leakscan-scan-requests'),
  };
}

/**
 * Keeps the handler's INFO lines and EMF metrics out of test and demo output (errors still print): the
 * application log level as Lambda passes it (lambda/config.ts readLogLevel).
 */
export const QUIET_TRIGGER = { AWS_LAMBDA_LOG_LEVEL: 'ERROR' };

export type TriggerHandler = (
  event: unknown,
) => Promise<{ started: number; duplicate: number; ignored: number; rejected: number; failed: number }>;

/**
 * The real handler module reads its configuration and builds its SDK clients when it is loaded, from
 * process.env (as on Lambda): set the environment first, then load it. Loaded once per process.
 */
export function loadTriggerHandler(env: Record<string, string>): TriggerHandler {
  Object.assign(process.env, env);
  return (require('../lambda/handler') as { handler: TriggerHandler }).handler;
}

/** The documented "CodeCommit Pull Request State Change" event with this run's repository and commits. */
export function pullRequestEvent(
  sample: SampleRepository,
  pullRequestId: string,
  region: string,
): Record<string, unknown> {
  const event = JSON.parse(readFileSync(REFERENCE_PR_EVENT, 'utf8')) as Record<string, unknown> & {
    detail: Record<string, unknown>;
  };
  return {
    ...event,
    id: `${sample.repository}-${pullRequestId}-${sample.sourceCommit.slice(0, 8)}`,
    region,
    time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    resources: [`arn:aws:codecommit:${region}:123456789012:${sample.repository}`],
    detail: {
      ...event.detail,
      event: 'pullRequestCreated',
      pullRequestId,
      repositoryNames: [sample.repository],
      sourceCommit: sample.sourceCommit,
      destinationCommit: sample.destinationCommit,
    },
  };
}

/** The scanner container's environment overrides of every task RunTask started in the cluster. */
export async function startedTaskEnvironments(
  moto: MotoServer,
  clusterArn: string,
): Promise<Array<Record<string, string>>> {
  const ecs = new ECSClient(clientConfig(moto));
  const { taskArns = [] } = await ecs.send(new ListTasksCommand({ cluster: clusterArn }));
  if (taskArns.length === 0) return [];
  const { tasks = [] } = await ecs.send(new DescribeTasksCommand({ cluster: clusterArn, tasks: taskArns }));
  return tasks.map((task) => {
    const override = task.overrides?.containerOverrides?.find((c) => c.name === SCANNER_CONTAINER_NAME);
    return Object.fromEntries((override?.environment ?? []).map((pair) => [pair.name!, pair.value!]));
  });
}

// --------------------------------------------------------------------------------------------- task

export interface TaskRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `leakscan task` as a child process with exactly the overrides plus what the task definition and the
 * platform provide: the endpoint/region/credentials (moto here, the task role on Fargate), PATH, and
 * HOME/TMPDIR on the writable scratch directory.
 */
export function spawnScannerTask(
  overrides: Record<string, string>,
  moto: MotoServer,
  scratch: string,
): Promise<TaskRun> {
  mkdirSync(scratch, { recursive: true });
  const env = { ...overrides, ...moto.env, PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: scratch, TMPDIR: scratch };
  const child = spawn(process.execPath, [require.resolve('tsx/cli'), join(ROOT, 'scanner', 'bin.ts'), 'task'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolveRun, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode) => resolveRun({ exitCode, stdout, stderr }));
  });
}

// ----------------------------------------------------------------------------------------- delivery

/** An SNS notification as an SQS subscriber without raw delivery receives it. */
export interface SnsEnvelope {
  Type: string;
  Subject?: string;
  /** The `sqs` entry of the structured message: the JSON document. */
  Message: string;
  MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

/** Drains the subscriber queue (short waits until it is empty). Returns the raw bodies too, for leak checks. */
export async function receiveNotifications(
  moto: MotoServer,
  queueUrl: string,
): Promise<Array<{ body: string; envelope: SnsEnvelope }>> {
  const sqs = new SQSClient(clientConfig(moto));
  const received: Array<{ body: string; envelope: SnsEnvelope }> = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    if (Messages.length === 0) return received;
    for (const message of Messages) {
      received.push({ body: message.Body!, envelope: JSON.parse(message.Body!) as SnsEnvelope });
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
  }
}

/** What was published to the topic, from moto's internal state (moto-api; an emulator-only view). */
export async function publishedMessages(
  moto: MotoServer,
  topicArn: string,
): Promise<Array<{ subject: string | null; message: string }>> {
  const data = (await (await fetch(`${moto.endpoint}/moto-api/data.json`)).json()) as {
    sns?: {
      Topic?: Array<{ arn: string; sent_notifications: Array<[string, string, string | null, unknown, unknown]> }>;
    };
  };
  const topic = data.sns?.Topic?.find((t) => t.arn === topicArn);
  return (topic?.sent_notifications ?? []).map(([, message, subject]) => ({ subject, message }));
}
