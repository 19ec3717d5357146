/**
 * The task's one configuration reader: every value the trigger passes through RunTask overrides is
 * validated here, once, before anything touches git or AWS. Event values are only ever used in the
 * shapes these schemas allow (commit ids, repository names), which is what makes the clone safe.
 */
import * as z from 'zod/mini';
import { SCAN_MODES, TASK_ENV } from '../../contracts/env';
import { commitIdSchema, repositoryNameSchema } from '../../contracts/events';
import { LeakscanError } from '../errors';
import { parseCodeCommitUrl } from './codecommit-credentials';

export class TaskConfigError extends LeakscanError {
  constructor(
    message: string,
    /** One entry per invalid variable: `NAME: reason` (never the value: it may be hostile or long). */
    readonly problems: string[],
  ) {
    super(message);
  }
}

export const topicArnSchema = z
  .string()
  .check(z.regex(/^arn:aws(-cn|-us-gov|-iso|-iso-b)?:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/, 'must be an SNS topic ARN'));

/**
 * https (no user info: credentials never go in URLs) or file:// with an absolute path (local runs
 * and tests). Everything else — ssh, git://, ext::, fd::, relative paths, `%` escapes, option-like
 * strings — is refused.
 */
export const cloneUrlSchema = z
  .string()
  .check(
    z.maxLength(2048),
    z.regex(/^(https:\/\/[A-Za-z0-9.-]+(:\d+)?|file:\/\/)\/[A-Za-z0-9._\/-]*$/, 'must be an https:// URL without user info or a file:/// URL'),
    z.refine((url) => !url.split('/').some((segment) => segment === '..' || segment === '.'), 'must not contain . or .. path segments'),
  );

const baseSchema = z.object({
  [TASK_ENV.repository]: repositoryNameSchema,
  [TASK_ENV.cloneUrl]: cloneUrlSchema,
  [TASK_ENV.findingsTopicArn]: topicArnSchema,
  [TASK_ENV.notifyClean]: z.optional(z.enum(['true', 'false'], 'must be "true" or "false"')),
});
const modeSchema = z.enum(SCAN_MODES, `must be one of ${SCAN_MODES.join(', ')}`);
const pullRequestSchema = z.object({
  [TASK_ENV.sourceCommit]: commitIdSchema,
  [TASK_ENV.destinationCommit]: commitIdSchema,
  [TASK_ENV.pullRequestId]: z.string().check(z.regex(/^[1-9][0-9]{0,19}$/, 'must be a pull request number')),
});

interface CommonConfig {
  repository: string;
  cloneUrl: string;
  findingsTopicArn: string;
  notifyClean: boolean;
}
export interface PullRequestTarget {
  pullRequestId: string;
  /** The PR's head: what the scan looks at. */
  sourceCommit: string;
  /** The branch the PR merges into: everything reachable from it is already scanned. */
  destinationCommit: string;
}
export type TaskConfig = CommonConfig & ({ mode: 'pr'; pullRequest: PullRequestTarget } | { mode: 'full' });

export function readTaskConfig(env: NodeJS.ProcessEnv): TaskConfig {
  const mode = modeSchema.safeParse(env[TASK_ENV.mode]);
  const base = baseSchema.safeParse(env);
  // PR fields are checked unless the mode is known to be `full`, so one run reports every problem.
  const pullRequest = mode.success && mode.data === 'full' ? undefined : pullRequestSchema.safeParse(env);
  const problems = [
    ...(mode.success ? [] : [`${TASK_ENV.mode}: ${env[TASK_ENV.mode] === undefined ? 'is not set' : mode.error.issues[0]!.message}`]),
    ...[base, pullRequest]
      .flatMap((result) => (result && !result.success ? result.error.issues : []))
      .map((issue) => `${issue.path.join('.')}: ${env[String(issue.path[0])] === undefined ? 'is not set' : issue.message}`),
  ];
  // A CodeCommit URL must name the same repository the comments go to (the trigger builds both from one value).
  const remote = base.success ? parseCodeCommitUrl(base.data[TASK_ENV.cloneUrl]) : undefined;
  if (base.success && remote && remote.path !== `/v1/repos/${base.data[TASK_ENV.repository]}`) {
    problems.push(`${TASK_ENV.cloneUrl}: must be the CodeCommit URL of ${TASK_ENV.repository}`);
  }
  if (problems.length > 0 || !mode.success || !base.success || (pullRequest && !pullRequest.success)) {
    throw new TaskConfigError(`invalid task configuration (${problems.length} problem(s))`, problems);
  }
  const common: CommonConfig = {
    repository: base.data[TASK_ENV.repository],
    cloneUrl: base.data[TASK_ENV.cloneUrl],
    findingsTopicArn: base.data[TASK_ENV.findingsTopicArn],
    notifyClean: base.data[TASK_ENV.notifyClean] === 'true',
  };
  if (!pullRequest) return { ...common, mode: 'full' };
  return {
    ...common,
    mode: 'pr',
    pullRequest: {
      pullRequestId: pullRequest.data[TASK_ENV.pullRequestId],
      sourceCommit: pullRequest.data[TASK_ENV.sourceCommit],
      destinationCommit: pullRequest.data[TASK_ENV.destinationCommit],
    },
  };
}
