/**
 * Redaction and fingerprints: the only forms in which a detected value leaves the engine's caller.
 */
import { createHash } from 'node:crypto';
import type { FindingKind } from '../../contracts/finding';

const MAX_STARS = 16;

/**
 * `AKIA************WXYZ`: shows 4 characters at each end of long values (2 for short ones such as
 * account ids, so most digits stay hidden); the star count is capped so long tokens do not reveal
 * their length.
 */
export function maskSecret(value: string): string {
  const shown = value.length >= 20 ? 4 : value.length >= 8 ? 2 : 0;
  const hidden = value.length - 2 * shown;
  return value.slice(0, shown) + '*'.repeat(Math.min(hidden, MAX_STARS)) + value.slice(value.length - shown);
}

/**
 * sha256 over kind + raw value, first 24 hex digits. The file path and line are deliberately not part
 * of it: a baseline entry survives line moves and file renames, and one accepted value (a test
 * fixture account, say) is accepted wherever it appears.
 */
export function fingerprint(kind: FindingKind, value: string): string {
  return createHash('sha256').update(`${kind}\0${value}`).digest('hex').slice(0, 24);
}
