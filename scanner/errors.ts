/**
 * Typed errors for fatal problems. Each carries the exit code the CLI sets (2 = usage or fatal error),
 * and the underlying error as `cause`, so callers (CLI, Fargate task) can branch on the class.
 */
export class LeakscanError extends Error {
  readonly exitCode: number = 2;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad command line or scan options. */
export class UsageError extends LeakscanError {}

/** A git command failed (unknown revision, not a repository, git missing). */
export class GitError extends LeakscanError {}

/** The config or baseline file is missing, unreadable or invalid. */
export class ConfigError extends LeakscanError {}
