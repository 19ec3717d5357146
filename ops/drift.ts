/**
 * npm run drift [-- --stack NAME] [--skip-synth] [--out DIR] [--json] [--publish-topic ARN]
 *
 * For each stack: terraform plan -refresh-only, show -json → which resources drifted and which
 * attributes changed (sensitive values never shown). Writes drift.json and
 * drift.txt to --out (default cdktf.out/drift). Exit 0 no drift, 2 drift, 1 error. With
 * --publish-topic, a drift or error result is also published to that SNS topic (the ops topic).
 */
import { resolve } from 'node:path';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { topicArnSchema } from '../contracts/scan-request';
import {
  forEachStack,
  loadStacks,
  parseFlags,
  runMain,
  STACK_FLAGS,
  terraformEnv,
  writePrivate,
  type CliIo,
} from './lib/cli';
import { buildDriftReport, formatDriftReport, summarizeDrift, type DriftReport } from './lib/drift-report';
import { OpsError, UsageError } from './lib/errors';
import { plural } from './lib/format';
import { planStack } from './lib/terraform';

// SNS accepts 256 KiB; leave room for the envelope.
const MAX_MESSAGE_BYTES = 200 * 1024;

export class PublishError extends OpsError {}

export function driftSubject(report: DriftReport): string {
  const failed = report.stacks.filter((s) => s.status === 'error').length;
  const drifted = report.stacks.filter((s) => s.status === 'drift').length;
  const parts = [];
  if (drifted) parts.push(`${plural(report.driftedResources, 'drifted resource')} in ${plural(drifted, 'stack')}`);
  if (failed) parts.push(`${plural(failed, 'stack')} failed`);
  return `leakscan drift: ${parts.join(', ') || 'no drift'}`.slice(0, 100);
}

async function publish(topicArn: string, report: DriftReport, text: string, io: CliIo): Promise<void> {
  const region = topicArn.split(':')[3]!;
  const body = Buffer.from(text).subarray(0, MAX_MESSAGE_BYTES).toString('utf8');
  const client = new SNSClient({ region });
  try {
    const { MessageId } = await client.send(
      new PublishCommand({ TopicArn: topicArn, Subject: driftSubject(report), Message: body }),
    );
    io.stderr(`published drift summary to ${topicArn} (message ${MessageId})`);
  } catch (error) {
    throw new PublishError(`could not publish to ${topicArn}: ${(error as Error).name}: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    client.destroy();
  }
}

export const DRIFT_USAGE = `Usage: npm run drift [-- --stack NAME ...] [--skip-synth] [--cdktf-out DIR] [--out DIR] [--json]
                      [--publish-topic ARN]

Runs terraform plan -refresh-only for each stack against its remote state and reports what changed or
was deleted outside Terraform; --publish-topic sends the report to an SNS topic.
Exit: 0 no drift, 2 drift, 1 error. Docs: docs/operations.md`;

export async function driftMain(argv: string[], io: CliIo): Promise<number> {
  const flags = parseFlags(argv, { ...STACK_FLAGS, 'publish-topic': { type: 'string' } });
  const topic = flags['publish-topic'];
  if (topic !== undefined && !topicArnSchema.safeParse(topic).success)
    throw new UsageError(`--publish-topic must be an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME), got "${topic}"`);
  const stacks = await loadStacks(io, {
    skipSynth: flags['skip-synth'],
    cdktfOut: flags['cdktf-out'],
    stacks: flags.stack,
  });
  const outDir = resolve(io.cwd, flags.out ?? 'cdktf.out/drift');
  const env = terraformEnv(io.env);

  const outcomes = await forEachStack(io, stacks, async (stack) => {
    const saved = await planStack(io.runner, stack, env, true);
    return summarizeDrift(stack.name, saved.plan);
  });

  const report = buildDriftReport(outcomes);
  const text = formatDriftReport(report);
  writePrivate(outDir, 'drift.json', `${JSON.stringify(report, null, 2)}\n`);
  writePrivate(outDir, 'drift.txt', `${text}\n`);
  io.stdout(flags.json ? JSON.stringify(report, null, 2) : text);
  // Nightly runs publish only what needs a human: drift or a failed check.
  if (topic && report.exitCode !== 0) await publish(topic, report, text, io);
  return report.exitCode;
}

if (require.main === module) runMain(driftMain, DRIFT_USAGE);
