/**
 * Git credentials for CodeCommit HTTPS made from the task role's AWS credentials, the way
 * git-remote-codecommit does it (aws/git-remote-codecommit, `git_url`/`sign`): username is the access
 * key id (plus `%` and the session token), password is `<timestamp>Z<SigV4 signature>` over the
 * canonical request `GIT\n<path>\n\nhost:<host>\n\nhost\n` for service `codecommit`. No AWS CLI, no
 * Python, and the result only ever reaches git through a credential helper's environment.
 */
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity } from '@smithy/types';
import { createHash } from 'node:crypto';

export interface CodeCommitRemote {
  host: string;
  region: string;
  /** `/v1/repos/<name>` */
  path: string;
}

const CODECOMMIT_HTTPS =
  /^https:\/\/(git-codecommit(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?)(\/v1\/repos\/[A-Za-z0-9._-]+)$/;

/** The CodeCommit host, region and path of a clone URL, or undefined for any other URL. */
export function parseCodeCommitUrl(url: string): CodeCommitRemote | undefined {
  const match = CODECOMMIT_HTTPS.exec(url);
  if (!match) return undefined;
  const [, host, region, path] = match as unknown as [string, string, string, string];
  return { host, region, path };
}

export interface GitCredentials {
  username: string;
  password: string;
}

/** `YYYYMMDDTHHMMSS`, the timestamp format git-remote-codecommit signs (no trailing Z: it is the separator). */
function signingTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').slice(0, 15);
}

export async function codeCommitGitCredentials(
  remote: CodeCommitRemote,
  credentials: AwsCredentialIdentity,
  now: Date = new Date(),
): Promise<GitCredentials> {
  const timestamp = signingTimestamp(now);
  const scope = `${timestamp.slice(0, 8)}/${remote.region}/codecommit/aws4_request`;
  const canonicalRequest = `GIT\n${remote.path}\n\nhost:${remote.host}\n\nhost\n`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    timestamp,
    scope,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  // signString derives the SigV4 signing key (date/region/service chain) and HMACs the string.
  const signer = new SignatureV4({
    credentials,
    region: remote.region,
    service: 'codecommit',
    sha256: Hash.bind(null, 'sha256'),
  });
  const signature = await signer.sign(stringToSign, {
    signingDate: now,
    signingRegion: remote.region,
    signingService: 'codecommit',
  });
  const username = credentials.sessionToken
    ? `${credentials.accessKeyId}%${credentials.sessionToken}`
    : credentials.accessKeyId;
  return { username, password: `${timestamp}Z${signature}` };
}
