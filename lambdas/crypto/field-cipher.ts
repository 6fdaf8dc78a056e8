/**
 * Field-level envelope encryption. One data key per record version (from the
 * keyring, so usually from its cache); each field sealed on its own with
 * AES-256-GCM, a random 96-bit IV, and AAD that binds table, record id, field
 * name and schema version: a ciphertext moved to another record or field does
 * not decrypt. Every decryption failure is the same DecryptionFailedError.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptionFailedError, ServiceUnavailableError } from '../shared/errors';
import type { EncryptionContext, Keyring } from './keyring';
import type { SealedFields } from '../../schemas/entities/sealed';

/** What a ciphertext is bound to (its AAD). */
export interface FieldBinding {
  readonly table: string;
  readonly recordId: string;
  readonly schemaVersion: number;
}

const PREFIX = 'x1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;

function aad(binding: FieldBinding, field: string): Buffer {
  return Buffer.from(`xinqiao/field/v1\u0000${binding.table}\u0000${binding.recordId}\u0000${field}\u0000${binding.schemaVersion}`);
}

/** Seals one value (JSON-serialised) under `key`; exported for the benchmark's raw comparison. */
export function sealField(key: Uint8Array, binding: FieldBinding, field: string, value: unknown): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(binding, field));
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return PREFIX + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

/** Opens one sealed value; any failure is DecryptionFailedError. */
export function openField(key: Uint8Array, binding: FieldBinding, field: string, sealed: string): unknown {
  try {
    if (!sealed.startsWith(PREFIX)) throw new Error('unknown format');
    const buf = Buffer.from(sealed.slice(PREFIX.length), 'base64url');
    if (buf.length < IV_BYTES + TAG_BYTES) throw new Error('too short');
    const decipher = createDecipheriv('aes-256-gcm', key, buf.subarray(0, IV_BYTES));
    decipher.setAAD(aad(binding, field));
    decipher.setAuthTag(buf.subarray(buf.length - TAG_BYTES));
    const plain = Buffer.concat([decipher.update(buf.subarray(IV_BYTES, buf.length - TAG_BYTES)), decipher.final()]);
    return JSON.parse(plain.toString('utf8'));
  } catch (error) {
    throw new DecryptionFailedError({ cause: error });
  }
}

export class FieldCipher {
  readonly #keyring: Keyring;

  constructor(keyring: Keyring) {
    this.#keyring = keyring;
  }

  /** Seals every defined value of `values`; `undefined` values are left out. */
  async seal(context: EncryptionContext, binding: FieldBinding, values: Readonly<Record<string, unknown>>): Promise<SealedFields> {
    const dataKey = await this.#keyring.generateDataKey(context);
    const fields: Record<string, string> = {};
    for (const [field, value] of Object.entries(values)) {
      if (value !== undefined) fields[field] = sealField(dataKey.plaintext, binding, field, value);
    }
    return { edk: Buffer.from(dataKey.encrypted).toString('base64'), fields };
  }

  /**
   * Opens the named fields only (all when `only` is omitted). Fields not asked
   * for are never decrypted, and the data key is not unwrapped when none are.
   */
  async open(context: EncryptionContext, binding: FieldBinding, sealed: SealedFields, only?: readonly string[]): Promise<Record<string, unknown>> {
    const names = (only ?? Object.keys(sealed.fields)).filter((f) => Object.hasOwn(sealed.fields, f));
    const out: Record<string, unknown> = {};
    if (names.length === 0) return out;
    let key: Uint8Array;
    try {
      key = await this.#keyring.decryptDataKey(Buffer.from(sealed.edk, 'base64'), context);
    } catch (error) {
      // Key-service outages stay retryable (503); everything else looks the same.
      if (error instanceof DecryptionFailedError || error instanceof ServiceUnavailableError) throw error;
      throw new DecryptionFailedError({ cause: error });
    }
    for (const field of names) out[field] = openField(key, binding, field, sealed.fields[field]!);
    return out;
  }
}
