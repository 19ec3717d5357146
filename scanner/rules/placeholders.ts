import { charStats } from './char-scan';

/**
 * Values that have the right shape but are documentation examples or placeholders, shared by rules.
 */

/** AWS documentation keys all contain EXAMPLE (the key id ends in `EXAMPLE`, the secret in `EXAMPLEKEY`). */
export function isDocExample(value: string): boolean {
  return /example/i.test(value);
}

/** Account ids the AWS documentation uses as placeholders. */
const PLACEHOLDER_ACCOUNTS = new Set(['123456789012', '111122223333', '444455556666', '777788889999', '000000000000']);
/** Typed-by-hand variants (`123456789013`, `123456789111`): the documented id's first 8 digits. */
const DOC_ACCOUNT_STEM = '12345678';
const DOC_ACCOUNT = '123456789012';

/**
 * Documented placeholder accounts and hand-made variants: the documented stem, the documented id with
 * two digits swapped or changed (`132456789012`, `123457689012`), few distinct digits (`111122223333`,
 * `999988887777`), at most 4 blocks of one digit or blocks of one length (`111222333444`,
 * `112233445566`), a run of 6 equal digits, 7 in sequence (`210987654321`) or a repeated chunk
 * (`123412341234`). Each happens for fewer than 1 in 10,000 random 12-digit ids (4 blocks: about 1 in
 * 800,000). aws-cli's examples hold all of these.
 */
export function isPlaceholderAccount(digits: string): boolean {
  if (PLACEHOLDER_ACCOUNTS.has(digits) || digits.startsWith(DOC_ACCOUNT_STEM)) return true;
  const { distinct, longestRun } = charStats(digits);
  const blocks = blockLengths(digits);
  return (
    distinct <= 3 ||
    longestRun >= 6 ||
    blocks.length <= 4 ||
    blocks.every((length) => length > 1 && length === blocks[0]) ||
    differences(digits, DOC_ACCOUNT) <= 2 ||
    longestSequence(digits) >= 7 ||
    isPeriodic(digits)
  );
}

/** Lengths of the runs of one character: `111222333444` gives [3, 3, 3, 3]. */
function blockLengths(value: string): number[] {
  const lengths: number[] = [];
  for (let i = 0; i < value.length; i++) {
    if (i > 0 && value.charCodeAt(i) === value.charCodeAt(i - 1)) lengths[lengths.length - 1]!++;
    else lengths.push(1);
  }
  return lengths;
}

/** Positions at which two strings of one length differ. */
function differences(a: string, b: string): number {
  let count = 0;
  for (let i = 0; i < a.length; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) count++;
  return count;
}

/** Longest run of characters each one above (or each one below) the one before: `ABCDE`, `98765`. */
export function longestSequence(value: string): number {
  let longest = Math.min(1, value.length);
  let up = 1;
  let down = 1;
  for (let i = 1; i < value.length; i++) {
    const step = value.charCodeAt(i) - value.charCodeAt(i - 1);
    up = step === 1 ? up + 1 : 1;
    down = step === -1 ? down + 1 : 1;
    longest = Math.max(longest, up, down);
  }
  return longest;
}

/** `value` is one chunk (of at most half its length) repeated: `XYZ1XYZ1XYZ1`. */
function isPeriodic(value: string): boolean {
  for (let period = 1; period <= value.length / 2; period++) {
    let i = period;
    while (i < value.length && value.charCodeAt(i) === value.charCodeAt(i - period)) i++;
    if (i === value.length) return true;
  }
  return false;
}

/**
 * Hand-typed fillers (`AKIA` + 16 × `X`, `AKIA` + `AAAABBBBCCCCDDDD`, `ABCDEFGH…`): a run of 5 equal
 * characters, few distinct ones, 5 in sequence or a repeated chunk. Random key material of 16+
 * characters has 5 in sequence about once in 10^5 (16 × 32^-4), the others practically never.
 */
export function isFiller(value: string): boolean {
  const { longestRun, distinct } = charStats(value);
  return longestRun >= 5 || distinct < value.length / 3 || longestSequence(value) >= 5 || isPeriodic(value);
}

/** The documentation's example credentials, assembled so that no credential-shaped literal is committed. */
export const DOC_EXAMPLE_KEY_ID = ['AKIA', 'IOSFODNN7', 'EXAMPLE'].join('');
export const DOC_EXAMPLE_SECRET = ['wJalrXUtnFEMI', 'K7MDENG', 'bPxRfiCYEXAMPLEKEY'].join('/');
