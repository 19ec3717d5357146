/**
 * Credential-shaped values made at run time: nothing secret-shaped is ever committed, and every run
 * uses different values (a seed makes a corpus reproducible for benchmarks).
 */
import { createHash } from 'node:crypto';

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

/** A 12-digit account id that is not one of the documented placeholders. */
export function fakeAccountId(random = Math.random): string {
  for (;;) {
    const id = String(1 + Math.floor(random() * 9)) + pick('0123456789', 11, random);
    if (!/^(\d)\1{11}$/.test(id) && !['123456789012', '111122223333', '444455556666', '777788889999'].includes(id)) return id;
  }
}

export function fakeMwsKey(random = Math.random): string {
  const hex = (n: number) => pick('0123456789abcdef', n, random);
  return `amzn.mws.${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;
}
