/**
 * One scan request: what the trigger Lambda asks the scanner task to scan, from the EventBridge event to
 * the SNS message and the PR comments. The Lambda builds it from a validated event, encodes it (with the
 * task-only settings) into the task's environment through RunTask overrides; the task decodes it once and
 * hands the same value to the fetch, the scan, the e-mail and the comments.
 *
 * Also the shared validators for every value that crosses that boundary (pull-request ids, commit ids,
 * repository names, clone URLs, ARNs): the event schema, both configuration readers and the fetch use
 * these and only these. Messages never quote the value: it may be hostile or huge.
 * The SNS payload (`leakscan.findings/v1`, scanner/notify) is a separate, versioned contract.
 */
import * as z from 'zod/mini';
import { TASK_ENV } from './env';
import { envIssueList } from './errors';

export const SCAN_MODES = ['pr', 'push', 'full'] as const;

/** CodeCommit's pull request id: a decimal string (not a number), at most 20 digits. */
export const pullRequestIdSchema = z.string().check(z.regex(/^[1-9][0-9]{0,19}$/, 'must be a decimal pull request id'));

/** Full git object id: the task diffs by commit, never by branch name, and nothing option-like reaches git. */
export const commitIdSchema = z
  .string()
  .check(z.regex(/^[0-9a-f]{40}$/, 'must be a 40-character lowercase hex commit id'));

/**
 * CodeCommit's naming rules: letters, digits, `_`, `.`, `-`, 1..100 characters, not ending in `.git`.
 * Names made only of dots are refused as well: they would turn the clone URL into a path traversal.
 */
export const repositoryNameSchema = z.string().check(
  z.regex(/^[\w.-]{1,100}$/, 'must be 1-100 characters of letters, digits, "_", "." or "-"'),
  z.refine((name) => !/\.git$/i.test(name), 'must not end in .git'),
  z.refine((name) => !/^\.+$/.test(name), 'must not consist of dots only'),
);

/**
 * https (no user info: credentials never go in URLs) or file:// with an absolute path (local runs
 * and tests). Everything else — ssh, git://, ext::, fd::, relative paths, `%` escapes, option-like
 * strings, quotes or newlines that could break the workspace's git config — is refused.
 */
export const cloneUrlSchema = z.string().check(
  z.maxLength(2048),
  z.regex(
    /^(https:\/\/[A-Za-z0-9.-]+(:\d+)?|file:\/\/)\/[A-Za-z0-9._/-]*$/,
    'must be an https:// URL without user info or a file:/// URL',
  ),
  z.refine(
    (url) => !url.split('/').some((segment) => segment === '..' || segment === '.'),
    'must not contain . or .. path segments',
  ),
);

/**
 * An ARN of `service` whose resource part matches `resource` (a regex source), in any partition
 * (aws, aws-cn, aws-us-gov, aws-iso-b, …), with a Region and a 12-digit account.
 */
export function arnSchema(service: string, resource: string, what: string) {
  return z
    .string()
    .check(z.regex(new RegExp(`^arn:aws(-[a-z]+){0,2}:${service}:[a-z0-9-]+:\\d{12}:${resource}$`), `must be ${what}`));
}

export const topicArnSchema = arnSchema('sns', '[A-Za-z0-9_-]{1,256}(\\.fifo)?', 'an SNS topic ARN');

/** The commit range of a pull request scan: what `head` adds on top of `base`. */
export interface PullRequest {
  id: string;
  /** The destination commit (CodeCommit's beforeCommitId): everything reachable from it is not scanned. */
  base: string;
  /** The source commit (afterCommitId): the pull request's head, where inline comments sit. */
  head: string;
}

/**
 * The default branch's commits an incremental scheduled scan covers: what `head` adds on top of `base`,
 * the head the last scheduled scan recorded. Without `base` (the repository's first scan, or nothing
 * recorded) every commit reachable from `head`.
 */
export interface HistoryRange {
  base?: string;
  head: string;
}

export interface FullScanRequest {
  repository: string;
  /** The repository's default branch, as it is now. */
  mode: 'full';
  /**
   * Incremental: the commits since the last scanned head, scanned as history, and `head`'s tree for what is
   * still there. Absent: only the tree of the default branch's tip (no findings table to remember heads).
   */
  history?: HistoryRange;
}
export interface PullRequestScanRequest {
  repository: string;
  mode: 'pr';
  pullRequest: PullRequest;
}
/**
 * The commits one push added to a branch. The branch's name is not here: it is untrusted text that
 * decides nothing the task does (the trigger uses it only hashed, in the idempotency key).
 */
export interface Push {
  /**
   * The branch's previous head (oldCommitId): everything reachable from it is not scanned, even after a
   * force push (then `head` adds whatever it does not share with the old head). Absent for a new branch:
   * the task scans what the branch adds to the repository's other branch heads (scanner/task/clone.ts).
   */
  base?: string;
  /** The branch's new head (commitId). */
  head: string;
}
export interface PushScanRequest {
  repository: string;
  mode: 'push';
  push: Push;
}
export type ScanRequest = FullScanRequest | PullRequestScanRequest | PushScanRequest;

/** Everything the trigger tells one task run: the request, where to fetch it, where results go. */
export interface TaskInput {
  request: ScanRequest;
  cloneUrl: string;
  findingsTopicArn: string;
  /** Publish a message for clean scans as well. */
  notifyClean: boolean;
}

/**
 * The task's environment overrides, in this order (the RunTask request, and so its clientToken
 * conflict check, depends on it): common fields, then the pull request's, the push's or the incremental
 * scan's. A push and an incremental scan reuse the commit variables (source = the new head, destination
 * = the old one) so one pair of names means "scan what source adds on top of destination" in every mode.
 */
export function encodeTaskEnv(input: TaskInput): Record<string, string> {
  const { request } = input;
  return {
    [TASK_ENV.repository]: request.repository,
    [TASK_ENV.cloneUrl]: input.cloneUrl,
    [TASK_ENV.mode]: request.mode,
    [TASK_ENV.findingsTopicArn]: input.findingsTopicArn,
    [TASK_ENV.notifyClean]: String(input.notifyClean),
    ...(request.mode === 'pr' && {
      [TASK_ENV.pullRequestId]: request.pullRequest.id,
      [TASK_ENV.sourceCommit]: request.pullRequest.head,
      [TASK_ENV.destinationCommit]: request.pullRequest.base,
    }),
    ...(request.mode === 'push' && rangeEnv(request.push)),
    ...(request.mode === 'full' && request.history && rangeEnv(request.history)),
  };
}

function rangeEnv({ base, head }: HistoryRange): Record<string, string> {
  return { [TASK_ENV.sourceCommit]: head, ...(base !== undefined && { [TASK_ENV.destinationCommit]: base }) };
}

const modeSchema = z.enum(SCAN_MODES, `must be one of ${SCAN_MODES.join(', ')}`);
const commonSchema = z.object({
  [TASK_ENV.repository]: repositoryNameSchema,
  [TASK_ENV.cloneUrl]: cloneUrlSchema,
  [TASK_ENV.findingsTopicArn]: topicArnSchema,
  [TASK_ENV.notifyClean]: z.optional(z.enum(['true', 'false'], 'must be "true" or "false"')),
});
const pullRequestSchema = z.object({
  [TASK_ENV.sourceCommit]: commitIdSchema,
  [TASK_ENV.destinationCommit]: commitIdSchema,
  [TASK_ENV.pullRequestId]: pullRequestIdSchema,
});
const pushSchema = z.object({
  [TASK_ENV.sourceCommit]: commitIdSchema,
  [TASK_ENV.destinationCommit]: z.optional(commitIdSchema),
});

export type Decoded<T> = { success: true; data: T } | { success: false; problems: string[] };

type ModeFields = Decoded<(repository: string) => ScanRequest>;

type TaskEnv = Readonly<Record<string, string | undefined>>;

/** The mode's own fields: an unknown mode is checked as a pull request, so one run reports every problem. */
function decodeModeFields(mode: (typeof SCAN_MODES)[number] | undefined, env: TaskEnv): ModeFields {
  // A full scan with commits is incremental; a destination alone is checked (and refused) like a push's.
  const incremental =
    mode === 'full' && (env[TASK_ENV.sourceCommit] !== undefined || env[TASK_ENV.destinationCommit] !== undefined);
  if (mode === 'full' && !incremental) return { success: true, data: (repository) => ({ repository, mode: 'full' }) };
  if (mode === 'full' || mode === 'push') {
    const push = pushSchema.safeParse(env);
    if (!push.success) return { success: false, problems: envIssueList(env, push.error) };
    const base = push.data[TASK_ENV.destinationCommit];
    const head = push.data[TASK_ENV.sourceCommit];
    const range = base ? { base, head } : { head };
    return {
      success: true,
      data: (repository) =>
        mode === 'push' ? { repository, mode, push: range } : { repository, mode, history: range },
    };
  }
  const pr = pullRequestSchema.safeParse(env);
  if (!pr.success) return { success: false, problems: envIssueList(env, pr.error) };
  const pullRequest = {
    id: pr.data[TASK_ENV.pullRequestId],
    base: pr.data[TASK_ENV.destinationCommit],
    head: pr.data[TASK_ENV.sourceCommit],
  };
  return { success: true, data: (repository) => ({ repository, mode: 'pr', pullRequest }) };
}

/** Reads a task environment back; every problem at once, one `NAME: problem` entry each. */
export function decodeTaskEnv(env: TaskEnv): Decoded<TaskInput> {
  const mode = modeSchema.safeParse(env[TASK_ENV.mode]);
  const common = commonSchema.safeParse(env);
  const fields = decodeModeFields(mode.success ? mode.data : undefined, env);
  const problems = [
    ...(mode.success
      ? []
      : [`${TASK_ENV.mode}: ${env[TASK_ENV.mode] === undefined ? 'is not set' : mode.error.issues[0]!.message}`]),
    ...(common.success ? [] : envIssueList(env, common.error)),
    ...(fields.success ? [] : fields.problems),
  ];
  if (!mode.success || !common.success || !fields.success) return { success: false, problems };
  return {
    success: true,
    data: {
      request: fields.data(common.data[TASK_ENV.repository]),
      cloneUrl: common.data[TASK_ENV.cloneUrl],
      findingsTopicArn: common.data[TASK_ENV.findingsTopicArn],
      notifyClean: common.data[TASK_ENV.notifyClean] === 'true',
    },
  };
}
