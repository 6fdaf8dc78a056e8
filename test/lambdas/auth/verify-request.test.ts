import { FlattenedSign, generateKeyPair, importJWK, SignJWT, exportJWK, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../../client/sign-request';
import { AgencyRegistry } from '../../../lambdas/auth/registry';
import { bodyHash, verifyRequest, type AuthAttempt, type RequestBinding } from '../../../lambdas/auth/verify-request';
import { AuthError, AuthMalformedError } from '../../../lambdas/shared/errors';
import { makeTestProvince, type TestProvince } from '../../support/agencies';

const NOW = 1_800_000_000;
const body = new TextEncoder().encode('{"a":1}');
const binding: RequestBinding = { method: 'POST', pathWithQuery: '/v1/records?dryRun=1', body };

let province: TestProvince;
let registry: AgencyRegistry;
beforeAll(async () => {
  province = await makeTestProvince();
  registry = new AgencyRegistry(province.config);
});

const edu = () => province.agencies['xz-education']!;

async function signed(overrides: Partial<Parameters<typeof signRequest>[1]> = {}, agency = edu()) {
  return signRequest(agency.credentials, {
    hubId: 'xinqiao-540000',
    method: 'POST',
    pathWithQuery: '/v1/records?dryRun=1',
    body,
    now: NOW,
    ...overrides,
  });
}

/** A token with full control over header and claims, signed with the education key. */
async function custom(claims: Record<string, unknown>, header: Record<string, unknown> = {}, key?: JWK, alg: 'EdDSA' | 'ES256' = 'EdDSA') {
  const jwk = key ?? edu().credentials.privateJwk;
  const { importJWK } = await import('jose');
  const token = await new SignJWT({
    iss: 'xz-education',
    aud: 'xinqiao-540000',
    iat: NOW,
    exp: NOW + 60,
    jti: 'j-1',
    htm: 'POST',
    htu: '/v1/records?dryRun=1',
    bsh: bodyHash(body),
    ...claims,
  })
    .setProtectedHeader({ alg, kid: edu().credentials.privateJwk.kid, typ: 'xinqiao-req+jwt', ...header } as never)
    .sign(await importJWK(jwk, alg));
  return `Bearer ${token}`;
}

async function codeOf(authorization: string | undefined, b: RequestBinding = binding, now = NOW): Promise<string> {
  try {
    await verifyRequest(authorization, b, registry, now);
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return (error as AuthError).code;
  }
  return 'OK';
}

describe('signed request verification', () => {
  it('accepts a correctly signed request and names the caller', async () => {
    const attempt: AuthAttempt = {};
    const caller = await verifyRequest(await signed({ sub: 'teacher-17', purpose: 'assessment' }), binding, registry, NOW, attempt);
    expect(caller).toMatchObject({ agencyId: 'xz-education', agencyType: 'education', sub: 'teacher-17', purpose: 'assessment' });
    expect(attempt).toEqual({ kid: 'xz-education-k1', agencyId: 'xz-education', sub: 'teacher-17' });
  });

  it('accepts every active key of an agency during rotation', async () => {
    const k1 = await verifyRequest(await signed({}, province.agencies['xz-civil-affairs']!), binding, registry, NOW);
    const k2 = await verifyRequest(await signed({}, province.agencies['xz-civil-affairs-k2']!), binding, registry, NOW);
    expect([k1.kid, k2.kid]).toEqual(['xz-civil-affairs-k1', 'xz-civil-affairs-k2']);
    expect(k2.agencyId).toBe('xz-civil-affairs');
  });

  it('accepts ES256 keys', async () => {
    const health = province.agencies['xz-health']!;
    const caller = await verifyRequest(await signed({}, health), binding, registry, NOW);
    expect(caller.agencyId).toBe('xz-health');
  });

  it.each([
    ['no header', undefined, 'AUTH_MISSING'],
    ['a non-bearer scheme', 'Basic abc', 'AUTH_MISSING'],
    ['garbage', 'Bearer abc.def', 'AUTH_MALFORMED'],
    ['an undecodable header', 'Bearer %%%.e30.sig', 'AUTH_MALFORMED'],
  ])('rejects %s', async (_name, header, code) => {
    expect(await codeOf(header)).toBe(code);
  });

  it('rejects alg none and HS256 as unsupported', async () => {
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const none = `Bearer ${enc({ alg: 'none', kid: 'xz-education-k1', typ: 'xinqiao-req+jwt' })}.${enc({ iss: 'xz-education' })}.`;
    const hs = `Bearer ${enc({ alg: 'HS256', kid: 'xz-education-k1', typ: 'xinqiao-req+jwt' })}.${enc({})}.c2ln`;
    expect(await codeOf(none)).toBe('AUTH_UNSUPPORTED_ALG');
    expect(await codeOf(hs)).toBe('AUTH_UNSUPPORTED_ALG');
  });

  it('rejects an alg that does not fit the registered key (ES256 header, Ed25519 key)', async () => {
    const es256 = province.agencies['xz-health']!.credentials.privateJwk;
    expect(await codeOf(await custom({}, {}, es256, 'ES256'))).toBe('AUTH_UNSUPPORTED_ALG');
  });

  it('rejects an unknown kid', async () => {
    expect(await codeOf(await custom({}, { kid: 'nobody-k1' }))).toBe('AUTH_UNKNOWN_KEY');
  });

  it('rejects a revoked key and a suspended agency', async () => {
    expect(await codeOf(await signed({}, province.agencies['revoked-edu']!))).toBe('AUTH_KEY_REVOKED');
    expect(await codeOf(await signed({}, province.agencies['suspended-wf']!))).toBe('AUTH_AGENCY_SUSPENDED');
  });

  it('rejects a signature made with another key under a registered kid', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    expect(await codeOf(await custom({}, {}, await exportJWK(privateKey)))).toBe('AUTH_BAD_SIGNATURE');
  });

  it('never follows an embedded jwk, jku or x5u header', async () => {
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const attacker = await custom(
      {},
      { jwk: await exportJWK(publicKey), jku: 'https://evil.example/jwks', x5u: 'https://evil.example/x5u' },
      await exportJWK(privateKey),
    );
    expect(await codeOf(attacker)).toBe('AUTH_BAD_SIGNATURE');
  });

  describe('header extensions (crit, b64) that would change how the token is read', () => {
    const claims = () => ({
      iss: 'xz-education',
      aud: 'xinqiao-540000',
      iat: NOW,
      exp: NOW + 60,
      jti: 'j-ext',
      htm: 'POST',
      htu: '/v1/records?dryRun=1',
      bsh: bodyHash(body),
    });
    const header = (extra: Record<string, unknown>) => ({ alg: 'EdDSA', kid: edu().credentials.privateJwk.kid, typ: 'xinqiao-req+jwt', ...extra }) as never;
    const key = () => importJWK(edu().credentials.privateJwk, 'EdDSA');

    /** Refused with AUTH_MALFORMED naming the header, after the key it claims was looked up (so the audit event names it). */
    async function expectRefused(authorization: string, paths: string[]) {
      const attempt: AuthAttempt = {};
      const error = await verifyRequest(authorization, binding, registry, NOW, attempt).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthMalformedError);
      expect((error as AuthMalformedError).details?.map((d) => d.path)).toEqual(paths);
      expect(attempt).toEqual({ kid: 'xz-education-k1', agencyId: 'xz-education' });
    }

    it('refuses b64: false without crit (which jose would ignore and verify)', async () => {
      const token = await new SignJWT(claims()).setProtectedHeader(header({ b64: false })).sign(await key());
      await expectRefused(`Bearer ${token}`, ['b64']);
    });

    it('refuses an RFC 7797 unencoded payload (b64: false, crit: ["b64"])', async () => {
      const jws = await new FlattenedSign(new TextEncoder().encode(JSON.stringify(claims())))
        .setProtectedHeader(header({ b64: false, crit: ['b64'] }))
        .sign(await key());
      await expectRefused(`Bearer ${jws.protected}.${jws.payload}.${jws.signature}`, ['crit', 'b64']);
    });

    it('refuses any crit, even one naming b64: true or an extension the signer understood', async () => {
      const b64True = await new SignJWT(claims()).setProtectedHeader(header({ crit: ['b64'], b64: true })).sign(await key());
      await expectRefused(`Bearer ${b64True}`, ['crit', 'b64']);
      const custom = await new SignJWT(claims())
        .setProtectedHeader(header({ crit: ['urn:example:policy'], 'urn:example:policy': 'x' }))
        .sign(await key(), { crit: { 'urn:example:policy': true } });
      await expectRefused(`Bearer ${custom}`, ['crit']);
      const empty = await new SignJWT(claims())
        .setProtectedHeader(header({ crit: [] }))
        .sign(await key())
        .catch(() => undefined);
      if (empty) await expectRefused(`Bearer ${empty}`, ['crit']);
    });

    it('accepts the same claims without them', async () => {
      const token = await new SignJWT(claims()).setProtectedHeader(header({})).sign(await key());
      expect(await codeOf(`Bearer ${token}`)).toBe('OK');
    });
  });

  it('rejects a token signed by one agency that claims to be another (iss)', async () => {
    expect(await codeOf(await custom({ iss: 'xz-health' }))).toBe('AUTH_BINDING_MISMATCH');
  });

  it('rejects a wrong typ and a token for another hub (aud)', async () => {
    expect(await codeOf(await custom({}, { typ: 'JWT' }))).toBe('AUTH_BINDING_MISMATCH');
    expect(await codeOf(await signed({ hubId: 'xinqiao-310000' }))).toBe('AUTH_BINDING_MISMATCH');
  });

  it('allows 60 s of clock skew and no more', async () => {
    const token = await signed({ lifetimeSeconds: 60 });
    expect(await codeOf(token, binding, NOW + 60 + 60)).toBe('OK');
    expect(await codeOf(token, binding, NOW + 60 + 61)).toBe('AUTH_EXPIRED');
    expect(await codeOf(token, binding, NOW - 60)).toBe('OK');
    expect(await codeOf(token, binding, NOW - 61)).toBe('AUTH_NOT_YET_VALID');
  });

  it('rejects a lifetime over 300 s', async () => {
    expect(await codeOf(await signed({ lifetimeSeconds: 301 }))).toBe('AUTH_LIFETIME_TOO_LONG');
    expect(await codeOf(await signed({ lifetimeSeconds: 300 }))).toBe('OK');
  });

  it('rejects missing or malformed claims', async () => {
    expect(await codeOf(await custom({ jti: undefined }))).toBe('AUTH_MALFORMED');
    expect(await codeOf(await custom({ jti: 'x'.repeat(129) }))).toBe('AUTH_MALFORMED');
    expect(await codeOf(await custom({ bsh: 'short' }))).toBe('AUTH_MALFORMED');
  });

  it.each([
    ['method (htm)', { ...binding, method: 'GET' }],
    ['path (htu)', { ...binding, pathWithQuery: '/v1/records' }],
    ['query (htu)', { ...binding, pathWithQuery: '/v1/records?dryRun=0' }],
    ['body (bsh)', { ...binding, body: new TextEncoder().encode('{"a":2}') }],
  ])('rejects a request whose %s differs from the signed one', async (_name, other) => {
    expect(await codeOf(await signed(), other)).toBe('AUTH_BINDING_MISMATCH');
  });

  it('binds the empty body to the hash of the empty string', async () => {
    const get: RequestBinding = { method: 'GET', pathWithQuery: '/v1/openapi.json', body: new Uint8Array() };
    expect(await codeOf(await signed({ method: 'GET', pathWithQuery: '/v1/openapi.json', body: undefined }), get)).toBe('OK');
  });
});
