import { charStats } from './char-scan';

/**
 * Values that have the right shape but are documentation examples or placeholders, shared by rules.
 */

/** AWS documentation keys all contain EXAMPLE (the key id ends in `EXAMPLE`, the secret in `EXAMPLEKEY`). */
export function isDocExample(value: string): boolean {
  return /example/i.test(value);
}

/** Account ids the AWS documentation uses as placeholders, plus any single repeated digit. */
const PLACEHOLDER_ACCOUNTS = new Set(['123456789012', '111122223333', '444455556666', '777788889999', '000000000000']);

export function isPlaceholderAccount(digits: string): boolean {
  return PLACEHOLDER_ACCOUNTS.has(digits) || /^(\d)\1*$/.test(digits);
}

/**
 * Hand-typed fillers (`AKIA` + 16 × `X`, `AKIA` + `AAAABBBBCCCCDDDD`): a run of 5 equal characters or
 * few distinct ones. Random key material of 16+ characters practically never has either.
 */
export function isFiller(value: string): boolean {
  const { longestRun, distinct } = charStats(value);
  return longestRun >= 5 || distinct < value.length / 3;
}

/** The documentation's example credentials, assembled so that no credential-shaped literal is committed. */
export const DOC_EXAMPLE_KEY_ID = ['AKIA', 'IOSFODNN7', 'EXAMPLE'].join('');
export const DOC_EXAMPLE_SECRET = ['wJalrXUtnFEMI', 'K7MDENG', 'bPxRfiCYEXAMPLEKEY'].join('/');
