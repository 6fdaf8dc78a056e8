/**
 * The hub's notification signatures: ES256 compact JWS built over the DigestSigner port (a local P-256 key, or KMS
 * with the same contract), verified by the receiver-side helper (client/notifications.ts) with the JWKS.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { calculateJwkThumbprint, CompactSign, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { NotificationSignatureError, verifyNotification } from '../../../client/notifications';
import { KmsDigestSigner, LocalDigestSigner } from '../../../lambdas/crypto/digest-signer';
import { derToJose, HubJwsSigner, jwkOfSpki } from '../../../lambdas/crypto/hub-jws';
import { generateAuditSigningKey } from '../../../lambdas/crypto/local-keyring';
import { hubKeys } from '../../../lambdas/domain/notifications/hub-keys';
import { NOTIFICATION_TOKEN_TYPE, signNotification } from '../../../lambdas/domain/notifications/notification-signature';
import type { Notification } from '../../../schemas/entities/notifications';

const NOTE: Notification = {
  notificationId: 'ntf_01HZZZZZZZZZZZZZZZZZZZZZZZ',
  recipient: 'xz-education',
  at: '2026-12-03T09:00:00.000Z',
  kind: 'referral_updated',
  caseId: 'case_01HZZZZZZZZZZZZZZZZZZZZZZZ',
  severity: 'info',
  subjectId: 'ref_01HZZZZZZZZZZZZZZZZZZZZZZZ',
  referralStatus: 'accepted',
};
const HUB = 'xinqiao-540000';
const NOW = new Date('2026-12-03T09:00:05.000Z');

const localSigner = () => new HubJwsSigner(new LocalDigestSigner(generateAuditSigningKey(), 'test-notification-key'));

async function signedFixture() {
  const signer = localSigner();
  const { token, kid } = await signNotification(signer, HUB, NOTE, NOW);
  return { signer, token, kid, jwks: await hubKeys([signer]) };
}

const b64 = (s: string) => Buffer.from(s).toString('base64url');
const parts = (token: string) => token.split('.') as [string, string, string];

describe('hub notification signatures', () => {
  it('signs a notification the receiver verifies with the JWKS and its own agency id, getting the signed fields back', async () => {
    const { token, kid, jwks } = await signedFixture();
    const verified = await verifyNotification(token, jwks, 'xz-education', { hubId: HUB });
    const { recipient: _r, ...expected } = NOTE;
    expect(verified).toEqual({ notification: expected, hubId: HUB, signedAt: NOW, kid });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', kid, typ: NOTIFICATION_TOKEN_TYPE });
    const claims = JSON.parse(Buffer.from(parts(token)[1], 'base64url').toString());
    expect(claims).toEqual({ aud: 'xz-education', iat: NOW.getTime() / 1000, iss: HUB, jti: NOTE.notificationId, notification: expected });
  });

  it('signs the canonical JSON of the claims: keys sorted at every depth, whatever order the notification had', async () => {
    const { token } = await signedFixture();
    const payload = Buffer.from(parts(token)[1], 'base64url').toString();
    expect(payload.startsWith('{"aud":"xz-education","iat":')).toBe(true);
    expect(payload).toContain('"notification":{"at":"2026-12-03T09:00:00.000Z","caseId":');
  });

  it.each([
    ['another agency', async (t: string) => t, 'xz-health', 'ERR_JWT_CLAIM_VALIDATION_FAILED'],
    [
      'a changed body',
      async (t: string) => {
        const [h, p, s] = parts(t);
        const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
        claims.notification.referralStatus = 'rejected';
        return `${h}.${b64(JSON.stringify(claims))}.${s}`;
      },
      'xz-education',
      'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    ],
    [
      'a changed audience',
      async (t: string) => {
        const [h, p, s] = parts(t);
        return `${h}.${b64(Buffer.from(p, 'base64url').toString().replace('xz-education', 'xz-health'))}.${s}`;
      },
      'xz-health',
      'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    ],
    [
      'a flipped signature bit',
      async (t: string) => {
        const [h, p, s] = parts(t);
        const sig = Buffer.from(s, 'base64url');
        sig[10]! ^= 1;
        return `${h}.${p}.${sig.toString('base64url')}`;
      },
      'xz-education',
      'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    ],
    ['a truncated token', async (t: string) => t.slice(0, -20), 'xz-education', 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'],
    ['not a token', async () => 'hello', 'xz-education', 'ERR_JWS_INVALID'],
  ])('refuses %s with the one error code', async (_case, tamper, audience, reason) => {
    const { token, jwks } = await signedFixture();
    const error = await verifyNotification(await tamper(token), jwks, audience).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotificationSignatureError);
    expect(error).toMatchObject({ code: 'NOTIFICATION_SIGNATURE_INVALID', reason });
  });

  it('refuses a token signed by a key the hub does not publish, and one from another hub when the hub id is given', async () => {
    const { token } = await signedFixture();
    const other = await hubKeys([localSigner()]);
    await expect(verifyNotification(token, other, 'xz-education')).rejects.toMatchObject({
      code: 'NOTIFICATION_SIGNATURE_INVALID',
      reason: 'ERR_JWKS_NO_MATCHING_KEY',
    });
    const { jwks } = await signedFixture();
    const signer = localSigner();
    const foreign = await signNotification(signer, 'xinqiao-310000', NOTE, NOW);
    await expect(verifyNotification(foreign.token, await hubKeys([signer]), 'xz-education', { hubId: HUB })).rejects.toMatchObject({
      reason: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
    });
    expect(jwks.keys).toHaveLength(1);
  });

  it('refuses a hub-signed token of another type, and one whose jti is not its notification id', async () => {
    const signer = localSigner();
    const jwks = await hubKeys([signer]);
    const claims = { aud: 'xz-education', iat: 1, iss: HUB, jti: NOTE.notificationId, notification: { ...NOTE, recipient: undefined } };
    const otherType = await signer.sign('JWT', JSON.stringify(claims));
    await expect(verifyNotification(otherType.token, jwks, 'xz-education')).rejects.toMatchObject({ reason: 'ERR_JWT_CLAIM_VALIDATION_FAILED' });
    const wrongJti = await signer.sign(NOTIFICATION_TOKEN_TYPE, JSON.stringify({ ...claims, jti: 'ntf_other' }));
    await expect(verifyNotification(wrongJti.token, jwks, 'xz-education')).rejects.toMatchObject({ reason: 'ERR_CLAIMS' });
  });

  it('names each key by its RFC 7638 thumbprint, as jose computes it, and publishes each key once', async () => {
    const signer = localSigner();
    const jwk = await signer.jwk();
    expect(jwk.kid).toBe(await calculateJwkThumbprint({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }));
    expect((await hubKeys([signer, signer])).keys).toEqual([jwk]);
    expect(Object.keys(jwk).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
  });

  it('publishes a retiring key after the current one, so that what it signed before a rotation still verifies', async () => {
    const old = localSigner();
    const current = localSigner();
    const before = await signNotification(old, HUB, NOTE, NOW);
    const jwks = await hubKeys([current, old]);
    expect(jwks.keys.map((k) => k.kid)).toEqual([(await current.jwk()).kid, (await old.jwk()).kid]);
    await expect(verifyNotification(before.token, jwks, 'xz-education')).resolves.toMatchObject({ kid: before.kid });
  });
});

describe('DER to JOSE signatures', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  it('turns any DER ECDSA P-256 signature into the r || s form that verifies as IEEE P1363', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (message) => {
        const jose = derToJose(nodeSign('sha256', message, privateKey));
        expect(jose).toHaveLength(64);
        expect(nodeVerify('sha256', message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, jose)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['empty', []],
    ['not a sequence', [0x31, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01]],
    ['a wrong length', [0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01]],
    ['an integer too long', [0x30, 0x25, 0x02, 0x22, ...new Array(34).fill(1), 0x02, 0x01, 0x01]],
    ['trailing bytes', [0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x00]],
    ['one integer', [0x30, 0x03, 0x02, 0x01, 0x01]],
  ])('refuses %s', (_case, bytes) => {
    expect(() => derToJose(new Uint8Array(bytes))).toThrow(TypeError);
  });

  it('refuses a public key that is not P-256', () => {
    const rsa = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' });
    expect(() => jwkOfSpki(rsa)).toThrow(TypeError);
  });
});

describe('notification signing through KMS', () => {
  const kms = mockClient(KMSClient);
  afterEach(() => kms.reset());

  it('signs the JWS input raw with ECDSA_SHA_256 on the notification key, fetching the public key once; the token verifies', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    kms.on(GetPublicKeyCommand).resolves({ PublicKey: new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })) });
    kms.on(SignCommand).callsFake((input) => ({ Signature: new Uint8Array(nodeSign('sha256', input.Message, privateKey)) }));
    const signer = new HubJwsSigner(new KmsDigestSigner(new KMSClient({ region: 'cn-northwest-1' }), 'arn:notification-key'));
    const first = await signNotification(signer, HUB, NOTE, NOW);
    await signNotification(signer, HUB, { ...NOTE, notificationId: 'ntf_01HYYYYYYYYYYYYYYYYYYYYYYY' }, NOW);
    expect(kms.commandCalls(GetPublicKeyCommand)).toHaveLength(1);
    const signs = kms.commandCalls(SignCommand).map((c) => c.args[0].input);
    expect(signs).toHaveLength(2);
    expect(signs[0]).toMatchObject({ KeyId: 'arn:notification-key', MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' });
    expect(new TextDecoder().decode(signs[0]!.Message)).toBe(first.token.split('.').slice(0, 2).join('.'));
    const jwks = await hubKeys([signer]);
    await expect(verifyNotification(first.token, jwks, 'xz-education')).resolves.toMatchObject({ kid: first.kid });
    // The kid is the key's own thumbprint: the ARN is never published.
    expect(JSON.stringify(jwks)).not.toContain('arn:');
    expect(first.kid).toBe(await calculateJwkThumbprint(publicKey.export({ format: 'jwk' }) as JWK));
  });

  it('asks KMS for the public key again after a failed fetch', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    kms
      .on(GetPublicKeyCommand)
      .rejectsOnce(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }))
      .resolves({ PublicKey: new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })) });
    const signer = new HubJwsSigner(new KmsDigestSigner(new KMSClient({ region: 'cn-northwest-1' }), 'arn:notification-key'));
    await expect(signer.jwk()).rejects.toThrow('throttled');
    await expect(signer.jwk()).resolves.toMatchObject({ kty: 'EC', crv: 'P-256' });
  });
});

// A token jose itself signed with the hub's key verifies too: the hub's JWS is plain RFC 7515.
describe('interoperability', () => {
  it('verifies a notification token jose signed with the same key', async () => {
    const pem = generateAuditSigningKey();
    const signer = new HubJwsSigner(new LocalDigestSigner(pem));
    const jwk = await signer.jwk();
    expect(createPublicKey(pem).export({ format: 'jwk' })).toMatchObject({ x: jwk.x, y: jwk.y });
    const key = await importJWK(createPrivateKey(pem).export({ format: 'jwk' }) as JWK, 'ES256');
    const claims = { aud: 'xz-education', iat: 1, iss: HUB, jti: NOTE.notificationId, notification: { ...NOTE } };
    const token = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
      .setProtectedHeader({ alg: 'ES256', kid: jwk.kid, typ: NOTIFICATION_TOKEN_TYPE })
      .sign(key);
    await expect(verifyNotification(token, await hubKeys([signer]), 'xz-education')).resolves.toMatchObject({ kid: jwk.kid });
  });
});
