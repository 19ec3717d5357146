import { createHash, createHmac } from 'node:crypto';
import { codeCommitGitCredentials, parseCodeCommitUrl } from '../../../scanner/task/codecommit-credentials';
import { fakeAccessKeyId, fakeSecretAccessKey, fakeSessionToken, makeRandom } from '../../../testkit/fake-keys';

/**
 * The reference computation, written out from the SigV4 specification and git-remote-codecommit's
 * `sign()` (botocore SigV4Auth.string_to_sign / signature): independent of the implementation's use
 * of @smithy/signature-v4.
 */
function referencePassword(secret: string, region: string, host: string, path: string, date: Date): string {
  const timestamp = date.toISOString().replace(/[-:]/g, '').slice(0, 15); // 20260304T101522
  const day = timestamp.slice(0, 8);
  const canonical = `GIT\n${path}\n\nhost:${host}\n\nhost\n`;
  const stringToSign = `AWS4-HMAC-SHA256\n${timestamp}\n${day}/${region}/codecommit/aws4_request\n${createHash('sha256').update(canonical).digest('hex')}`;
  const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), 'codecommit'), 'aws4_request');
  return `${timestamp}Z${createHmac('sha256', signingKey).update(stringToSign).digest('hex')}`;
}

describe('parseCodeCommitUrl', () => {
  it('recognises CodeCommit HTTPS URLs (standard, FIPS, China)', () => {
    expect(parseCodeCommitUrl('https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/payments-service')).toEqual({
      host: 'git-codecommit.eu-west-1.amazonaws.com',
      region: 'eu-west-1',
      path: '/v1/repos/payments-service',
    });
    expect(parseCodeCommitUrl('https://git-codecommit-fips.us-east-1.amazonaws.com/v1/repos/r')?.region).toBe(
      'us-east-1',
    );
    expect(parseCodeCommitUrl('https://git-codecommit.cn-north-1.amazonaws.com.cn/v1/repos/r')?.host).toBe(
      'git-codecommit.cn-north-1.amazonaws.com.cn',
    );
  });

  it.each([
    'file:///tmp/repo',
    'https://example.com/v1/repos/r',
    'https://git-codecommit.us-east-1.amazonaws.com.evil.example/v1/repos/r',
    'https://git-codecommit.us-east-1.amazonaws.com/v1/repos/r/../x',
  ])('does not treat %s as CodeCommit (no credentials are sent there)', (url) =>
    expect(parseCodeCommitUrl(url)).toBeUndefined(),
  );
});

describe('codeCommitGitCredentials', () => {
  const random = makeRandom('codecommit-signer');
  const accessKeyId = fakeAccessKeyId('ASIA', random);
  const secretAccessKey = fakeSecretAccessKey(random);
  const sessionToken = fakeSessionToken(random);
  const remote = parseCodeCommitUrl('https://git-codecommit.us-east-1.amazonaws.com/v1/repos/payments-service')!;
  const now = new Date('2026-03-04T10:15:22.123Z');

  it('signs the GIT canonical request like git-remote-codecommit', async () => {
    const creds = await codeCommitGitCredentials(remote, { accessKeyId, secretAccessKey, sessionToken }, now);
    expect(creds.password).toBe(referencePassword(secretAccessKey, 'us-east-1', remote.host, remote.path, now));
    expect(creds.password).toMatch(/^20260304T101522Z[0-9a-f]{64}$/);
    expect(creds.username).toBe(`${accessKeyId}%${sessionToken}`);
  });

  it('matches the password botocore computes for git-remote-codecommit (same seeded fake credentials)', async () => {
    // Computed once with botocore's SigV4Auth exactly as git_remote_codecommit.sign() calls it.
    const botocore = '20260304T101522Z478d502c0247deb8f4a49ef64af4047034eed305199abe4fcbc30181af7634f5';
    expect((await codeCommitGitCredentials(remote, { accessKeyId, secretAccessKey, sessionToken }, now)).password).toBe(
      botocore,
    );
  });

  it('uses the bare access key id without a session token, and the signature depends on region, path and time', async () => {
    const longTerm = await codeCommitGitCredentials(remote, { accessKeyId, secretAccessKey }, now);
    expect(longTerm.username).toBe(accessKeyId);
    const other = parseCodeCommitUrl('https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/payments-service')!;
    const signatures = new Set([
      longTerm.password,
      (await codeCommitGitCredentials(other, { accessKeyId, secretAccessKey }, now)).password,
      (await codeCommitGitCredentials({ ...remote, path: '/v1/repos/other' }, { accessKeyId, secretAccessKey }, now))
        .password,
      (await codeCommitGitCredentials(remote, { accessKeyId, secretAccessKey }, new Date(now.getTime() + 1000)))
        .password,
    ]);
    expect(signatures.size).toBe(4);
    expect([...signatures].join('')).not.toContain(secretAccessKey);
  });
});
