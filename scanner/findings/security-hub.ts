/**
 * Findings records → AWS Security Hub (ASFF, BatchImportFindings). Opt-in. The finding `Id` is
 * stable per repository and fingerprint, so every scan updates the same Security Hub finding.
 *
 * A finding provider owns the finding's content; the people triaging own `Workflow`, `Note`,
 * `UserDefinedFields` and friends (BatchUpdateFindings). The payload built here never carries those
 * fields, so an import can never undo a triager's decision.
 */
import {
  BatchImportFindingsCommand,
  type AwsSecurityFinding,
  type SecurityHubClient,
  type SeverityLabel,
} from '@aws-sdk/client-securityhub';
import type { FindingKind, Severity } from '../../contracts/finding';
import { clip } from '../../contracts/log';
import { chunks } from './batch';
import { causeOf, SecurityHubImportError, type RejectedItem } from './errors';
import type { FindingRecord, FindingStatus } from './record';

/** BatchImportFindings takes at most 100 findings per call. */
export const SECURITY_HUB_BATCH_SIZE = 100;

/** Where the findings go: the account's own "default" product (a customer integration). */
export interface SecurityHubTarget {
  partition: string;
  region: string;
  accountId: string;
}

/**
 * The ASFF types taxonomy (namespace/category/classifier). Security Hub's managed insight "Credentials
 * that may have leaked" selects types starting with `Sensitive Data Identifications/Passwords/`;
 * an account id is not a credential, so it goes under `Security`.
 */
const ASFF_TYPES: Record<FindingKind, string> = {
  'aws-access-key-id': 'Sensitive Data Identifications/Passwords/AWS access key id',
  'aws-secret-access-key': 'Sensitive Data Identifications/Passwords/AWS secret access key',
  'aws-session-token': 'Sensitive Data Identifications/Passwords/AWS session token',
  'aws-mws-key': 'Sensitive Data Identifications/Passwords/Amazon MWS auth token',
  'aws-account-id': 'Sensitive Data Identifications/Security/AWS account id',
};

const KIND_NAMES: Record<FindingKind, string> = {
  'aws-access-key-id': 'AWS access key id',
  'aws-secret-access-key': 'AWS secret access key',
  'aws-session-token': 'AWS session token',
  'aws-mws-key': 'Amazon MWS auth token',
  'aws-account-id': 'AWS account id',
};

const ROTATE =
  'Deactivate, then delete, the key in IAM and replace it by a role or a secret store; check CloudTrail for its use. ' +
  'Removing it from the code does not help on its own: it stays in the git history.';
const REMEDIATION: Record<FindingKind, string> = {
  'aws-access-key-id': ROTATE,
  'aws-secret-access-key': ROTATE,
  'aws-session-token':
    'Revoke the role session (IAM: revoke active sessions) if it has not expired, check CloudTrail for its use, ' +
    'and stop committing temporary credentials.',
  'aws-mws-key': 'Regenerate the MWS auth token in Seller Central and move it to a secret store.',
  'aws-account-id':
    'An account id is not a secret, but it helps target the account: read it from configuration where possible.',
};

const SEVERITY_LABELS: Record<Severity, SeverityLabel> = {
  critical: 'CRITICAL',
  high: 'HIGH',
  medium: 'MEDIUM',
  low: 'LOW',
};

const STATUS_TEXT: Record<FindingStatus, string> = {
  open: 'It is in the scanned code.',
  'removed-from-head': 'It is no longer in the scanned head but is still in the git history: it remains a leak.',
  revoked: 'Verification reports the key inactive.',
  suppressed: 'It is suppressed',
};

/** Title and Description limits (ASFF: 256 and 1,024 characters). */
const MAX_TITLE_CHARS = 200;
const MAX_DESCRIPTION_CHARS = 1000;

export function asffId(record: Pick<FindingRecord, 'repository' | 'fingerprint'>): string {
  return `leakscan/${record.repository}/${record.fingerprint}`;
}

function statusText(record: FindingRecord): string {
  if (record.status !== 'suppressed') return STATUS_TEXT[record.status];
  const why = record.statusNote === undefined ? '' : `: ${record.statusNote}`;
  return `${STATUS_TEXT.suppressed} (${record.statusReason}, by ${record.statusBy})${why}.`;
}

function description(record: FindingRecord): string {
  const { location, firstSeen } = record;
  const where =
    location.in === 'content'
      ? `${location.file}, line ${location.line}`
      : `the ${location.in === 'path' ? 'file name' : 'commit message'} ${location.file}`;
  const commit = location.commit ? ` (commit ${location.commit})` : '';
  const pullRequest = firstSeen.pullRequestId ? ` First seen in pull request ${firstSeen.pullRequestId}.` : '';
  const text =
    `${KIND_NAMES[record.kind]} ${record.masked} in ${where}${commit} of CodeCommit repository ` +
    `${record.repository}.${pullRequest} ${statusText(record)}`;
  return clip(text, MAX_DESCRIPTION_CHARS);
}

/** One record in ASFF. Severity follows the kind, and is CRITICAL whenever the key verified active. */
export function toAsff(record: FindingRecord, target: SecurityHubTarget): AwsSecurityFinding {
  const { partition, region, accountId } = target;
  const archived = record.status === 'revoked' || record.status === 'suppressed';
  return {
    SchemaVersion: '2018-10-08',
    Id: asffId(record),
    ProductArn: `arn:${partition}:securityhub:${region}:${accountId}:product/${accountId}/default`,
    GeneratorId: record.ruleId,
    AwsAccountId: accountId,
    Types: [ASFF_TYPES[record.kind]],
    CreatedAt: record.firstSeen.at,
    UpdatedAt: record.updatedAt,
    FirstObservedAt: record.firstSeen.at,
    LastObservedAt: record.lastSeen.at,
    Severity: { Label: record.verification === 'active' ? 'CRITICAL' : SEVERITY_LABELS[record.severity] },
    Title: clip(`${KIND_NAMES[record.kind]} ${record.masked} committed to ${record.repository}`, MAX_TITLE_CHARS),
    Description: description(record),
    Remediation: { Recommendation: { Text: REMEDIATION[record.kind] } },
    // No ASFF resource type for CodeCommit: `Other`, identified by the repository's ARN.
    Resources: [
      {
        Type: 'Other',
        Id: `arn:${partition}:codecommit:${region}:${accountId}:${record.repository}`,
        Region: region,
      },
    ],
    ProductFields: {
      'leakscan/fingerprint': record.fingerprint,
      'leakscan/status': record.status,
      'leakscan/statusReason': record.statusReason,
      'leakscan/file': record.location.file,
      'leakscan/line': String(record.location.line),
    },
    RecordState: archived ? 'ARCHIVED' : 'ACTIVE',
  };
}

/**
 * Imports (creates or updates) the records' findings, 100 per call. Every batch is sent even when
 * one is refused; then a SecurityHubImportError names every finding Security Hub did not take.
 */
export async function importFindings(
  client: SecurityHubClient,
  target: SecurityHubTarget,
  records: readonly FindingRecord[],
): Promise<void> {
  const rejected: RejectedItem[] = [];
  const errors: unknown[] = [];
  for (const batch of chunks(records, SECURITY_HUB_BATCH_SIZE)) {
    const findings = batch.map((record) => toAsff(record, target));
    try {
      const response = await client.send(new BatchImportFindingsCommand({ Findings: findings }));
      for (const failed of response.FailedFindings ?? []) {
        rejected.push({ id: failed.Id ?? '', code: failed.ErrorCode ?? 'unknown' });
      }
    } catch (error) {
      errors.push(error);
      rejected.push(...findings.map((finding) => ({ id: finding.Id!, code: 'call-failed' })));
    }
  }
  if (rejected.length === 0) return;
  throw new SecurityHubImportError(
    `Security Hub did not import ${rejected.length} of ${records.length} findings`,
    rejected,
    causeOf(errors),
  );
}
