/**
 * Typed errors for fatal problems of the scanner (CLI and Fargate task). Each carries the exit code the
 * CLI sets (2 = usage or fatal error), and the underlying error as `cause`, so callers can branch on
 * the class.
 */
import { LeakscanBaseError } from '../contracts/errors';

export class LeakscanError extends LeakscanBaseError {
  readonly exitCode: number = 2;
}

/** Bad command line or scan options. */
export class UsageError extends LeakscanError {}

/** A git command failed (unknown revision, not a repository, git missing). */
export class GitError extends LeakscanError {}

/** The repository's scanner settings (`.leakscan.json`) or baseline file is missing, unreadable or invalid. */
export class ScanConfigError extends LeakscanError {}

/** The scan was stopped by its caller's signal (the task's overall deadline) before it finished. */
export class ScanAbortedError extends LeakscanError {}
