/**
 * Wording shared by the e-mail and the PR comments, so both tell people the same thing.
 * Everything here works on masked findings only.
 */
import { SEVERITIES, type Finding, type FindingKind, type Severity } from '../../contracts/finding';
import { SETTINGS_FILES } from '../task/settings';

export const KIND_LABELS: Record<FindingKind, string> = {
  'aws-access-key-id': 'AWS access key id',
  'aws-secret-access-key': 'AWS secret access key',
  'aws-session-token': 'AWS session token',
  'aws-account-id': 'AWS account id',
  'aws-mws-key': 'Amazon MWS auth token',
};

/** Scan context every notification names. */
export interface ScanContext {
  repository: string;
  mode: 'pr' | 'full';
  pullRequestId?: string;
  sourceCommit?: string;
  destinationCommit?: string;
  /** Region of the repository, for console links. */
  region?: string;
}

export function highestSeverity(findings: readonly Finding[]): Severity | 'none' {
  for (const severity of SEVERITIES) if (findings.some((f) => f.severity === severity)) return severity;
  return 'none';
}

export function shortCommit(commit: string | undefined): string {
  return commit ? commit.slice(0, 12) : 'unknown';
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** `main.ts:12` */
export function location(finding: Finding): string {
  return `${finding.file}:${finding.line}`;
}

export function consoleUrl(context: ScanContext): string | undefined {
  if (!context.region) return undefined;
  const base = `https://${context.region}.console.aws.amazon.com/codesuite/codecommit/repositories/${context.repository}`;
  return context.mode === 'pr' && context.pullRequestId
    ? `${base}/pull-requests/${context.pullRequestId}/details?region=${context.region}`
    : `${base}/browse?region=${context.region}`;
}

/** What to do, in order of urgency. Removing the line is not enough: the commit stays in history. */
export function remediationSteps(kinds: ReadonlySet<FindingKind>): string[] {
  const steps: string[] = [];
  if (kinds.has('aws-access-key-id') || kinds.has('aws-secret-access-key') || kinds.has('aws-mws-key')) {
    steps.push(
      'Treat the key as compromised: deactivate it and create a new one (IAM console > Users > Security credentials, ' +
        'or `aws iam update-access-key --status Inactive`), then check CloudTrail for its use. Deleting the line does not make it safe.',
    );
  }
  if (kinds.has('aws-session-token')) {
    steps.push('Revoke the session (IAM role > "Revoke active sessions") instead of waiting for the token to expire.');
  }
  if (kinds.has('aws-account-id')) {
    steps.push('Account ids are not secret on their own but help attackers: move them to configuration or parameters.');
  }
  steps.push(
    'Remove the value from the branch history before merging (amend or rebase the pull request commits and force-push the source branch): ' +
      'a merged commit keeps the secret in the repository for everyone with read access.',
    'If it is a false positive or an intentional example, allow it: put a `leakscan:allow` comment on that line, ' +
      `or add its fingerprint to \`${SETTINGS_FILES.baselineFile}\` on the target branch (\`leakscan scan --write-baseline ${SETTINGS_FILES.baselineFile}\` writes one).`,
  );
  return steps;
}
