/**
 * Deterministic credential-shaped strings for the rules' own samples, derived from a label by sha256
 * so that no credential-shaped literal is ever committed.
 */
import { createHash } from 'node:crypto';

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function bytes(label: string, count: number): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; parts.length * 32 < count; i++) parts.push(createHash('sha256').update(`${label}:${i}`).digest());
  return Buffer.concat(parts).subarray(0, count);
}

export function sampleKeyId(prefix: string, label: string): string {
  return prefix + [...bytes(label, 16)].map((b) => KEY_ALPHABET[b % 32]).join('');
}

/** 40 base64 characters (30 random bytes encode to exactly 40, no padding). */
export function sampleSecret(label: string): string {
  return bytes(label, 30).toString('base64');
}

export function sampleSessionToken(label: string, length = 356): string {
  return ('IQoJb3JpZ2luX2Vj' + bytes(label, length).toString('base64')).slice(0, length);
}

export function sampleAccountId(label: string): string {
  const digits = [...bytes(label, 12)].map((b) => String(b % 10));
  digits[0] = String(1 + ((bytes(label, 1)[0] ?? 0) % 9));
  return digits.join('');
}

export function sampleUuid(label: string): string {
  const hex = bytes(label, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
