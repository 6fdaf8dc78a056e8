import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CachingKeyring } from '../../../lambdas/crypto/caching-keyring';
import { FieldCipher } from '../../../lambdas/crypto/field-cipher';
import type { SealedFields } from '../../../schemas/entities/sealed';
import { generateLocalKeyMaterial, LocalKeyring } from '../../../lambdas/crypto/local-keyring';
import { DecryptionFailedError } from '../../../lambdas/shared/errors';

const context = { province: '540000', agency: 'xz-education', table: 'records' };
const binding = { table: 'records', recordId: 'rec_A', schemaVersion: 1 };

function setup() {
  const keyring = new LocalKeyring(generateLocalKeyMaterial());
  return { keyring, cipher: new FieldCipher(keyring) };
}

/** Flips one bit of the decoded payload at `offset` (negative: from the end). */
function flip(sealed: string, offset: number): string {
  const buf = Buffer.from(sealed.slice(3), 'base64url');
  const i = offset < 0 ? buf.length + offset : offset;
  buf[i] = buf[i]! ^ 0x01;
  return `x1.${buf.toString('base64url')}`;
}

async function expectDecryptionFailed(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DecryptionFailedError);
  expect((error as DecryptionFailedError).code).toBe('DECRYPTION_FAILED');
  expect((error as DecryptionFailedError).message).toBe('Decryption failed');
}

describe('field cipher', () => {
  it('round-trips any JSON value (property)', async () => {
    const { cipher } = setup();
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.string({ minLength: 1 }).filter((k) => k !== '__proto__'),
          fc.jsonValue(),
        ),
        async (values) => {
          const sealed = await cipher.seal(context, binding, values);
          const opened = await cipher.open(context, binding, sealed);
          expect(opened).toEqual(JSON.parse(JSON.stringify(values)));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never stores the plaintext and uses a fresh IV for every seal', async () => {
    const { cipher } = setup();
    const a = await cipher.seal(context, binding, { name: '扎西卓玛' });
    const b = await cipher.seal(context, binding, { name: '扎西卓玛' });
    expect(JSON.stringify(a)).not.toContain('扎西');
    expect(a.fields.name).not.toBe(b.fields.name);
  });

  it('opens only the fields asked for, and unwraps no key when none are', async () => {
    const { keyring } = setup();
    const cipher = new FieldCipher(keyring);
    const sealed = await cipher.seal(context, binding, { name: 'a', school: 'b' });
    expect(await cipher.open(context, binding, sealed, ['school'])).toEqual({ school: 'b' });
    const before = keyring.calls.decryptDataKey;
    expect(await cipher.open(context, binding, sealed, [])).toEqual({});
    expect(keyring.calls.decryptDataKey).toBe(before);
  });

  describe('every tamper case fails with the same error', () => {
    const cases: [string, (s: SealedFields) => SealedFields, Partial<typeof binding>?, Partial<typeof context>?][] = [
      ['a flipped tag bit', (s) => ({ ...s, fields: { name: flip(s.fields.name!, -1) } })],
      ['a flipped ciphertext bit', (s) => ({ ...s, fields: { name: flip(s.fields.name!, 13) } })],
      ['a flipped IV bit', (s) => ({ ...s, fields: { name: flip(s.fields.name!, 0) } })],
      ['a truncated value', (s) => ({ ...s, fields: { name: s.fields.name!.slice(0, 10) } })],
      ['an unknown format', (s) => ({ ...s, fields: { name: `x9.${s.fields.name!.slice(3)}` } })],
      ['a ciphertext moved to another field', (s) => ({ ...s, fields: { name: s.fields.school! } })],
      ['a ciphertext moved to another record', (s) => s, { recordId: 'rec_B' }],
      ['another table', (s) => s, { table: 'audit' }],
      ['another schema version', (s) => s, { schemaVersion: 2 }],
      ['another encryption context (agency)', (s) => s, undefined, { agency: 'xz-health' }],
      ['a corrupted data key', (s) => ({ ...s, edk: Buffer.from('nonsense').toString('base64') })],
    ];
    it.each(cases)('%s', async (_name, tamper, otherBinding, otherContext) => {
      // Prepare
      const { cipher } = setup();
      const sealed = await cipher.seal(context, binding, { name: '扎西卓玛', school: '拉萨一小' });
      // Act / Assess
      await expectDecryptionFailed(cipher.open({ ...context, ...otherContext }, { ...binding, ...otherBinding }, tamper(sealed), ['name']));
    });

    it('a data key from another keyring (wrong key)', async () => {
      const sealed = await setup().cipher.seal(context, binding, { name: 'a' });
      await expectDecryptionFailed(setup().cipher.open(context, binding, sealed));
    });

    it('the same, through the caching keyring', async () => {
      const keyring = new CachingKeyring(new LocalKeyring(generateLocalKeyMaterial()));
      const cipher = new FieldCipher(keyring);
      const sealed = await cipher.seal(context, binding, { name: 'a' });
      await expectDecryptionFailed(cipher.open({ ...context, agency: 'other' }, binding, sealed));
      await expectDecryptionFailed(cipher.open(context, { ...binding, recordId: 'rec_B' }, sealed));
    });
  });
});
