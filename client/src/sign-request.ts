/**
 * Signs requests for the Xinqiao hub (protocol v1, docs/protocol.md). Agency
 * systems written in TypeScript can use this module as it is; it is also the
 * reference for vendors implementing the protocol in another language.
 */
import { createHash, randomUUID } from 'node:crypto';
import { importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';

export const REQUEST_TOKEN_TYPE = 'xinqiao-req+jwt';

export interface AgencyCredentials {
  /** The agency system id registered in the province config (`iss`). */
  readonly agencyId: string;
  /** Private JWK with `kid` and `alg` (EdDSA with Ed25519, or ES256 with P-256). */
  readonly privateJwk: JWK & { kid: string; alg: 'EdDSA' | 'ES256' };
}

export interface RequestToSign {
  /** The hub id of the province stack (`aud`), e.g. `xinqiao-540000`. */
  readonly hubId: string;
  readonly method: string;
  /** Path and query exactly as they will be sent, e.g. `/v1/records?x=1`. */
  readonly pathWithQuery: string;
  /** Exact body bytes; omit or empty for no body. */
  readonly body?: Uint8Array | string;
  /** The staff member acting. */
  readonly sub?: string;
  /** Purpose of the access (assessment, care_plan, referral, follow_up, case_coordination). */
  readonly purpose?: string;
  /** Token lifetime in seconds, at most 300. Default 60. */
  readonly lifetimeSeconds?: number;
  /** Epoch seconds; default now. */
  readonly now?: number;
  /** Default: a random UUID. */
  readonly jti?: string;
}

/** base64url(SHA-256(body)); for an empty body, the hash of the empty string. */
export function bodySha256(body: Uint8Array | string = ''): string {
  return createHash('sha256').update(body).digest('base64url');
}

const keyCache = new WeakMap<object, Promise<CryptoKey | Uint8Array>>();

/**
 * Returns the `Authorization` header value for one request.
 *
 * @example
 * const authorization = await signRequest(credentials, {
 *   hubId: 'xinqiao-540000', method: 'POST', pathWithQuery: '/v1/records', body: JSON.stringify(record),
 * });
 */
export async function signRequest(credentials: AgencyCredentials, request: RequestToSign): Promise<string> {
  const { privateJwk } = credentials;
  let key = keyCache.get(privateJwk);
  if (!key) {
    key = importJWK(privateJwk, privateJwk.alg);
    keyCache.set(privateJwk, key);
  }
  const iat = request.now ?? Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    htm: request.method.toUpperCase(),
    htu: request.pathWithQuery,
    bsh: bodySha256(request.body),
    ...(request.sub !== undefined && { sub: request.sub }),
    ...(request.purpose !== undefined && { purpose: request.purpose }),
  };
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: privateJwk.alg, kid: privateJwk.kid, typ: REQUEST_TOKEN_TYPE })
    .setIssuer(credentials.agencyId)
    .setAudience(request.hubId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (request.lifetimeSeconds ?? 60))
    .setJti(request.jti ?? randomUUID())
    .sign(await key);
  return `Bearer ${token}`;
}
