/** Signs and verifies audit digests: a KMS asymmetric key (ECC_NIST_P256) in the stack, a local P-256 key with `npm start`. */
import { createPrivateKey, createPublicKey, sign as signBytes, verify as verifyBytes, type KeyObject } from 'node:crypto';
import { SignCommand, VerifyCommand, type KMSClient } from '@aws-sdk/client-kms';

export interface DigestSigner {
  readonly keyId: string;
  /** base64 signature of the UTF-8 message. */
  sign(message: string): Promise<string>;
  verify(message: string, signature: string): Promise<boolean>;
}

export class KmsDigestSigner implements DigestSigner {
  constructor(
    private readonly client: KMSClient,
    readonly keyId: string,
  ) {}

  async sign(message: string): Promise<string> {
    const out = await this.client.send(
      new SignCommand({ KeyId: this.keyId, Message: new TextEncoder().encode(message), MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' }),
    );
    return Buffer.from(out.Signature ?? new Uint8Array()).toString('base64');
  }

  async verify(message: string, signature: string): Promise<boolean> {
    try {
      const out = await this.client.send(
        new VerifyCommand({
          KeyId: this.keyId,
          Message: new TextEncoder().encode(message),
          MessageType: 'RAW',
          Signature: Buffer.from(signature, 'base64'),
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      );
      return out.SignatureValid === true;
    } catch (error) {
      if ((error as { name?: string }).name === 'KMSInvalidSignatureException') return false;
      throw error;
    }
  }
}

export class LocalDigestSigner implements DigestSigner {
  readonly keyId = 'local-audit-signing-key';
  readonly #private: KeyObject;
  readonly #public: KeyObject;

  constructor(privatePem: string) {
    this.#private = createPrivateKey(privatePem);
    this.#public = createPublicKey(this.#private);
  }

  async sign(message: string): Promise<string> {
    return signBytes('sha256', Buffer.from(message), this.#private).toString('base64');
  }

  async verify(message: string, signature: string): Promise<boolean> {
    return verifyBytes('sha256', Buffer.from(message), this.#public, Buffer.from(signature, 'base64'));
  }
}
