/**
 * Wording shared by the e-mail and the PR comments, so both tell people the same thing.
 * Everything here works on masked findings only; untrusted parts are escaped by the caller's medium.
 */
import { bySeverity, type Finding, type FindingKind, type Severity } from '../../contracts/finding';
import type { ScanRequest } from '../../contracts/scan-request';
import { shownPath } from '../report/shown';
import { SETTINGS_FILES } from '../repository-settings';

export const KIND_LABELS: Record<FindingKind, string> = {
  'aws-access-key-id': 'AWS access key id',
  'aws-secret-access-key': 'AWS secret access key',
  'aws-session-token': 'AWS session token',
  'aws-account-id': 'AWS account id',
  'aws-mws-key': 'Amazon MWS auth token',
};

/** Scan context every notification names: the scan request, and the repository's Region for console links. */
export type ScanContext = ScanRequest & { region?: string };

export function highestSeverity(findings: readonly Finding[]): Severity | 'none' {
  const [first, ...rest] = findings;
  return first ? rest.reduce((top, f) => (bySeverity(f, top) < 0 ? f : top), first).severity : 'none';
}

/** What `--verify` (STS) said of a key, for e-mail and comments; a live key is what to act on first. */
export function verificationText(f: Finding): string {
  if (f.verification === 'active') {
    const who = f.verifiedArnMasked ?? f.verifiedAccountMasked;
    return `ACTIVE KEY: AWS accepted it just now${who ? ` (${who})` : ''}. Deactivate it first.`;
  }
  return f.verification === 'inactive' ? 'inactive: AWS rejected it (deactivated or deleted)' : 'not verified';
}

export function shortCommit(commit: string | undefined): string {
  return commit ? commit.slice(0, 12) : 'unknown';
}

/** Longer paths are cut (after masking, so no cut can expose part of a value): one comment must stay one. */
export const MAX_PATH_CHARS = 500;

export function clippedPath(file: string): string {
  const shown = shownPath(file);
  return shown.length > MAX_PATH_CHARS ? `${shown.slice(0, MAX_PATH_CHARS)}…` : shown;
}

/**
 * Where a finding is, for a reader: `src/main.ts:12`, `file name keys/AKIA…` or `commit message 1a2b3c4d5e6f`.
 * `quote` escapes the untrusted part for the medium; the path is masked here, whatever the caller passed.
 */
export function place(
  finding: Pick<Finding, 'location' | 'file' | 'line' | 'commit'>,
  quote: (untrusted: string) => string,
): string {
  if (finding.location === 'commit-message') return `commit message ${quote(shortCommit(finding.commit))}`;
  if (finding.location === 'path') return `file name ${quote(clippedPath(finding.file))}`;
  return quote(`${clippedPath(finding.file)}:${finding.line}`);
}

/** Every part comes from the event or the repository: encoded, so none can turn the link elsewhere. */
export function consoleUrl(context: ScanContext): string | undefined {
  if (!context.region) return undefined;
  const region = encodeURIComponent(context.region);
  const repository = encodeURIComponent(context.repository);
  const base = `https://${region}.console.aws.amazon.com/codesuite/codecommit/repositories/${repository}`;
  if (context.mode === 'pr') {
    return `${base}/pull-requests/${encodeURIComponent(context.pullRequest.id)}/details?region=${region}`;
  }
  return context.mode === 'push'
    ? `${base}/commit/${encodeURIComponent(context.push.head)}?region=${region}`
    : `${base}/browse?region=${region}`;
}

/** What to do, in order of urgency. Removing the line is not enough: the commit stays in history. */
export function remediationSteps(kinds: ReadonlySet<FindingKind>): string[] {
  const baseline = SETTINGS_FILES.baselineFile;
  const steps: string[] = [];
  if (kinds.has('aws-access-key-id') || kinds.has('aws-secret-access-key') || kinds.has('aws-mws-key')) {
    steps.push(
      'Treat the key as compromised: deactivate it and create a new one ' +
        '(IAM console > Users > Security credentials, or `aws iam update-access-key --status Inactive`), ' +
        'then check CloudTrail for its use. Deleting the line does not make it safe.',
    );
  }
  if (kinds.has('aws-session-token')) {
    steps.push('Revoke the session (IAM role > "Revoke active sessions") instead of waiting for the token to expire.');
  }
  if (kinds.has('aws-account-id')) {
    steps.push('Account ids are not secret on their own but help attackers: move them to configuration or parameters.');
  }
  steps.push(
    'Remove the value from the branch history before merging ' +
      '(amend or rebase the pull request commits and force-push the source branch): ' +
      'a merged commit keeps the secret in the repository for everyone with read access.',
    'If it is a false positive or an intentional example, allow it: put a `leakscan:allow` comment on that line, ' +
      `or add its fingerprint to \`${baseline}\` on the target branch ` +
      `(\`leakscan scan --write-baseline ${baseline}\` writes one).`,
  );
  return steps;
}
