/**
 * Credential-shaped values made at run time: nothing secret-shaped is ever committed, and every run
 * uses different values (a seed makes a corpus reproducible for benchmarks).
 */
import { createHash } from 'node:crypto';
import { isPlaceholderAccount } from '../scanner/rules/placeholders';

const KEY_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Deterministic pseudo-random bytes from a seed (sha256 counter mode); `Math.random` when no seed. */
export function makeRandom(seed?: string): () => number {
  if (seed === undefined) return Math.random;
  let counter = 0;
  let pool: Buffer = Buffer.alloc(0);
  let offset = 0;
  return () => {
    if (offset + 4 > pool.length) {
      pool = createHash('sha256').update(`${seed}:${counter++}`).digest();
      offset = 0;
    }
    const value = pool.readUInt32BE(offset) / 0x1_0000_0000;
    offset += 4;
    return value;
  };
}

function pick(alphabet: string, length: number, random: () => number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(random() * alphabet.length)];
  return out;
}

/** An access key id such as AWS issues: prefix (AKIA, ASIA, ABIA, ACCA) + 16 key-alphabet characters. */
export function fakeAccessKeyId(prefix: 'AKIA' | 'ASIA' | 'ABIA' | 'ACCA' = 'AKIA', random = Math.random): string {
  return prefix + pick(KEY_ID_ALPHABET, 16, random);
}

/**
 * A new-generation access key id that encodes `account` the way AWS's do (generation bit, 40 account
 * bits, then random bits; see scanner/rules/key-account.ts).
 */
export function fakeAccessKeyIdOf(account: string, prefix: 'AKIA' | 'ASIA' = 'AKIA', random = Math.random): string {
  let bits = (1n << 40n) | BigInt(account);
  for (let i = 0; i < 39; i++) bits = (bits << 1n) | BigInt(random() < 0.5 ? 0 : 1);
  let body = '';
  for (let i = 15; i >= 0; i--) body += KEY_ID_ALPHABET[Number((bits >> BigInt(5 * i)) & 31n)];
  return prefix + body;
}

/** Unique id of a user/role/group (AIDA, AROA, …): identifier-shaped, not a credential. */
export function fakeUniqueId(prefix: 'AIDA' | 'AROA' | 'AGPA' | 'ANPA' = 'AIDA', random = Math.random): string {
  return prefix + pick(KEY_ID_ALPHABET, 16, random);
}

/** A 40-character secret access key: base64 alphabet, high entropy. */
export function fakeSecretAccessKey(random = Math.random): string {
  return pick(BASE64_ALPHABET, 40, random);
}

/** A session token: long base64 (real ones are 300–1000+ characters). */
export function fakeSessionToken(random = Math.random, length = 356): string {
  return 'IQoJb3JpZ2luX2Vj' + pick(BASE64_ALPHABET, length - 16, random);
}

/** A 12-digit account id that is not a documented placeholder or a hand-made variant of one. */
export function fakeAccountId(random = Math.random): string {
  for (;;) {
    const id = String(1 + Math.floor(random() * 9)) + pick('0123456789', 11, random);
    if (!isPlaceholderAccount(id)) return id;
  }
}

export function fakeMwsKey(random = Math.random): string {
  const hex = (n: number) => pick('0123456789abcdef', n, random);
  return `amzn.mws.${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;
}
