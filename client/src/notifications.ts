/**
 * Receiver side of the hub's signed notifications: checks that a notification came from the hub and was meant for
 * this agency, whichever way it arrived (GET /v1/notifications, a forwarded copy). Standalone: jose only.
 *
 * @example
 * ```ts
 * const jwks = createRemoteJWKSet(new URL('/v1/hub-keys', hubUrl)); // or the JSON body of GET /v1/hub-keys
 * for (const item of page.items) {
 *   const { notification } = await verifyNotification(item.signature, jwks, 'xz-education', { hubId: 'xinqiao-540000' });
 *   // act on `notification` (the signed fields), never on the unsigned copy beside it
 * }
 * ```
 */
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey, jwtVerify } from 'jose';

/** The JWS `typ` the hub gives notifications: a token of another kind never verifies as one. */
export const NOTIFICATION_TOKEN_TYPE = 'xinqiao-notification+jwt';

/** A notification as signed by the hub: codes and ids only (docs/protocol.md "Notifications"). */
export interface SignedNotification {
  readonly notificationId: string;
  readonly at: string;
  readonly kind: string;
  readonly caseId: string;
  readonly severity: string;
  readonly [field: string]: unknown;
}

export interface VerifiedNotification {
  readonly notification: SignedNotification;
  /** The hub that signed it (`iss`). */
  readonly hubId: string;
  /** When the hub signed it (`iat`), which may be later than the notification's own time. */
  readonly signedAt: Date;
  /** The hub key that signed it. */
  readonly kid: string;
}

/**
 * Every failure, whatever its cause (bad signature, unknown key, other audience, other type, malformed), is this
 * error with this code; `reason` says which, for logs only.
 */
export class NotificationSignatureError extends Error {
  override readonly name = 'NotificationSignatureError';
  readonly code = 'NOTIFICATION_SIGNATURE_INVALID';
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super('The notification is not signed by the hub for this agency (通知签名无效或并非发给本机构)', options);
  }
}

/**
 * Verifies one notification's `signature` (a compact JWS) against the hub's keys and returns the signed
 * notification. `jwks` is the JSON of GET /v1/hub-keys, or a key getter such as jose's `createRemoteJWKSet`.
 * With `hubId`, the issuer must be that hub.
 */
export async function verifyNotification(
  token: string,
  jwks: JSONWebKeySet | JWTVerifyGetKey,
  agencyId: string,
  options: { hubId?: string } = {},
): Promise<VerifiedNotification> {
  const keys = typeof jwks === 'function' ? jwks : createLocalJWKSet(jwks);
  let result: Awaited<ReturnType<typeof jwtVerify>>;
  try {
    result = await jwtVerify(token, keys, {
      algorithms: ['ES256'],
      typ: NOTIFICATION_TOKEN_TYPE,
      audience: agencyId,
      requiredClaims: ['iss', 'aud', 'iat', 'jti'],
      ...(options.hubId !== undefined && { issuer: options.hubId }),
    });
  } catch (error) {
    throw new NotificationSignatureError(error instanceof errors.JOSEError ? error.code : 'ERR_MALFORMED', { cause: error });
  }
  const { payload, protectedHeader } = result;
  const notification = payload.notification as SignedNotification | undefined;
  if (
    typeof notification !== 'object' ||
    notification === null ||
    Array.isArray(notification) ||
    typeof notification.notificationId !== 'string' ||
    notification.notificationId !== payload.jti ||
    typeof payload.aud !== 'string'
  ) {
    throw new NotificationSignatureError('ERR_CLAIMS');
  }
  return { notification, hubId: payload.iss!, signedAt: new Date(payload.iat! * 1000), kid: protectedHeader.kid ?? '' };
}
