/**
 * Bounds key-service calls on the warm path. Encryption data keys are reused
 * per encryption context for at most `maxAgeMs` and `maxUses` records;
 * decrypted data keys are kept for at most `maxAgeMs` in a bounded LRU; index
 * keys are derived once per process. All limits are documented in docs/crypto.md.
 */
import { canonicalContext, type DataKey, type EncryptionContext, type Keyring } from './keyring';

export interface CachingKeyringOptions {
  /** Longest time a plaintext data key stays in memory. Default 5 minutes. */
  maxAgeMs?: number;
  /** Most records encrypted under one data key. Default 10,000. */
  maxUses?: number;
  /** Most decrypted data keys kept. Default 1,000. */
  maxEntries?: number;
  now?: () => number;
}

interface EncryptEntry {
  key: Promise<DataKey>;
  createdAt: number;
  uses: number;
}

interface DecryptEntry {
  key: Promise<Uint8Array>;
  createdAt: number;
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

export class CachingKeyring implements Keyring {
  readonly #inner: Keyring;
  readonly #maxAgeMs: number;
  readonly #maxUses: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #encrypt = new Map<string, EncryptEntry>();
  readonly #decrypt = new Map<string, DecryptEntry>();
  readonly #index = new Map<string, Promise<Uint8Array>>();

  constructor(inner: Keyring, options: CachingKeyringOptions = {}) {
    this.#inner = inner;
    this.#maxAgeMs = options.maxAgeMs ?? 5 * 60_000;
    this.#maxUses = options.maxUses ?? 10_000;
    this.#maxEntries = options.maxEntries ?? 1_000;
    this.#now = options.now ?? Date.now;
  }

  /** Each call counts as one use: callers ask once per record they encrypt. */
  async generateDataKey(context: EncryptionContext): Promise<DataKey> {
    const id = canonicalContext(context);
    const now = this.#now();
    let entry = this.#encrypt.get(id);
    if (!entry || entry.uses >= this.#maxUses || now - entry.createdAt >= this.#maxAgeMs) {
      const key = this.#inner.generateDataKey(context);
      entry = { key, createdAt: now, uses: 0 };
      this.#encrypt.set(id, entry);
      key.then(
        (dataKey) => this.#remember(dataKey.encrypted, id, Promise.resolve(dataKey.plaintext), now),
        () => this.#encrypt.get(id) === entry && this.#encrypt.delete(id),
      );
    }
    entry.uses++;
    return entry.key;
  }

  async decryptDataKey(encrypted: Uint8Array, context: EncryptionContext): Promise<Uint8Array> {
    const id = `${canonicalContext(context)}|${b64(encrypted)}`;
    const now = this.#now();
    const hit = this.#decrypt.get(id);
    if (hit && now - hit.createdAt < this.#maxAgeMs) {
      // Refresh LRU position.
      this.#decrypt.delete(id);
      this.#decrypt.set(id, hit);
      return hit.key;
    }
    const key = this.#inner.decryptDataKey(encrypted, context);
    this.#remember(encrypted, canonicalContext(context), key, now);
    return key;
  }

  deriveIndexKey(indexName: string): Promise<Uint8Array> {
    let key = this.#index.get(indexName);
    if (!key) {
      key = this.#inner.deriveIndexKey(indexName);
      this.#index.set(indexName, key);
      key.catch(() => this.#index.delete(indexName));
    }
    return key;
  }

  #remember(encrypted: Uint8Array, contextId: string, key: Promise<Uint8Array>, createdAt: number): void {
    const id = `${contextId}|${b64(encrypted)}`;
    this.#decrypt.delete(id);
    this.#decrypt.set(id, { key, createdAt });
    key.catch(() => this.#decrypt.delete(id));
    while (this.#decrypt.size > this.#maxEntries) {
      const oldest = this.#decrypt.keys().next().value as string;
      this.#decrypt.delete(oldest);
    }
  }
}
