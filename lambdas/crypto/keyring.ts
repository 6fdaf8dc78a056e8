/**
 * The narrow interface between the hub and its key service. `KmsKeyring`
 * implements it with AWS KMS; `LocalKeyring` with keys on disk for `npm start`
 * and tests. Nothing else in the hub touches key material directly.
 */

/**
 * Names what a data key protects. Never contains personal data: it is logged
 * by CloudTrail in KMS and bound to the encrypted data key.
 */
export interface EncryptionContext {
  readonly province: string;
  readonly agency: string;
  readonly table: string;
}

export interface DataKey {
  /** 32-byte AES-256 key; never stored, never logged. */
  readonly plaintext: Uint8Array;
  /** The data key encrypted under the province key, stored beside the ciphertexts. */
  readonly encrypted: Uint8Array;
}

export interface Keyring {
  /** A fresh data key for this context. */
  generateDataKey(context: EncryptionContext): Promise<DataKey>;
  /** Decrypts a stored data key; fails with DecryptionFailedError if the context differs. */
  decryptDataKey(encrypted: Uint8Array, context: EncryptionContext): Promise<Uint8Array>;
  /**
   * The HMAC key for one blind index, derived from a root key that is separate
   * from the encryption keys. Deterministic: the same name gives the same key.
   */
  deriveIndexKey(indexName: string): Promise<Uint8Array>;
}

/** Canonical, order-independent serialisation of an encryption context. */
export function canonicalContext(context: EncryptionContext): string {
  return `province=${context.province};agency=${context.agency};table=${context.table}`;
}

/** The encryption context as the string map KMS expects. */
export function kmsContext(context: EncryptionContext): Record<string, string> {
  return { province: context.province, agency: context.agency, table: context.table };
}
