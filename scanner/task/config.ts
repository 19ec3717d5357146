/**
 * The task's one configuration reader: the scan request the trigger passed through RunTask overrides
 * (decoded by its contract, contracts/scan-request.ts) and the task-only settings, validated here, once,
 * before anything touches git or AWS. Event values are only ever used in the shapes the contract's
 * validators allow (commit ids, repository names), which is what makes the clone safe.
 */
import * as z from 'zod/mini';
import { TASK_ENV } from '../../contracts/env';
import { envIssueList } from '../../contracts/errors';
import { decodeTaskEnv, type TaskInput } from '../../contracts/scan-request';
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

/** Fetch and scan together; a PR diff or a default branch that takes longer is stuck, not big. */
export const DEFAULT_SCAN_TIMEOUT_SECONDS = 900;
const MAX_SCAN_TIMEOUT_SECONDS = 86_400;

const settingsSchema = z.object({
  [TASK_ENV.scanTimeoutSeconds]: z.optional(
    z
      .string()
      .check(
        z.refine(
          (v) => /^\d{1,5}(\.\d{1,3})?$/.test(v) && Number(v) > 0 && Number(v) <= MAX_SCAN_TIMEOUT_SECONDS,
          `must be a number of seconds, more than 0 and at most ${MAX_SCAN_TIMEOUT_SECONDS}`,
        ),
      ),
  ),
});

export interface TaskConfig extends TaskInput {
  /** The overall deadline of fetch + scan. */
  scanTimeoutMs: number;
}

export function readTaskConfig(env: NodeJS.ProcessEnv): TaskConfig {
  const input = decodeTaskEnv(env);
  const settings = settingsSchema.safeParse(env);
  const problems = [
    ...(input.success ? [] : input.problems),
    ...(settings.success ? [] : envIssueList(env, settings.error)),
  ];
  // A CodeCommit URL must name the same repository the comments go to (the trigger builds both from one value).
  const remote = input.success ? parseCodeCommitUrl(input.data.cloneUrl) : undefined;
  if (input.success && remote && remote.path !== `/v1/repos/${input.data.request.repository}`) {
    problems.push(`${TASK_ENV.cloneUrl}: must be the CodeCommit URL of ${TASK_ENV.repository}`);
  }
  if (!input.success || !settings.success || problems.length > 0) {
    throw new TaskConfigError(`invalid task configuration (${problems.length} problem(s))`, problems);
  }
  const seconds = settings.data[TASK_ENV.scanTimeoutSeconds];
  return {
    ...input.data,
    scanTimeoutMs: Math.round((seconds === undefined ? DEFAULT_SCAN_TIMEOUT_SECONDS : Number(seconds)) * 1000),
  };
}
