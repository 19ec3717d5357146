/** Validation of what `npm run image` is given and prints. Pure. */
import { OpsError, UsageError } from './errors';

export const SUPPORTED_PLATFORMS = ['linux/arm64', 'linux/amd64'] as const;

export interface Repository {
  /** registry/name, no tag or digest. */
  uri: string;
  host: string;
  /** Set for ECR repositories: where to log in. */
  ecrRegion?: string;
}

const REPOSITORY =
  /^([a-z0-9-]+(?:\.[a-z0-9-]+)+(?::\d+)?)\/([a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*)$/;
const ECR_HOST = /^\d{12}\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
export const DIGEST = /^sha256:[a-f0-9]{64}$/;

export function parseRepository(value: string | undefined): Repository {
  if (!value)
    throw new UsageError('--repository is required (e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/leakscan)');
  const match = REPOSITORY.exec(value);
  if (!match) {
    throw new UsageError(
      `--repository "${value}" is not a repository URI: expected REGISTRY/NAME with a registry host and no tag or digest, ` +
        'e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/leakscan',
    );
  }
  const host = match[1]!;
  const region = ECR_HOST.exec(host)?.[1];
  return { uri: value, host, ...(region ? { ecrRegion: region } : {}) };
}

export function parsePlatforms(value: string): string[] {
  const platforms = value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const bad = platforms.filter((p) => !(SUPPORTED_PLATFORMS as readonly string[]).includes(p));
  if (platforms.length === 0 || bad.length > 0) {
    throw new UsageError(
      `--platforms: expected a comma-separated list of ${SUPPORTED_PLATFORMS.join(', ')}; got "${value}"`,
    );
  }
  return [...new Set(platforms)];
}

export function checkTag(tag: string): string {
  if (!TAG.test(tag))
    throw new UsageError(`--tag "${tag}" is not a valid image tag (letters, digits, "_", ".", "-"; at most 128)`);
  return tag;
}

export function checkDigest(digest: string, source: string): string {
  const trimmed = digest.trim();
  if (!DIGEST.test(trimmed))
    throw new OpsError(`${source} did not yield an image digest (got "${trimmed.slice(0, 80)}")`);
  return trimmed;
}
