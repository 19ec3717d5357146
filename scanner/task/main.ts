/**
 * `leakscan task`: the Fargate task's entrypoint. Reads the configuration the trigger passed, fetches
 * what the scan needs, scans, publishes one SNS message, comments on the pull request.
 *
 * Exit code 0 means the scan completed — with or without findings — so the failure alarm fires only
 * for real failures (2: bad configuration, fetch, scan or publish failed). PR comments are a second
 * channel after SNS: a comment failure is logged (`pr-comments-failed`, level error) and does not
 * fail the task, because the findings were already delivered and the PR may simply have been closed
 * or merged since the event.
 */
import { CodeCommitClient } from '@aws-sdk/client-codecommit';
import { SNSClient } from '@aws-sdk/client-sns';
import { tmpdir } from 'node:os';
import { NOTHING_SKIPPED, type ScanReport } from '../../contracts/finding';
import { createLogger, describeError, type Logger } from '../../contracts/log';
import { postPullRequestComments, type PullRequestRef } from '../notify/comments';
import { buildFindingsMessage, publicFinding } from '../notify/message';
import { publishFindings } from '../notify/sns';
import { highestSeverity, type ScanContext } from '../notify/text';
import { scan } from '../scan';
import { fetchForScan, type Workspace } from './clone';
import { codeCommitGitCredentials, parseCodeCommitUrl } from './codecommit-credentials';
import { readTaskConfig, TaskConfigError, type TaskConfig } from './config';

const EMPTY_REPORT: ScanReport = { findings: [], stats: { filesScanned: 0, bytesScanned: 0, skipped: NOTHING_SKIPPED, suppressed: 0, durationMs: 0 } };

function regionOf(arn: string): string {
  return arn.split(':')[3]!;
}

function scanContext(config: TaskConfig): ScanContext {
  const region = parseCodeCommitUrl(config.cloneUrl)?.region ?? regionOf(config.findingsTopicArn);
  if (config.mode === 'full') return { repository: config.repository, mode: 'full', region };
  return { repository: config.repository, mode: 'pr', region, ...config.pullRequest };
}

export async function runTask(env: NodeJS.ProcessEnv = process.env, baseLog: Logger = createLogger({ service: 'leakscan-task' })): Promise<number> {
  let config: TaskConfig;
  try {
    config = readTaskConfig(env);
  } catch (error) {
    if (!(error instanceof TaskConfigError)) throw error;
    baseLog.error('invalid-configuration', { message: error.message, problems: error.problems });
    return 2;
  }
  const context = scanContext(config);
  const log = baseLog.child({ repository: context.repository, mode: context.mode, ...(config.mode === 'pr' && config.pullRequest) });
  const codecommit = new CodeCommitClient({ region: context.region });
  let workspace: Workspace | undefined;
  try {
    const started = Date.now();
    const remote = parseCodeCommitUrl(config.cloneUrl);
    // The task role's credentials, resolved by the SDK's default chain (container credentials on Fargate).
    const credentials = remote && (await codeCommitGitCredentials(remote, await codecommit.config.credentials()));
    workspace = await fetchForScan({
      cloneUrl: config.cloneUrl,
      target: config.mode === 'pr' ? { mode: 'pr', ...config.pullRequest } : { mode: 'full' },
      tmpRoot: env.TMPDIR ?? tmpdir(),
      ...(credentials && { credentials }),
      ...(env.PATH && { path: env.PATH }),
    });
    log.info('fetched', {
      durationMs: Date.now() - started,
      blobsFetched: workspace.blobsFetched,
      empty: workspace.scan === undefined,
      settings: Object.keys(workspace.settings),
    });

    const report = workspace.scan ? await scan({ root: workspace.root, ...workspace.scan, ...workspace.settings }) : EMPTY_REPORT;
    log.info('scan-completed', {
      findingsCount: report.findings.length,
      highestSeverity: highestSeverity(report.findings),
      stats: report.stats,
      findings: report.findings.slice(0, 100).map(publicFinding),
    });

    if (report.findings.length > 0 || config.notifyClean) {
      const message = buildFindingsMessage(context, report);
      const messageId = await publishFindings(new SNSClient({ region: regionOf(config.findingsTopicArn) }), config.findingsTopicArn, message);
      log.info('notification-published', { messageId, subject: message.subject, listedCount: message.listedCount });
    }
    if (config.mode === 'pr' && report.findings.length > 0) {
      const pr: PullRequestRef = { repository: config.repository, ...config.pullRequest };
      try {
        const outcome = await postPullRequestComments(codecommit, pr, report.findings, log);
        (outcome.failed > 0 ? log.error : log.info)('pr-comments', { ...outcome });
      } catch (error) {
        log.error('pr-comments-failed', { error: describeError(error) });
      }
    }
    return 0;
  } catch (error) {
    log.error('task-failed', { error: describeError(error) });
    return 2;
  } finally {
    await workspace?.cleanup();
  }
}
