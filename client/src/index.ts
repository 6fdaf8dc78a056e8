/**
 * @xinqiao/hub-client: the signing client for agency systems (docs/protocol.md, "Client package").
 *
 * @example
 * import { HubClient } from '@xinqiao/hub-client';
 * const hub = new HubClient({ baseUrl, hubId: 'xinqiao-540000', credentials: { agencyId, privateJwk } });
 * const { caseId } = await hub.publishRecord({ externalId: 'E-1', name: '张三' });
 * for await (const { notification } of hub.watchNotifications()) console.log(notification.kind, notification.caseId);
 */
export { HubError, type HubErrorBody, HubTimeoutError } from './errors.js';
export { type CursorRoute, HubClient, type ItemOf, type RouteInput } from './hub-client.js';
export { DEFAULT_RETRY, isIdempotent, isRetryableAnswer, type RetryPolicy, retryAfterMs, retryDelayMs, takesIdempotencyKey } from './retry.js';
export type { ApiRoutes, RouteKey } from './routes.js';
export { type AgencyCredentials, bodySha256, REQUEST_TOKEN_TYPE, type RequestToSign, signRequest } from './sign-request.js';
export {
  NOTIFICATION_TOKEN_TYPE,
  NotificationSignatureError,
  type SignedNotification,
  type VerifiedNotification,
  verifyNotification,
} from './notifications.js';
export { type CallOptions, type HubClientOptions, type HubResponse, HubTransport } from './transport.js';
export type * from './types.js';
