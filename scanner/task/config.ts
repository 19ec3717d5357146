/**
 * The task's one configuration reader: the scan request the trigger passed through RunTask overrides
 * (decoded by its contract, contracts/scan-request.ts) and the task-only settings (deadline, task role,
 * findings lifecycle, verification), validated here, once, every problem at once, before anything
 * touches git or AWS. Event values are only ever used in the shapes the contract's validators allow
 * (commit ids, repository names), which is what makes the clone safe.
 */
import * as z from 'zod/mini';
import { TASK_ENV } from '../../contracts/env';
import { envIssueList } from '../../contracts/errors';
import { decodeTaskEnv, type TaskInput } from '../../contracts/scan-request';
import { LeakscanError, UsageError } from '../errors';
import { FindingsConfigError, readFindingsConfig, type FindingsConfig } from '../findings';
import { ROLE_ARN } from '../notify/comments';
import { stsTarget } from '../verify';
import type { StsTarget } from '../verify/sts';
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
  // Unset (local runs): no comment counts as leakscan's own, so a re-run may repeat one but none is silenced.
  [TASK_ENV.taskRoleArn]: z.optional(z.string().check(z.regex(ROLE_ARN, 'must be an IAM role ARN'))),
  [TASK_ENV.verify]: z.optional(z.enum(['true', 'false'], 'must be "true" or "false"')),
});

export interface TaskConfig extends TaskInput {
  /** The overall deadline of fetch + scan. */
  scanTimeoutMs: number;
  /** The task role's ARN, when the task definition sets it. */
  taskRoleArn?: string;
  /** The findings lifecycle; undefined when no table is configured. */
  findings?: FindingsConfig;
  /** Where to verify key pairs; undefined when verification is off. */
  verify?: StsTarget;
}

/** The STS endpoint to verify with, or the problem (the endpoint and Region are the platform's, not quoted). */
function readVerify(env: NodeJS.ProcessEnv): { verify?: StsTarget; problems: string[] } {
  if (env[TASK_ENV.verify] !== 'true') return { problems: [] };
  try {
    return { verify: stsTarget({}, env), problems: [] };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return { problems: [`${TASK_ENV.verify}: AWS_REGION and AWS_ENDPOINT_URL_STS must name an STS endpoint`] };
  }
}

/** The lifecycle's settings, or their problems (so they are reported with everyone else's). */
function readFindings(env: NodeJS.ProcessEnv): { findings?: FindingsConfig; problems: string[] } {
  try {
    const findings = readFindingsConfig(env);
    return { ...(findings && { findings }), problems: [] };
  } catch (error) {
    if (error instanceof FindingsConfigError) return { problems: error.problems };
    throw error;
  }
}

export function readTaskConfig(env: NodeJS.ProcessEnv): TaskConfig {
  const input = decodeTaskEnv(env);
  const settings = settingsSchema.safeParse(env);
  const { findings, problems: findingsProblems } = readFindings(env);
  const { verify, problems: verifyProblems } = readVerify(env);
  const problems = [
    ...(input.success ? [] : input.problems),
    ...(settings.success ? [] : envIssueList(env, settings.error)),
    ...findingsProblems,
    ...verifyProblems,
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
  const taskRoleArn = settings.data[TASK_ENV.taskRoleArn];
  return {
    ...input.data,
    scanTimeoutMs: Math.round((seconds === undefined ? DEFAULT_SCAN_TIMEOUT_SECONDS : Number(seconds)) * 1000),
    ...(taskRoleArn && { taskRoleArn }),
    ...(findings && { findings }),
    ...(verify && { verify }),
  };
}
