/** Keyring backed by AWS KMS: envelope keys from GenerateDataKey, index keys from GenerateMac. */
import { DecryptCommand, GenerateDataKeyCommand, GenerateMacCommand, type KMSClient } from '@aws-sdk/client-kms';
import { asServiceUnavailable } from '../shared/dependency-failure';
import { DecryptionFailedError, InternalError } from '../shared/errors';
import { kmsContext, type DataKey, type EncryptionContext, type Keyring } from './keyring';

export interface KmsKeyringOptions {
  client: KMSClient;
  /** Symmetric key that wraps the per-field data keys. */
  fieldKeyId: string;
  /** HMAC_256 key that blind-index keys are derived from; never used to encrypt. */
  indexKeyId: string;
}

const BAD_CIPHERTEXT = new Set(['InvalidCiphertextException', 'IncorrectKeyException', 'InvalidKeyUsageException']);

/** Maps KMS failures onto the hub's errors: unavailable -> 503, bad ciphertext -> DECRYPTION_FAILED, the rest -> 500. */
function mapKmsError(error: unknown, decrypting: boolean): Error {
  const unavailable = asServiceUnavailable(error, 'key service');
  if (unavailable) return unavailable;
  const name = (error as { name?: string } | null)?.name ?? '';
  if (decrypting && BAD_CIPHERTEXT.has(name)) return new DecryptionFailedError({ cause: error });
  return new InternalError({ cause: error });
}

export class KmsKeyring implements Keyring {
  readonly #options: KmsKeyringOptions;

  constructor(options: KmsKeyringOptions) {
    this.#options = options;
  }

  async generateDataKey(context: EncryptionContext): Promise<DataKey> {
    try {
      const out = await this.#options.client.send(
        new GenerateDataKeyCommand({
          KeyId: this.#options.fieldKeyId,
          KeySpec: 'AES_256',
          EncryptionContext: kmsContext(context),
        }),
      );
      if (!out.Plaintext || !out.CiphertextBlob || out.Plaintext.length !== 32) {
        throw new InternalError({ cause: new Error('KMS returned no usable data key') });
      }
      return { plaintext: out.Plaintext, encrypted: out.CiphertextBlob };
    } catch (error) {
      if (error instanceof InternalError) throw error;
      throw mapKmsError(error, false);
    }
  }

  async decryptDataKey(encrypted: Uint8Array, context: EncryptionContext): Promise<Uint8Array> {
    try {
      const out = await this.#options.client.send(
        new DecryptCommand({
          // Naming the key stops a ciphertext made under another key from being decrypted here.
          KeyId: this.#options.fieldKeyId,
          CiphertextBlob: encrypted,
          EncryptionContext: kmsContext(context),
        }),
      );
      if (out.Plaintext?.length !== 32) throw new DecryptionFailedError();
      return out.Plaintext;
    } catch (error) {
      if (error instanceof DecryptionFailedError) throw error;
      throw mapKmsError(error, true);
    }
  }

  async deriveIndexKey(indexName: string): Promise<Uint8Array> {
    try {
      const out = await this.#options.client.send(
        new GenerateMacCommand({
          KeyId: this.#options.indexKeyId,
          MacAlgorithm: 'HMAC_SHA_256',
          Message: new TextEncoder().encode(`xinqiao/blind-index/v1/${indexName}`),
        }),
      );
      if (out.Mac?.length !== 32) throw new InternalError({ cause: new Error('KMS returned no MAC') });
      return out.Mac;
    } catch (error) {
      if (error instanceof InternalError) throw error;
      throw mapKmsError(error, false);
    }
  }
}
