/**
 * Records → ASFF, and the import's batching and refusals (client mock: exact payloads). The same
 * adapter against moto's Security Hub is in findings.int.test.ts.
 */
import { BatchImportFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { SecurityHubImportError } from '../../../scanner/findings/errors';
import type { FindingRecord } from '../../../scanner/findings/record';
import { importFindings, toAsff } from '../../../scanner/findings/security-hub';
import { fakeAccountId } from '../../../testkit/fake-keys';
import { finding, secretFinding } from '../../../testkit/findings';
import { openRecord, removedRecord, REPO } from './support';

const TARGET = { partition: 'aws', region: 'eu-west-1', accountId: '111122223333' };
/** Fields that belong to the people triaging (BatchUpdateFindings): a provider must never send them. */
const TRIAGE_FIELDS = [
  'Workflow',
  'WorkflowState',
  'Note',
  'UserDefinedFields',
  'VerificationState',
  'Confidence',
  'Criticality',
];

const securityHub = mockClient(SecurityHubClient);
beforeEach(() => securityHub.reset());

const withStatus = (record: FindingRecord, status: FindingRecord['status']): FindingRecord => ({ ...record, status });

describe('toAsff', () => {
  it('maps an open record to a complete ASFF finding', () => {
    const leak = finding();
    const record = openRecord(leak);
    expect(toAsff(record, TARGET)).toEqual({
      SchemaVersion: '2018-10-08',
      Id: `leakscan/${REPO}/${leak.fingerprint}`,
      ProductArn: 'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default',
      GeneratorId: 'aws-access-key-id',
      AwsAccountId: '111122223333',
      Types: ['Sensitive Data Identifications/Passwords/AWS access key id'],
      CreatedAt: record.firstSeen.at,
      UpdatedAt: record.updatedAt,
      FirstObservedAt: record.firstSeen.at,
      LastObservedAt: record.lastSeen.at,
      Severity: { Label: 'CRITICAL' },
      Title: `AWS access key id ${leak.masked} committed to ${REPO}`,
      Description: expect.stringContaining(`${leak.masked} in ${leak.file}, line ${leak.line} (commit ${leak.commit})`),
      Remediation: { Recommendation: { Text: expect.stringMatching(/^Deactivate, then delete, the key in IAM/) } },
      Resources: [{ Type: 'Other', Id: `arn:aws:codecommit:eu-west-1:111122223333:${REPO}`, Region: 'eu-west-1' }],
      ProductFields: {
        'leakscan/fingerprint': leak.fingerprint,
        'leakscan/status': 'open',
        'leakscan/statusReason': 'detected',
        'leakscan/file': leak.file,
        'leakscan/line': String(leak.line),
      },
      RecordState: 'ACTIVE',
    });
  });

  it('never carries a raw value or a field the triagers own', () => {
    for (const leak of [finding(), secretFinding()]) {
      const record = openRecord(leak);
      for (const status of ['open', 'removed-from-head', 'revoked', 'suppressed'] as const) {
        const asff = toAsff(withStatus(record, status), TARGET);
        const text = JSON.stringify(asff);
        expect(text).not.toContain(leak.secret);
        for (const field of TRIAGE_FIELDS) expect(text).not.toContain(`"${field}"`);
      }
    }
  });

  it('archives revoked and suppressed findings; a leak removed from the head stays active', () => {
    const record = openRecord();
    expect(toAsff(removedRecord(record), TARGET).RecordState).toBe('ACTIVE');
    expect(toAsff(removedRecord(record), TARGET).Description).toContain('still in the git history');
    expect(toAsff(withStatus(record, 'revoked'), TARGET).RecordState).toBe('ARCHIVED');
    const suppressed = {
      ...withStatus(record, 'suppressed'),
      statusReason: 'owner' as const,
      statusBy: 'alice',
      statusNote: 'test key',
    };
    expect(toAsff(suppressed, TARGET)).toMatchObject({
      RecordState: 'ARCHIVED',
      Description: expect.stringContaining('suppressed (owner, by alice): test key.'),
    });
  });

  it('takes the severity from the kind, and CRITICAL when the key verified active', () => {
    const account = openRecord(
      finding({ kind: 'aws-account-id', ruleId: 'aws-account-id', severity: 'medium' }, fakeAccountId()),
    );
    expect(toAsff(account, TARGET)).toMatchObject({
      Severity: { Label: 'MEDIUM' },
      Types: ['Sensitive Data Identifications/Security/AWS account id'],
    });
    expect(toAsff({ ...account, verification: 'active' }, TARGET).Severity).toEqual({ Label: 'CRITICAL' });
  });

  it('keeps Title and Description within ASFF limits whatever the path', () => {
    const record = openRecord(finding({ file: `${'deep/'.repeat(400)}x.ts` }));
    const asff = toAsff({ ...record, repository: 'r'.repeat(100) }, TARGET);
    expect(asff.Title!.length).toBeLessThanOrEqual(256);
    expect(asff.Description!.length).toBeLessThanOrEqual(1024);
  });
});

describe('importFindings', () => {
  it('sends at most 100 findings per call', async () => {
    securityHub.on(BatchImportFindingsCommand).resolves({ FailedCount: 0, SuccessCount: 1, FailedFindings: [] });
    const records = Array.from({ length: 250 }, () => openRecord());
    await importFindings(securityHub as unknown as SecurityHubClient, TARGET, records);
    const sizes = securityHub
      .commandCalls(BatchImportFindingsCommand)
      .map((call) => call.args[0].input.Findings!.length);
    expect(sizes).toEqual([100, 100, 50]);
  });

  it('sends every batch, then names the findings Security Hub refused or never got', async () => {
    const records = Array.from({ length: 150 }, () => openRecord());
    const refusedId = `leakscan/${REPO}/${records[3]!.fingerprint}`;
    securityHub
      .on(BatchImportFindingsCommand)
      .resolvesOnce({
        FailedCount: 1,
        SuccessCount: 99,
        FailedFindings: [{ Id: refusedId, ErrorCode: 'InvalidInput', ErrorMessage: 'x' }],
      })
      .rejectsOnce(new Error('throttled for too long'));
    const error = await importFindings(securityHub as unknown as SecurityHubClient, TARGET, records).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SecurityHubImportError);
    const { rejected, cause, message } = error as SecurityHubImportError;
    expect(message).toBe('Security Hub did not import 51 of 150 findings');
    expect(rejected[0]).toEqual({ id: refusedId, code: 'InvalidInput' });
    expect(rejected.slice(1).every((item) => item.code === 'call-failed')).toBe(true);
    expect(cause).toEqual(new Error('throttled for too long'));
  });
});
