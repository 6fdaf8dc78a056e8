/**
 * Blind indexes: HMAC-SHA256 of a normalised value under a key derived for that
 * index alone (from a root separate from the encryption keys). Exact lookups
 * without storing the value, and never a plain hash of a personal value.
 */
import { createHmac } from 'node:crypto';
import type { Keyring } from './keyring';

/** Every blind index the hub keeps; one derived key each. */
export const BLIND_INDEXES = ['external-id', 'id-number', 'content', 'blocking', 'name-frequency', 'list-job'] as const;
export type BlindIndexName = (typeof BLIND_INDEXES)[number];

export class BlindIndexer {
  readonly #keyring: Keyring;
  readonly #province: string;

  constructor(keyring: Keyring, province: string) {
    this.#keyring = keyring;
    this.#province = province;
  }

  /** base64url HMAC of `parts` joined with NUL, so ("ab","c") and ("a","bc") differ. */
  async compute(index: BlindIndexName, ...parts: readonly string[]): Promise<string> {
    const key = await this.#keyring.deriveIndexKey(`${this.#province}/${index}`);
    return createHmac('sha256', key).update(parts.join('\u0000')).digest('base64url');
  }
}
