/**
 * What the hub signs for each notification it hands an agency: a JWT (compact JWS, ES256) whose claims are the
 * notification itself, who it is for and who says so. A receiver verifies it with the hub's JWKS
 * (GET /v1/hub-keys) and its own agency id as audience (client/notifications.ts); it proves the hub sent exactly
 * this notification to exactly this agency, wherever the receiver got it from.
 */
import type { Notification } from '../../../schemas/entities/notifications';
import { canonicalJson } from '../../crypto/canonical-json';
import type { HubJwsSigner } from '../../crypto/hub-jws';
import type { StoredSignature } from './ports';

/** The JWS `typ` of a notification (explicit typing, RFC 8725 §3.11): no other hub token verifies as one. */
export const NOTIFICATION_TOKEN_TYPE = 'xinqiao-notification+jwt';

/** A notification as its recipient sees it: codes and ids only, without the recipient (the audience says it). */
export type DeliveredNotification = Omit<Notification, 'recipient'>;

export interface NotificationClaims {
  readonly iss: string;
  readonly aud: string;
  /** Seconds since the epoch: when the hub signed it. */
  readonly iat: number;
  /** The notification id (unique per notification: a receiver may refuse a second delivery of one jti). */
  readonly jti: string;
  readonly notification: DeliveredNotification;
}

export function delivered(n: Notification): DeliveredNotification {
  const { recipient: _r, ...rest } = n;
  return rest;
}

/** Signs `n` for its recipient; the payload is canonical JSON, so equal claims give equal bytes. */
export async function signNotification(signer: HubJwsSigner, hubId: string, n: Notification, now: Date): Promise<StoredSignature> {
  const claims: NotificationClaims = { iss: hubId, aud: n.recipient, iat: Math.floor(now.getTime() / 1000), jti: n.notificationId, notification: delivered(n) };
  return signer.sign(NOTIFICATION_TOKEN_TYPE, canonicalJson(claims));
}
