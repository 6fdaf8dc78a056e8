/** Identifiers: random record ids and time-ordered event ids (ULID layout, Crockford base32). */
import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function base32(bytes: Uint8Array, length: number): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (out.length < length && bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out.padEnd(length, '0');
}

/** 128 random bits: `<prefix>_` + 26 characters. */
export function randomId(prefix: string): string {
  return `${prefix}_${base32(randomBytes(17), 26)}`;
}

/**
 * An id derived from a natural key (same key, same id): `<prefix>_` + 26 characters of its SHA-256. Makes a
 * create request idempotent: a retry finds what the first attempt wrote instead of writing a twin.
 */
export function derivedId(prefix: string, ...key: readonly string[]): string {
  return `${prefix}_${base32(createHash('sha256').update(JSON.stringify(key)).digest(), 26)}`;
}

/** Time-ordered id: 48-bit milliseconds then 80 random bits, sortable as a string. */
export function timeOrderedId(prefix: string, nowMs: number = Date.now()): string {
  let time = '';
  let t = nowMs;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return `${prefix}_${time}${base32(randomBytes(10), 16)}`;
}
