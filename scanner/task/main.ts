/**
 * `leakscan task`: the Fargate task's entrypoint. Reads the configuration the trigger passed, fetches
 * what the scan needs, scans, records the scan in the findings lifecycle (when a table is configured),
 * publishes one SNS message, comments on the pull request.
 *
 * With the lifecycle only what changed is told: new findings (or open again) and status changes of known
 * ones, so a nightly full scan of an unchanged repository sends nothing. Without it, or when recording
 * fails, every finding is told, as a repeated e-mail beats a lost one; Security Hub and EventBridge
 * failures are logged (`findings-publish-failed`) and do not fail the task (the next scan heals them).
 *
 * Exit code 0 means the scan completed — with or without findings — so the failure alarm fires only
 * for real failures (2: bad configuration, fetch, scan or publish failed, or fetch + scan ran past the
 * task's deadline). PR comments are a second channel after SNS: a comment failure is logged
 * (`pr-comments-failed`, level error) and does not fail the task, because the findings were already
 * delivered and the PR may simply have been closed or merged since the event.
 */
import { CodeCommitClient } from '@aws-sdk/client-codecommit';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { tmpdir } from 'node:os';
import { NOTHING_SKIPPED, type Finding, type ScanReport } from '../../contracts/finding';
import { createLogger, describeError, type Logger } from '../../contracts/log';
import { LeakscanError } from '../errors';
import {
  createFindingsSinks,
  recordScan,
  recordScannedHead,
  scopeOf,
  type FindingChange,
  type ScanScope,
  type Suppression,
  type Verification,
} from '../findings';
import { postPullRequestComments, trustedCommentAuthor } from '../notify/comments';
import { buildFindingsMessage, publicFinding } from '../notify/message';
import { publishFindings } from '../notify/sns';
import { statusChanges } from '../notify/status';
import { highestSeverity, type ScanContext } from '../notify/wording';
import { scan } from '../scan';
import { fetchForScan, type ScanTarget } from './clone';
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

/** The fields every line of one run carries (the commits under the names ops queries use). */
function runFields(config: TaskConfig): Record<string, string> {
  const { request } = config;
  const { repository, mode } = request;
  if (mode === 'full') {
    const { history } = request;
    if (!history) return { repository, mode };
    return { repository, mode, sourceCommit: history.head, ...(history.base && { destinationCommit: history.base }) };
  }
  if (mode === 'push') {
    const { base, head } = request.push;
    return { repository, mode, sourceCommit: head, ...(base && { destinationCommit: base }) };
  }
  const { id, base, head } = request.pullRequest;
  return { repository, mode, pullRequestId: id, sourceCommit: head, destinationCommit: base };
}

/** One scan as the lifecycle takes it: what it found and what it covered. */
interface Pass {
  report: ScanReport;
  scope: ScanScope;
}

/** What one run saw: everything found, and the lifecycle's passes (none: the repository is empty). */
interface Scanned {
  report: ScanReport;
  passes: Pass[];
}

/** The range's findings, then the head tree's values the range did not add (each value is told once). */
function mergedReport(range: ScanReport, tree: ScanReport): ScanReport {
  const known = new Set(range.findings.map((finding) => finding.fingerprint));
  return { ...range, findings: [...range.findings, ...tree.findings.filter((f) => !known.has(f.fingerprint))] };
}

function headOf(target: ScanTarget): string {
  return 'tree' in target ? target.tree : target.diff.head;
}

/** Fetches into a fresh workspace, scans it, removes it; `signal` ends both early. */
async function fetchAndScan(
  config: TaskConfig,
  env: NodeJS.ProcessEnv,
  codecommit: CodeCommitClient,
  signal: AbortSignal,
  log: Logger,
): Promise<Scanned> {
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
    if (!workspace.scan) return { report: EMPTY_REPORT, passes: [] };
    const { verify } = config;
    const options = { root: workspace.root, ...workspace.settings, ...(verify && { verify }), signal };
    const report = await scan({ ...options, ...workspace.scan });
    const head = headOf(workspace.scan);
    const { headTree } = workspace;
    if (headTree === undefined) return { report, passes: [{ report, scope: scopeOf(config.request, head) }] };
    // Incremental: the range tells what is new (history, not just the tip); only the head's whole tree can
    // tell what is gone from it (removed-from-head), so it is scanned too and applied after the range.
    const tree = await scan({ ...options, tree: headTree });
    return {
      report: mergedReport(report, tree),
      passes: [
        { report, scope: { kind: 'range', head } },
        { report: tree, scope: scopeOf(config.request, headTree) },
      ],
    };
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

/** What verification said of each value it could try (both halves of a key pair carry the answer). */
/** The repository's own accepted values (pragma, `allow`, baseline), so their records become `suppressed`. */
function suppressionsOf(report: ScanReport): Suppression[] {
  return (report.suppressed ?? []).map(({ fingerprint, reason }) => ({ fingerprint, source: reason }));
}

function verificationsOf(findings: readonly Finding[]): Verification[] {
  return findings.flatMap(({ fingerprint, verification: state }) =>
    state === 'active' || state === 'inactive' ? [{ fingerprint, state }] : [],
  );
}

/** What to tell people about one scan. */
interface News {
  /** The findings to list and comment on. */
  findings: Finding[];
  /** The lifecycle's changes (status changes of known findings are listed too). */
  changes: FindingChange[];
}

/**
 * Records the scan in the findings lifecycle and returns what it says is news; every finding when the
 * lifecycle is off or recording fails (a repeated e-mail beats a lost one).
 */
async function recordFindings(config: TaskConfig, { report, passes }: Scanned, log: Logger): Promise<News> {
  const everything: News = { findings: report.findings, changes: [] };
  if (!config.findings || passes.length === 0) return everything;
  try {
    const sinks = createFindingsSinks(config.findings);
    const news: News = { findings: [], changes: [] };
    for (const pass of passes) {
      const recorded = await recordScan(sinks, {
        repository: config.request.repository,
        scope: pass.scope,
        report: pass.report,
        suppressions: suppressionsOf(pass.report),
        verifications: verificationsOf(pass.report.findings),
      });
      for (const failure of recorded.failures) log.error('findings-publish-failed', { error: describeError(failure) });
      log.info('findings-recorded', {
        scope: pass.scope.kind,
        written: recorded.written,
        opened: recorded.changes.filter((c) => c.type === 'opened').length,
        statusChanged: statusChanges(recorded.changes).length,
        notifyCount: recorded.notifyFindings.length,
      });
      news.findings.push(...recorded.notifyFindings);
      news.changes.push(...recorded.changes);
    }
    await rememberHead(config, log);
    return news;
  } catch (error) {
    // Without the store's answer nothing is known to be old: telling everything again beats losing a leak.
    log.error('findings-record-failed', { error: describeError(error) });
    return everything;
  }
}

/**
 * After an incremental scan is recorded: its head, so the next tick scans only what comes after. A failure
 * is only logged: the findings are recorded, and the next tick scans the same range again, which the
 * lifecycle reports nothing new for.
 */
async function rememberHead({ request, findings }: TaskConfig, log: Logger): Promise<void> {
  if (request.mode !== 'full' || !request.history || !findings) return;
  const { head } = request.history;
  try {
    await recordScannedHead(new DynamoDBClient({ region: findings.table.region }), findings.table.name, {
      repository: request.repository,
      commit: head,
      now: new Date(),
    });
    log.info('scanned-head-recorded', { commit: head });
  } catch (error) {
    log.error('scanned-head-not-recorded', { error: describeError(error) });
  }
}

/** One SNS message (news, or a clean scan when asked for), then the PR comments. */
async function notify(
  config: TaskConfig,
  context: ScanContext,
  { report, news }: { report: ScanReport; news: News },
  codecommit: CodeCommitClient,
  log: Logger,
): Promise<void> {
  const { findings, changes } = news;
  const clean = report.findings.length === 0;
  if (findings.length > 0 || statusChanges(changes).length > 0 || (clean && config.notifyClean)) {
    const message = buildFindingsMessage(context, { ...report, findings }, { changes });
    const sns = new SNSClient({ region: regionOf(config.findingsTopicArn) });
    const messageId = await publishFindings(sns, config.findingsTopicArn, message);
    log.info('notification-published', { messageId, subject: message.subject, listedCount: message.listedCount });
  }
  if (config.request.mode !== 'pr' || findings.length === 0) return;
  try {
    const trusted = trustedCommentAuthor(config.taskRoleArn);
    const outcome = await postPullRequestComments(codecommit, config.request, findings, log, trusted);
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
    const scanned = await beforeDeadline(
      fetchAndScan(config, env, codecommit, deadline, log),
      deadline,
      config.scanTimeoutMs,
    );
    const { report } = scanned;
    log.info('scan-completed', {
      findingsCount: report.findings.length,
      highestSeverity: highestSeverity(report.findings),
      stats: report.stats,
      findings: report.findings.slice(0, 100).map(publicFinding),
    });
    const news = await recordFindings(config, scanned, log);
    await notify(config, context, { report, news }, codecommit, log);
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
