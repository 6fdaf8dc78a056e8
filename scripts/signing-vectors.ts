/**
 * Builds the signing test vectors (client/test-vectors/signing-v1.json) for agencies writing their own signer in
 * Java, Python, Go, ...: inputs, test keys, the exact header, payload and signing input the reference client
 * produces, the expected token (Ed25519 is deterministic; ES256 is not, so its tokens are checked by verifying),
 * and tokens the hub must refuse, each with the error code it gives. The keys are test keys, published here and
 * registered nowhere. Deterministic: the keys are kept from the existing file unless `--new-keys` is given, so a
 * rerun writes the same file (test/client/signing-vectors.test.ts checks that the file is what this script makes).
 *
 *   npm run vectors:signing            # rewrite the file from the kept keys
 *   npm run vectors:signing -- --check # exit 1 if the file is not what the script would write
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPrivateKey, type JsonWebKey, sign } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { type AgencyCredentials, bodySha256, signRequest } from '../client/sign-request';

export const VECTORS_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', 'client', 'test-vectors', 'signing-v1.json');

const HUB_ID = 'xinqiao-540000';
const NOW = 1_800_000_000;

interface VectorKey {
  readonly agencyId: string;
  readonly kid: string;
  readonly alg: 'EdDSA' | 'ES256';
  readonly privateJwk: JWK;
  readonly publicJwk: JWK;
}

interface RequestInput {
  readonly method: string;
  readonly pathWithQuery: string;
  /** The body bytes as UTF-8 text (every vector body is text; "" or absent for none). */
  readonly body?: string;
  readonly sub?: string;
  readonly purpose?: string;
  readonly iat: number;
  readonly lifetimeSeconds: number;
  readonly jti: string;
}

async function newKey(agencyId: string, kid: string, alg: 'EdDSA' | 'ES256'): Promise<VectorKey> {
  const pair = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' && { crv: 'Ed25519' }) });
  const { kty, crv, x, y, d } = await exportJWK(pair.privateKey);
  const publicJwk = { kty, crv, x, ...(y && { y }) } as JWK;
  return { agencyId, kid, alg, privateJwk: { ...publicJwk, d, kid, alg } as JWK, publicJwk };
}

async function keysFor(renew: boolean): Promise<VectorKey[]> {
  if (!renew && existsSync(VECTORS_FILE)) return JSON.parse(readFileSync(VECTORS_FILE, 'utf8')).keys as VectorKey[];
  return [await newKey('vector-agency', 'vector-ed25519-1', 'EdDSA'), await newKey('vector-agency', 'vector-p256-1', 'ES256')];
}

const b64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** The three parts of a compact JWS, decoded: what a foreign signer must reproduce exactly. */
function parts(token: string) {
  const [h, p] = token.split('.') as [string, string, string];
  return {
    header: Buffer.from(h, 'base64url').toString('utf8'),
    payload: Buffer.from(p, 'base64url').toString('utf8'),
    signingInput: `${h}.${p}`,
  };
}

const credentialsOf = (k: VectorKey): AgencyCredentials => ({ agencyId: k.agencyId, privateJwk: k.privateJwk as AgencyCredentials['privateJwk'] });

async function validVector(name: string, key: VectorKey, request: RequestInput) {
  const authorization = await signRequest(credentialsOf(key), {
    hubId: HUB_ID,
    method: request.method,
    pathWithQuery: request.pathWithQuery,
    ...(request.body !== undefined && { body: request.body }),
    ...(request.sub !== undefined && { sub: request.sub }),
    ...(request.purpose !== undefined && { purpose: request.purpose }),
    now: request.iat,
    lifetimeSeconds: request.lifetimeSeconds,
    jti: request.jti,
  });
  const token = authorization.slice('Bearer '.length);
  const deterministic = key.alg === 'EdDSA';
  return {
    name,
    kid: key.kid,
    request,
    expected: { bsh: bodySha256(request.body ?? ''), ...parts(token), deterministic, ...(deterministic && { token }) },
  };
}

/**
 * A token with full control over header and payload (for the refusals), signed with the Ed25519 key unless
 * `signature` is given. Signed here with node:crypto: a JOSE library refuses to sign what the hub must refuse.
 */
async function forged(key: VectorKey, header: Record<string, unknown>, payload: Record<string, unknown>, signature?: string) {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const sig = signature ?? sign(null, Buffer.from(input), createPrivateKey({ key: key.privateJwk as JsonWebKey, format: 'jwk' })).toString('base64url');
  return `${input}.${sig}`;
}

export async function buildVectors(renew = false) {
  const keys = await keysFor(renew);
  const ed = keys.find((k) => k.alg === 'EdDSA')!;
  const p256 = keys.find((k) => k.alg === 'ES256')!;
  const record = JSON.stringify({ externalId: 'EDU-2024-0001', name: '扎西卓玛', sex: 'F', birthDate: '2013-05-04' });
  const base = { iat: NOW, lifetimeSeconds: 60 };
  const valid = [
    await validVector('GET without a body (bsh of the empty string)', ed, { ...base, method: 'GET', pathWithQuery: '/v1/openapi.json', jti: 'vec-0001' }),
    await validVector('POST a JSON body with Chinese text (UTF-8 bytes), staff member and purpose', ed, {
      ...base,
      method: 'POST',
      pathWithQuery: '/v1/records',
      body: record,
      sub: 'teacher-017',
      jti: 'vec-0002',
    }),
    await validVector('GET with a query and a percent-encoded path, purpose declared; htu exactly as sent', ed, {
      ...base,
      method: 'GET',
      pathWithQuery: '/v1/cases/case%5F01J0000000000000000000000A?x=1&a=2',
      purpose: 'assessment',
      jti: 'vec-0003',
    }),
    await validVector('POST a CSV list with a byte-order mark, longest lifetime (300 s)', ed, {
      method: 'POST',
      pathWithQuery: '/v1/lists',
      body: '\uFEFF姓名,性别\r\n次仁,女\r\n',
      iat: NOW,
      lifetimeSeconds: 300,
      jti: 'vec-0004',
    }),
    await validVector('POST with ES256 (P-256): signatures are randomised, so verify rather than compare', p256, {
      ...base,
      method: 'POST',
      pathWithQuery: '/v1/consents',
      body: '{"caseId":"case_01J0000000000000000000000A"}',
      purpose: 'referral',
      jti: 'vec-0005',
    }),
  ];

  const request = { method: 'POST', pathWithQuery: '/v1/records', body: record };
  const header = { alg: 'EdDSA', kid: ed.kid, typ: 'xinqiao-req+jwt' };
  const claims = { htm: 'POST', htu: '/v1/records', bsh: bodySha256(record), iss: ed.agencyId, aud: HUB_ID, iat: NOW, exp: NOW + 60, jti: 'bad-0001' };
  const good = await forged(ed, header, claims);
  const [gh, gp, gs] = good.split('.') as [string, string, string];
  const refuse = (name: string, token: string, expectedError: string, extra: { detail?: string; request?: typeof request; now?: number } = {}) => ({
    name,
    token,
    request: extra.request ?? request,
    now: extra.now ?? NOW,
    expectedError,
    ...(extra.detail && { detail: extra.detail }),
  });
  const invalid = [
    refuse('the body changed after signing (bsh)', good, 'AUTH_BINDING_MISMATCH', { detail: 'bsh', request: { ...request, body: `${record} ` } }),
    refuse(
      'the query was reordered after signing (htu is compared exactly)',
      await forged(ed, header, { ...claims, htu: '/v1/records?b=2&a=1' }),
      'AUTH_BINDING_MISMATCH',
      {
        detail: 'htu',
        request: { ...request, pathWithQuery: '/v1/records?a=1&b=2' },
      },
    ),
    refuse('the method in lower case (htm must be upper case)', await forged(ed, header, { ...claims, htm: 'post' }), 'AUTH_MALFORMED'),
    refuse('signed for PUT, sent as POST (htm)', await forged(ed, header, { ...claims, htm: 'PUT' }), 'AUTH_BINDING_MISMATCH', { detail: 'htm' }),
    refuse(
      'bsh in standard base64 with padding (it must be base64url without padding)',
      await forged(ed, header, { ...claims, bsh: Buffer.from(bodySha256(record), 'base64url').toString('base64') }),
      'AUTH_MALFORMED',
    ),
    refuse('another hub (aud)', await forged(ed, header, { ...claims, aud: 'xinqiao-310000' }), 'AUTH_BINDING_MISMATCH', { detail: 'aud' }),
    refuse('a plain JWT type (typ)', await forged(ed, { ...header, typ: 'JWT' }, claims), 'AUTH_BINDING_MISMATCH', { detail: 'typ' }),
    refuse('expired: exp more than 60 s in the past', good, 'AUTH_EXPIRED', { now: NOW + 60 + 61 }),
    refuse('not yet valid: iat more than 60 s in the future', good, 'AUTH_NOT_YET_VALID', { now: NOW - 61 }),
    refuse('a lifetime over 300 s', await forged(ed, header, { ...claims, exp: NOW + 301 }), 'AUTH_LIFETIME_TOO_LONG'),
    refuse('a tampered payload (signature no longer verifies)', `${gh}.${b64url(JSON.stringify({ ...claims, jti: 'bad-0002' }))}.${gs}`, 'AUTH_BAD_SIGNATURE'),
    refuse('alg none', await forged(ed, { ...header, alg: 'none' }, claims, ''), 'AUTH_UNSUPPORTED_ALG'),
    refuse('alg HS256 (a shared secret is never accepted)', await forged(ed, { ...header, alg: 'HS256' }, claims, 'c2lnbmF0dXJl'), 'AUTH_UNSUPPORTED_ALG'),
    refuse(
      'an algorithm other than the key registered (ES256 header on an Ed25519 kid)',
      await forged(ed, { ...header, alg: 'ES256' }, claims, gs),
      'AUTH_UNSUPPORTED_ALG',
    ),
    refuse('an unknown key id', await forged(ed, { ...header, kid: 'nobody-1' }, claims), 'AUTH_UNKNOWN_KEY'),
    refuse('a crit header (protocol v1 has no header extensions)', await forged(ed, { ...header, crit: ['exp'] }, claims), 'AUTH_MALFORMED'),
    refuse('a claim missing (bsh)', await forged(ed, header, { ...claims, bsh: undefined }), 'AUTH_MALFORMED'),
    refuse('not a compact JWS', `${gh}.${gp}`, 'AUTH_MALFORMED'),
    refuse('the issuer is not the agency that owns the key (iss)', await forged(ed, header, { ...claims, iss: 'another-agency' }), 'AUTH_BINDING_MISMATCH', {
      detail: 'iss',
    }),
  ];
  return {
    protocol: 'xinqiao-signed-request-v1',
    about:
      'Test vectors for the Xinqiao signed request protocol (docs/protocol.md). The keys are test keys published here and registered nowhere. ' +
      'valid[]: sign request with the key named by kid, with the given iat, iat + lifetimeSeconds as exp and the given jti; your header, payload and ' +
      'signing input must equal expected.* byte for byte (header members alg, kid, typ; payload members htm, htu, bsh, sub, purpose, iss, aud, iat, exp, jti, ' +
      'in that order, absent ones left out, no white space); for EdDSA the token must equal expected.token; for ES256 it must verify with the public key. ' +
      'invalid[]: a hub verifying token against request at time now must refuse it with expectedError (and detail, where given).',
    hubId: HUB_ID,
    keys,
    valid,
    invalid,
  };
}

const asFile = (vectors: unknown) => `${JSON.stringify(vectors, null, 2)}\n`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const text = asFile(await buildVectors(args.includes('--new-keys')));
  if (args.includes('--check')) {
    const same = existsSync(VECTORS_FILE) && readFileSync(VECTORS_FILE, 'utf8') === text;
    process.stdout.write(same ? 'signing vectors: up to date\n' : 'signing vectors: out of date; run npm run vectors:signing\n');
    process.exit(same ? 0 : 1);
  }
  writeFileSync(VECTORS_FILE, text);
  process.stdout.write(`wrote ${VECTORS_FILE}\n`);
}
