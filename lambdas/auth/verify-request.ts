/**
 * Verifies a signed request (protocol v1, docs/protocol.md) against the agency
 * registry. Pure apart from the clock: the replay check needs storage and lives
 * in the signed-request middleware. Each failure is its own AuthError code.
 */
import { createHash } from 'node:crypto';
import { compactVerify, decodeProtectedHeader, errors as joseErrors } from 'jose';
import {
  ALLOWED_ALGORITHMS,
  CLOCK_SKEW_SECONDS,
  MAX_TOKEN_LIFETIME_SECONDS,
  REQUEST_TOKEN_TYPE,
  requestTokenClaims,
  requestTokenHeader,
  type RequestTokenClaims,
} from '../../schemas/signed-request';
import type { AgencyType } from '../../schemas/child-record';
import {
  AuthAgencySuspendedError,
  AuthBadSignatureError,
  AuthBindingMismatchError,
  AuthExpiredError,
  AuthKeyRevokedError,
  AuthLifetimeTooLongError,
  AuthMalformedError,
  AuthMissingError,
  AuthNotYetValidError,
  AuthUnknownKeyError,
  AuthUnsupportedAlgError,
} from '../shared/errors';
import type { AgencyRegistry } from './registry';

/** The exact request the token must be bound to. */
export interface RequestBinding {
  readonly method: string;
  /** Path and query exactly as sent, e.g. `/v1/records?x=1`. */
  readonly pathWithQuery: string;
  readonly body: Uint8Array;
}

interface VerifiedBase {
  /** The agency system id, or the officer id. */
  readonly agencyId: string;
  readonly kid: string;
  readonly jti: string;
  readonly exp: number;
  readonly sub?: string;
  readonly purpose?: RequestTokenClaims['purpose'];
}

/** An agency system whose signature, key and bindings all verified. */
export interface VerifiedAgency extends VerifiedBase {
  readonly role: 'agency';
  readonly agencyType: AgencyType;
}

/** A privacy officer whose signature, key and bindings all verified. */
export interface VerifiedOfficer extends VerifiedBase {
  readonly role: 'officer';
}

export type VerifiedCaller = VerifiedAgency | VerifiedOfficer;

/**
 * What is known about the caller so far, filled in as verification proceeds,
 * so that a denied request is still audited with the key and agency it claimed.
 */
export interface AuthAttempt {
  kid?: string;
  agencyId?: string;
  sub?: string;
}

/** base64url(SHA-256(body)); the `bsh` claim. */
export function bodyHash(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('base64url');
}

/** Header parameters that would change how a token is verified (RFC 7515 crit, RFC 7797 b64). */
const REFUSED_HEADERS = ['crit', 'b64'] as const;

const isAllowedAlg = (alg: string): alg is (typeof ALLOWED_ALGORITHMS)[number] => (ALLOWED_ALGORITHMS as readonly string[]).includes(alg);

/**
 * @example
 * const caller = await verifyRequest(event.headers.authorization, binding, registry, Date.now() / 1000, attempt);
 */
export async function verifyRequest(
  authorization: string | undefined,
  binding: RequestBinding,
  registry: AgencyRegistry,
  nowSeconds: number,
  attempt: AuthAttempt = {},
): Promise<VerifiedCaller> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) throw new AuthMissingError();
  const token = match[1]!;
  if (token.length > 8192 || token.split('.').length !== 3) throw new AuthMalformedError();

  let rawHeader: unknown;
  try {
    rawHeader = decodeProtectedHeader(token);
  } catch {
    throw new AuthMalformedError();
  }
  const header = requestTokenHeader.safeParse(rawHeader);
  if (!header.success) throw new AuthMalformedError('The JWS header needs alg and kid');
  const { alg, kid, typ } = header.data;
  if (!isAllowedAlg(alg)) throw new AuthUnsupportedAlgError();
  attempt.kid = kid;

  // Only keys registered for this province are used: jku, jwk, x5u and x5c are never followed.
  const registered = registry.key(kid);
  if (!registered) throw new AuthUnknownKeyError();
  attempt.agencyId = registered.agencyId;
  if (registered.revoked) throw new AuthKeyRevokedError();
  if (registered.agencySuspended) throw new AuthAgencySuspendedError();
  if (alg !== registered.alg) throw new AuthUnsupportedAlgError();
  // Protocol v1 has no header extensions: `crit` (whatever it names) and `b64` (RFC 7797 unencoded
  // payloads) change how the token is read, so they are refused before it is verified.
  const extensions = REFUSED_HEADERS.filter((name) => Object.hasOwn(rawHeader as object, name));
  if (extensions.length > 0) {
    throw new AuthMalformedError(
      'The JWS header must not carry crit or b64',
      extensions.map((path) => ({ path, message: 'not accepted by protocol v1' })),
    );
  }

  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(token, await registered.key(), { algorithms: [registered.alg] }));
  } catch (error) {
    if (error instanceof joseErrors.JWSSignatureVerificationFailed) throw new AuthBadSignatureError();
    throw new AuthMalformedError();
  }
  if (typ !== REQUEST_TOKEN_TYPE) throw new AuthBindingMismatchError('typ');

  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    throw new AuthMalformedError('The JWS payload is not JSON');
  }
  const parsed = requestTokenClaims.safeParse(json);
  if (!parsed.success) {
    throw new AuthMalformedError(
      'The request token claims are invalid',
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  const claims = parsed.data;
  if (claims.sub !== undefined) attempt.sub = claims.sub;

  if (claims.iss !== registered.agencyId) throw new AuthBindingMismatchError('iss');
  if (claims.aud !== registry.hubId) throw new AuthBindingMismatchError('aud');
  if (claims.exp <= claims.iat) throw new AuthMalformedError('exp must be after iat');
  if (claims.exp - claims.iat > MAX_TOKEN_LIFETIME_SECONDS) throw new AuthLifetimeTooLongError();
  if (claims.iat > nowSeconds + CLOCK_SKEW_SECONDS) throw new AuthNotYetValidError();
  if (claims.exp < nowSeconds - CLOCK_SKEW_SECONDS) throw new AuthExpiredError();
  if (claims.htm !== binding.method.toUpperCase()) throw new AuthBindingMismatchError('htm');
  if (claims.htu !== binding.pathWithQuery) throw new AuthBindingMismatchError('htu');
  if (claims.bsh !== bodyHash(binding.body)) throw new AuthBindingMismatchError('bsh');

  const principal = registered.role === 'agency' ? { role: 'agency' as const, agencyType: registered.agencyType! } : { role: 'officer' as const };
  return {
    ...principal,
    agencyId: registered.agencyId,
    kid,
    jti: claims.jti,
    exp: claims.exp,
    ...(claims.sub !== undefined && { sub: claims.sub }),
    ...(claims.purpose !== undefined && { purpose: claims.purpose }),
  };
}
