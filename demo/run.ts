/**
 * `npm run demo`: the whole pipeline without an AWS account. Starts moto, makes a sample repository
 * whose pull request leaks a (freshly generated, fake) access key, runs the real trigger Lambda handler
 * and the real `leakscan task` process, and prints what subscribers and the PR would see. Cleans up.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeTaskEnv } from '../contracts/scan-request';
import { planComments } from '../scanner/notify/comments';
import type { MachinePayload } from '../scanner/notify/message';
import { startMoto } from '../testkit/moto';
import {
  createSampleRepository,
  loadTriggerHandler,
  provisionMoto,
  publishedMessages,
  QUIET_TRIGGER,
  pullRequestEvent,
  receiveNotifications,
  spawnScannerTask,
  startedTaskEnvironments,
  triggerEnvironment,
} from '../testkit/pipeline';

const rule = (title: string) =>
  console.log(`\n${'='.repeat(8)} ${title} ${'='.repeat(Math.max(0, 70 - title.length))}`);
const indent = (text: string) => text.replace(/^/gm, '    ');

type Moto = Awaited<ReturnType<typeof startMoto>>;
type Resources = Awaited<ReturnType<typeof provisionMoto>>;

/** Step 3: the PR event through the real handler; returns the overrides of the task it started. */
async function triggerScan(moto: Moto, resources: Resources, sample: ReturnType<typeof createSampleRepository>) {
  rule('3. the PR event → the trigger Lambda handler → ecs:RunTask');
  const trigger = loadTriggerHandler({
    ...moto.env,
    ...triggerEnvironment(resources, sample.cloneUrlTemplate),
    ...QUIET_TRIGGER,
  });
  console.log('handler result:', JSON.stringify(await trigger(pullRequestEvent(sample, '42', moto.region))));
  const [overrides] = await startedTaskEnvironments(moto, resources.clusterArn);
  if (!overrides) throw new Error('the trigger started no task');
  console.log('container overrides read back with DescribeTasks:');
  for (const [name, value] of Object.entries(overrides)) console.log(`  ${name}=${value}`);
  return overrides;
}

/** Steps 5 and 6: what an e-mail subscriber and an SQS subscriber received. */
async function showMessages(moto: Moto, resources: Resources) {
  rule('5. the e-mail an SNS e-mail subscriber receives');
  const [published] = await publishedMessages(moto, resources.topicArn);
  if (!published) throw new Error('nothing was published');
  console.log(`Subject: ${published.subject}\n`);
  console.log(indent((JSON.parse(published.message) as { email: string }).email));

  rule('6. what the SQS subscriber received (JSON form + filterable attributes)');
  const [notification] = await receiveNotifications(moto, resources.queueUrl);
  if (!notification) throw new Error('the subscriber queue received nothing');
  const attributes = Object.entries(notification.envelope.MessageAttributes ?? {}).map(([k, v]) => `${k}=${v.Value}`);
  console.log(`attributes: ${attributes.join(', ')}`);
  const payload = JSON.parse(notification.envelope.Message) as MachinePayload;
  console.log(indent(JSON.stringify({ ...payload, findings: payload.findings.slice(0, 2) }, null, 2)));
  return { published, notification, payload };
}

/** Step 7: the comments the task posts on AWS, rendered by the same builders. */
function showComments(overrides: Record<string, string>, payload: MachinePayload): string[] {
  rule('7. the pull-request comments');
  console.log(
    '(moto implements no CodeCommit pull-request API: the task logged "pr-comments-failed" above.\n' +
      ' These are the comments it posts on AWS, rendered by the same builders.)',
  );
  // The request the task decoded from its overrides: the same one the comments are posted for.
  const decoded = decodeTaskEnv(overrides);
  if (!decoded.success || decoded.data.request.mode !== 'pr')
    throw new Error('the task overrides are not a pull request scan');
  const comments = planComments(decoded.data.request, payload.findings, new Set());
  for (const comment of comments) {
    const where = comment.location
      ? `inline comment on ${comment.location.filePath}:${comment.location.filePosition} (AFTER)`
      : 'general comment';
    console.log(`\n--- ${where} ---\n${indent(comment.content)}`);
  }
  return comments.map((c) => c.content);
}

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'leakscan-demo-'));
  rule('1. moto (AWS emulator) on 127.0.0.1');
  console.log('starting moto_server (the first run installs it into .cache/py, which takes a minute)…');
  const moto = await startMoto();
  try {
    const resources = await provisionMoto(moto);
    console.log(
      `cluster ${resources.clusterArn}\ntopic   ${resources.topicArn}\nqueue   ${resources.queueUrl} (subscribed to the topic)`,
    );

    rule('2. a repository whose pull request leaks a key');
    const sample = createSampleRepository(join(dir, 'repos'), 'payments-service', true);
    console.log(
      `${sample.path}\n  main               ${sample.destinationCommit}\n  feature/s3-upload  ${sample.sourceCommit} (adds a hard-coded, generated fake key pair)`,
    );
    const overrides = await triggerScan(moto, resources, sample);

    rule('4. `leakscan task` with exactly that environment (its JSON log lines)');
    const run = await spawnScannerTask(overrides, moto, join(dir, 'scratch'));
    console.log(indent(run.stdout.trim()));
    console.log(`exit code ${run.exitCode}`);
    if (run.exitCode !== 0) throw new Error(`the task failed:\n${run.stderr}`);

    const { published, notification, payload } = await showMessages(moto, resources);
    const comments = showComments(overrides, payload);
    const outputs = [run.stdout, run.stderr, published.message, notification.body, ...comments];
    const leaked = sample.leakedValues.filter((raw) => outputs.some((text) => text.includes(raw)));
    rule('8. check');
    console.log(
      leaked.length === 0
        ? 'the raw key appears nowhere: not in the logs, the e-mail, the JSON or the comments.'
        : 'RAW VALUE LEAKED',
    );
    return leaked.length === 0 ? 0 : 1;
  } finally {
    await moto.stop();
    rmSync(dir, { recursive: true, force: true });
    console.log('\n(moto stopped, temporary repositories removed)');
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
