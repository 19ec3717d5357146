/**
 * The account an access key id belongs to, decoded offline (no AWS call). Published analyses of the
 * key-id format (Aidan Steele 2020, Tal Be'ery 2023, WithSecure Labs' bitwise analysis of 3,000+ ids):
 * the 16 characters after the prefix are base32 (`A-Z2-7`, 80 bits); the first bit says the id is of
 * the new generation, and only then are the next 40 bits the account number. Old-generation ids
 * (the 5th character below `Q`, such as the documentation's `AKIAI…`) carry no decodable account.
 */
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** 1 generation bit + 40 account bits: the first 41 bits, from the first 9 characters (45 bits). */
const CHARS = 9;
const SPARE_BITS = 4n;
const ACCOUNT_BITS = 40n;

export function keyIdAccount(keyId: string): string | undefined {
  let bits = 0n;
  for (const c of keyId.slice(4, 4 + CHARS)) {
    const v = BASE32.indexOf(c);
    if (v < 0) return undefined;
    bits = (bits << 5n) | BigInt(v);
  }
  const newGeneration = bits >> (ACCOUNT_BITS + SPARE_BITS) === 1n;
  if (keyId.length !== 20 || !newGeneration) return undefined;
  const account = (bits >> SPARE_BITS) & ((1n << ACCOUNT_BITS) - 1n);
  return account.toString().padStart(12, '0');
}
