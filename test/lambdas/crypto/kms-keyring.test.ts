import { DecryptCommand, GenerateDataKeyCommand, GenerateMacCommand, InvalidCiphertextException, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { CachingKeyring } from '../../../lambdas/crypto/caching-keyring';
import { FieldCipher } from '../../../lambdas/crypto/field-cipher';
import { KmsKeyring } from '../../../lambdas/crypto/kms-keyring';
import { DecryptionFailedError, InternalError, ServiceUnavailableError } from '../../../lambdas/shared/errors';

const kms = mockClient(KMSClient);
const context = { province: '540000', agency: 'xz-education', table: 'records' };
const binding = { table: 'records', recordId: 'rec_A', schemaVersion: 1 };
const plaintext = new Uint8Array(32).fill(7);
const edk = new Uint8Array([1, 2, 3, 4]);

function keyring() {
  return new KmsKeyring({ client: new KMSClient({ region: 'cn-northwest-1' }), fieldKeyId: 'arn:field', indexKeyId: 'arn:index' });
}

const awsError = (name: string) => Object.assign(new Error(name), { name, $metadata: {} });

afterEach(() => kms.reset());

describe('KMS keyring', () => {
  it('asks for an AES-256 data key with the encryption context and the field key', async () => {
    kms.on(GenerateDataKeyCommand).resolves({ Plaintext: plaintext, CiphertextBlob: edk });
    const key = await keyring().generateDataKey(context);
    expect(key.plaintext).toEqual(plaintext);
    expect(kms.commandCalls(GenerateDataKeyCommand)[0]!.args[0].input).toEqual({
      KeyId: 'arn:field',
      KeySpec: 'AES_256',
      EncryptionContext: { province: '540000', agency: 'xz-education', table: 'records' },
    });
  });

  it('decrypts with the key id pinned and the same context', async () => {
    kms.on(DecryptCommand).resolves({ Plaintext: plaintext });
    await keyring().decryptDataKey(edk, context);
    expect(kms.commandCalls(DecryptCommand)[0]!.args[0].input).toMatchObject({ KeyId: 'arn:field', EncryptionContext: context });
  });

  it('maps throttling to a retryable SERVICE_UNAVAILABLE', async () => {
    kms.on(GenerateDataKeyCommand).rejects(awsError('ThrottlingException'));
    const error = await keyring()
      .generateDataKey(context)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as ServiceUnavailableError).statusCode).toBe(503);
  });

  it.each([
    ['a reset connection', Object.assign(new Error('socket hang up'), { name: 'TimeoutError', code: 'ECONNRESET', $metadata: {} })],
    ['a request that timed out', Object.assign(new Error('requestTimeout'), { name: 'TimeoutError', code: 'ETIMEDOUT', $metadata: {} })],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', $metadata: {} })],
    ['KMS failing on its side', awsError('KMSInternalException')],
  ])('maps %s to a retryable SERVICE_UNAVAILABLE, decrypting or not', async (_label, failure) => {
    kms.on(DecryptCommand).rejects(failure);
    kms.on(GenerateMacCommand).rejects(failure);
    for (const call of [() => keyring().decryptDataKey(edk, context), () => keyring().deriveIndexKey('name')]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServiceUnavailableError);
    }
  });

  it('maps AccessDenied to a generic INTERNAL error', async () => {
    kms.on(GenerateDataKeyCommand).rejects(awsError('AccessDeniedException'));
    const error = await keyring()
      .generateDataKey(context)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalError);
    expect((error as InternalError).expose).toBe(false);
  });

  it('maps a wrong encryption context (InvalidCiphertext) to DECRYPTION_FAILED', async () => {
    kms.on(DecryptCommand).rejects(new InvalidCiphertextException({ message: 'context mismatch', $metadata: {} }));
    const error = await keyring()
      .decryptDataKey(edk, { ...context, agency: 'other' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecryptionFailedError);
  });

  it('keeps the same DECRYPTION_FAILED through the field cipher', async () => {
    kms.on(GenerateDataKeyCommand).resolves({ Plaintext: plaintext, CiphertextBlob: edk });
    kms.on(DecryptCommand).rejects(new InvalidCiphertextException({ message: 'x', $metadata: {} }));
    const sealed = await new FieldCipher(keyring()).seal(context, binding, { name: 'a' });
    const error = await new FieldCipher(keyring()).open(context, binding, sealed).catch((e: unknown) => e);
    expect((error as DecryptionFailedError).code).toBe('DECRYPTION_FAILED');
  });

  it('keeps throttling during decryption retryable through the field cipher', async () => {
    kms.on(GenerateDataKeyCommand).resolves({ Plaintext: plaintext, CiphertextBlob: edk });
    kms.on(DecryptCommand).rejects(awsError('ThrottlingException'));
    const sealed = await new FieldCipher(keyring()).seal(context, binding, { name: 'a' });
    const error = await new FieldCipher(keyring()).open(context, binding, sealed).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
  });

  it('derives index keys with GenerateMac on the HMAC key', async () => {
    kms.on(GenerateMacCommand).resolves({ Mac: new Uint8Array(32).fill(9) });
    const key = await keyring().deriveIndexKey('540000/id-number');
    expect(key).toHaveLength(32);
    expect(kms.commandCalls(GenerateMacCommand)[0]!.args[0].input).toMatchObject({ KeyId: 'arn:index', MacAlgorithm: 'HMAC_SHA_256' });
  });

  it('makes one GenerateDataKey call for 1,000 records on a warm cache', async () => {
    kms.on(GenerateDataKeyCommand).resolves({ Plaintext: plaintext, CiphertextBlob: edk });
    const cipher = new FieldCipher(new CachingKeyring(keyring()));
    for (let i = 0; i < 1000; i++) await cipher.seal(context, { ...binding, recordId: `rec_${i}` }, { name: 'a' });
    expect(kms.commandCalls(GenerateDataKeyCommand)).toHaveLength(1);
  });

  it('does not cache a failed data-key request', async () => {
    kms.on(GenerateDataKeyCommand).rejectsOnce(awsError('ThrottlingException')).resolves({ Plaintext: plaintext, CiphertextBlob: edk });
    const caching = new CachingKeyring(keyring());
    await expect(caching.generateDataKey(context)).rejects.toBeInstanceOf(ServiceUnavailableError);
    await new Promise((r) => setImmediate(r));
    await expect(caching.generateDataKey(context)).resolves.toMatchObject({ plaintext });
  });
});
