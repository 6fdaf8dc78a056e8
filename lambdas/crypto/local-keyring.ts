/**
 * Keyring for `npm start` and tests: a local wrapping key and a separate local
 * index root key stand in for the KMS keys. Same contract as KmsKeyring,
 * including failure on a wrong encryption context.
 */
import { createCipheriv, createDecipheriv, createHmac, generateKeyPairSync, randomBytes } from 'node:crypto';
import { DecryptionFailedError } from '../shared/errors';
import { canonicalContext, type DataKey, type EncryptionContext, type Keyring } from './keyring';

export interface LocalKeyMaterial {
  /** 32 bytes, base64: wraps data keys (stands in for the KMS field key). */
  wrappingKey: string;
  /** 32 bytes, base64: root of the blind-index keys (stands in for the KMS HMAC key). */
  indexRootKey: string;
  /** P-256 private key, PKCS#8 PEM: signs audit digests (stands in for the KMS signing key). */
  auditSigningKey?: string;
  /** P-256 private key, PKCS#8 PEM: signs the notifications handed to agencies (stands in for the KMS notification key). */
  notificationSigningKey?: string;
}

export function generateAuditSigningKey(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

export function generateLocalKeyMaterial(): LocalKeyMaterial {
  return {
    wrappingKey: randomBytes(32).toString('base64'),
    indexRootKey: randomBytes(32).toString('base64'),
    auditSigningKey: generateAuditSigningKey(),
    notificationSigningKey: generateAuditSigningKey(),
  };
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

export class LocalKeyring implements Keyring {
  readonly #wrappingKey: Buffer;
  readonly #indexRootKey: Buffer;
  /** Counts calls, like KMS requests, so benchmarks and tests can see the cache work. */
  readonly calls = { generateDataKey: 0, decryptDataKey: 0, deriveIndexKey: 0 };

  constructor(material: LocalKeyMaterial) {
    this.#wrappingKey = Buffer.from(material.wrappingKey, 'base64');
    this.#indexRootKey = Buffer.from(material.indexRootKey, 'base64');
    if (this.#wrappingKey.length !== 32 || this.#indexRootKey.length !== 32) {
      throw new TypeError('local key material must be two 32-byte keys');
    }
  }

  async generateDataKey(context: EncryptionContext): Promise<DataKey> {
    this.calls.generateDataKey++;
    const plaintext = randomBytes(32);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#wrappingKey, iv);
    cipher.setAAD(Buffer.from(canonicalContext(context)));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { plaintext, encrypted: Buffer.concat([iv, body, cipher.getAuthTag()]) };
  }

  async decryptDataKey(encrypted: Uint8Array, context: EncryptionContext): Promise<Uint8Array> {
    this.calls.decryptDataKey++;
    try {
      const buf = Buffer.from(encrypted);
      if (buf.length !== IV_BYTES + 32 + TAG_BYTES) throw new Error('bad length');
      const decipher = createDecipheriv('aes-256-gcm', this.#wrappingKey, buf.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(canonicalContext(context)));
      decipher.setAuthTag(buf.subarray(buf.length - TAG_BYTES));
      return Buffer.concat([decipher.update(buf.subarray(IV_BYTES, buf.length - TAG_BYTES)), decipher.final()]);
    } catch (error) {
      throw new DecryptionFailedError({ cause: error });
    }
  }

  async deriveIndexKey(indexName: string): Promise<Uint8Array> {
    this.calls.deriveIndexKey++;
    return createHmac('sha256', this.#indexRootKey).update(`xinqiao/blind-index/v1/${indexName}`).digest();
  }
}
