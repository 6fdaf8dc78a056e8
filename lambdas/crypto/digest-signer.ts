/**
 * Signs and verifies with a hub key: a KMS asymmetric key (ECC_NIST_P256) in the stack, a local P-256 key with
 * `npm start`. One port for both hub keys: the audit digest key and the notification key (lambdas/crypto/hub-jws.ts).
 */
import { createPrivateKey, createPublicKey, sign as signBytes, verify as verifyBytes, type KeyObject } from 'node:crypto';
import { GetPublicKeyCommand, SignCommand, VerifyCommand, type KMSClient } from '@aws-sdk/client-kms';

export interface DigestSigner {
  readonly keyId: string;
  /** base64 signature (ECDSA P-256 over SHA-256, DER) of the UTF-8 message. */
  sign(message: string): Promise<string>;
  verify(message: string, signature: string): Promise<boolean>;
  /** The public key, SPKI DER: what receivers verify with (published as a JWK). */
  publicKey(): Promise<Uint8Array>;
}

export class KmsDigestSigner implements DigestSigner {
  #publicKey: Promise<Uint8Array> | undefined;

  constructor(
    private readonly client: KMSClient,
    readonly keyId: string,
  ) {}

  /** Fetched once per instance (a KMS key's public half never changes); a failed fetch is retried next time. */
  publicKey(): Promise<Uint8Array> {
    this.#publicKey ??= this.client.send(new GetPublicKeyCommand({ KeyId: this.keyId })).then(
      (out) => {
        if (!out.PublicKey) throw new Error('KMS returned no public key');
        return out.PublicKey;
      },
      (error: unknown) => {
        this.#publicKey = undefined;
        throw error;
      },
    );
    return this.#publicKey;
  }

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
  readonly #private: KeyObject;
  readonly #public: KeyObject;

  constructor(
    privatePem: string,
    readonly keyId = 'local-audit-signing-key',
  ) {
    this.#private = createPrivateKey(privatePem);
    this.#public = createPublicKey(this.#private);
  }

  async publicKey(): Promise<Uint8Array> {
    return new Uint8Array(this.#public.export({ type: 'spki', format: 'der' }));
  }

  async sign(message: string): Promise<string> {
    return signBytes('sha256', Buffer.from(message), this.#private).toString('base64');
  }

  async verify(message: string, signature: string): Promise<boolean> {
    return verifyBytes('sha256', Buffer.from(message), this.#public, Buffer.from(signature, 'base64'));
  }
}
