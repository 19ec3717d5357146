/**
 * The "CodeCommit Repository State Change" event as the CodeCommit user guide documents it ("Monitoring
 * CodeCommit events": referenceCreated / referenceUpdated / referenceDeleted), for the trigger tests and
 * the pipeline: a branch update of payments-service unless `detail` and `envelope` say otherwise.
 */

/** The branch's heads in the default event: before and after the push. */
export const OLD_HEAD = 'fe1d1b2a3c4d5e6f708192a3b4c5d6e7f8091a2b';
export const NEW_HEAD = '0123456789abcdef0123456789abcdef01234567';

/** The documented event with `detail` fields replaced (undefined removes one) and envelope fields replaced. */
export function referenceEvent(
  detail: Record<string, unknown> = {},
  envelope: Record<string, unknown> = {},
): Record<string, unknown> {
  const merged: Record<string, unknown> = {
    callerUserArn: 'arn:aws:iam::111122223333:user/Mary_Major',
    commitId: NEW_HEAD,
    oldCommitId: OLD_HEAD,
    event: 'referenceUpdated',
    referenceFullName: 'refs/heads/feature/s3-upload',
    referenceName: 'feature/s3-upload',
    referenceType: 'branch',
    repositoryId: '12345678-1234-5678-abcd-12345678abcd',
    repositoryName: 'payments-service',
    ...detail,
  };
  for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
  return {
    version: '0',
    id: '01234567-0123-0123-0123-012345678901',
    'detail-type': 'CodeCommit Repository State Change',
    source: 'aws.codecommit',
    account: '111122223333',
    time: '2026-03-04T10:02:11Z',
    region: 'us-east-1',
    resources: [`arn:aws:codecommit:us-east-1:111122223333:${String(merged.repositoryName)}`],
    ...envelope,
    detail: merged,
  };
}
