/**
 * `leakscan task`: the Fargate task's entrypoint. Reads the configuration the trigger passed, fetches
 * what the scan needs, scans, publishes one SNS message, comments on the pull request.
 *
 * Exit code 0 means the scan completed — with or without findings — so the failure alarm fires only
 * for real failures (2: bad configuration, fetch, scan or publish failed, or fetch + scan ran past the
 * task's deadline). PR comments are a second channel after SNS: a comment failure is logged
 * (`pr-comments-failed`, level error) and does not fail the task, because the findings were already
 * delivered and the PR may simply have been closed or merged since the event.
 */
import { CodeCommitClient } from '@aws-sdk/client-codecommit';
import { SNSClient } from '@aws-sdk/client-sns';
import { tmpdir } from 'node:os';
import { NOTHING_SKIPPED, type ScanReport } from '../../contracts/finding';
import { createLogger, describeError, type Logger } from '../../contracts/log';
import { LeakscanError } from '../errors';
import { postPullRequestComments } from '../notify/comments';
import { buildFindingsMessage, publicFinding } from '../notify/message';
import { publishFindings } from '../notify/sns';
import { highestSeverity, type ScanContext } from '../notify/wording';
import { scan } from '../scan';
import { fetchForScan } from './clone';
import { codeCommitGitCredentials, parseCodeCommitUrl } from './codecommit-credentials';
import { readTaskConfig, TaskConfigError, type TaskConfig } from './config';

/** Fetch and scan together did not finish within the task's deadline (LEAKSCAN_SCAN_TIMEOUT_SECONDS). */
class ScanDeadlineError extends LeakscanError {}

const EMPTY_REPORT: ScanReport = {
  findings: [],
  stats: { filesScanned: 0, bytesScanned: 0, skipped: NOTHING_SKIPPED, suppressed: 0, durationMs: 0 },
};

function regionOf(arn: string): string {
  return arn.split(':')[3]!;
}

function scanContext(config: TaskConfig): ScanContext {
  return {
    ...config.request,
    region: parseCodeCommitUrl(config.cloneUrl)?.region ?? regionOf(config.findingsTopicArn),
  };
}

/** The configuration, or undefined after logging why there is none. */
function readConfig(env: NodeJS.ProcessEnv, log: Logger): TaskConfig | undefined {
  try {
    return readTaskConfig(env);
  } catch (error) {
    if (!(error instanceof TaskConfigError)) throw error;
    log.error('invalid-configuration', { message: error.message, problems: error.problems });
    return undefined;
  }
}

/** The fields every line of one run carries (the pull request's under the names ops queries use). */
function runFields(config: TaskConfig): Record<string, string> {
  const { request } = config;
  if (request.mode === 'full') return { repository: request.repository, mode: 'full' };
  const { id, base, head } = request.pullRequest;
  return { repository: request.repository, mode: 'pr', pullRequestId: id, sourceCommit: head, destinationCommit: base };
}

/** Fetches into a fresh workspace, scans it, removes it; `signal` ends both early. */
async function fetchAndScan(
  config: TaskConfig,
  env: NodeJS.ProcessEnv,
  codecommit: CodeCommitClient,
  signal: AbortSignal,
  log: Logger,
): Promise<ScanReport> {
  const started = Date.now();
  const remote = parseCodeCommitUrl(config.cloneUrl);
  // The task role's credentials, resolved by the SDK's default chain (container credentials on Fargate).
  const credentials = remote && (await codeCommitGitCredentials(remote, await codecommit.config.credentials()));
  const workspace = await fetchForScan({
    cloneUrl: config.cloneUrl,
    target: config.request,
    tmpRoot: env.TMPDIR ?? tmpdir(),
    signal,
    ...(credentials && { credentials }),
    ...(env.PATH && { path: env.PATH }),
  });
  try {
    log.info('fetched', {
      durationMs: Date.now() - started,
      blobsFetched: workspace.blobsFetched,
      empty: workspace.scan === undefined,
      settings: Object.keys(workspace.settings),
    });
    if (!workspace.scan) return EMPTY_REPORT;
    return await scan({ root: workspace.root, ...workspace.scan, ...workspace.settings, signal });
  } finally {
    await workspace.cleanup();
  }
}

/**
 * `work`, or a ScanDeadlineError as soon as `deadline` aborts: the task ends on time even where the work
 * is slow to notice the signal.
 */
function beforeDeadline<T>(work: Promise<T>, deadline: AbortSignal, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const expire = () => reject(new ScanDeadlineError(`fetch and scan did not finish within ${timeoutMs / 1000} s`));
    deadline.addEventListener('abort', expire, { once: true });
    work.then(resolve, reject).finally(() => deadline.removeEventListener('abort', expire));
  });
}

/** One SNS message (findings, or a clean scan when asked for), then the PR comments. */
async function notify(
  config: TaskConfig,
  context: ScanContext,
  report: ScanReport,
  codecommit: CodeCommitClient,
  log: Logger,
): Promise<void> {
  if (report.findings.length > 0 || config.notifyClean) {
    const message = buildFindingsMessage(context, report);
    const sns = new SNSClient({ region: regionOf(config.findingsTopicArn) });
    const messageId = await publishFindings(sns, config.findingsTopicArn, message);
    log.info('notification-published', { messageId, subject: message.subject, listedCount: message.listedCount });
  }
  if (config.request.mode !== 'pr' || report.findings.length === 0) return;
  try {
    const outcome = await postPullRequestComments(codecommit, config.request, report.findings, log);
    (outcome.failed > 0 ? log.error : log.info)('pr-comments', { ...outcome });
  } catch (error) {
    log.error('pr-comments-failed', { error: describeError(error) });
  }
}

export async function runScannerTask(
  env: NodeJS.ProcessEnv = process.env,
  baseLog: Logger = createLogger({ service: 'leakscan-task' }),
): Promise<number> {
  const config = readConfig(env, baseLog);
  if (!config) return 2;
  const context = scanContext(config);
  const log = baseLog.child(runFields(config));
  const codecommit = new CodeCommitClient({ region: context.region });
  const deadline = AbortSignal.timeout(config.scanTimeoutMs);
  try {
    const report = await beforeDeadline(
      fetchAndScan(config, env, codecommit, deadline, log),
      deadline,
      config.scanTimeoutMs,
    );
    log.info('scan-completed', {
      findingsCount: report.findings.length,
      highestSeverity: highestSeverity(report.findings),
      stats: report.stats,
      findings: report.findings.slice(0, 100).map(publicFinding),
    });
    await notify(config, context, report, codecommit, log);
    return 0;
  } catch (error) {
    // Nothing is published after a deadline: a partial scan reported as clean would mislead; ops hear of it
    // through the failed-task alarm that exit code 2 fires.
    if (error instanceof ScanDeadlineError)
      log.error('scan-deadline-exceeded', { message: error.message, timeoutMs: config.scanTimeoutMs });
    else log.error('task-failed', { error: describeError(error) });
    return 2;
  }
}
