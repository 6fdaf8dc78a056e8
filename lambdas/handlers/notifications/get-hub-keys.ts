/** GET /v1/hub-keys: the public keys that sign notifications, as a JWKS; public, cacheable for a few minutes. */
import type { HubJwsSigner } from '../../crypto/hub-jws';
import { hubKeys } from '../../domain/notifications/hub-keys';
import type { RouteHandler } from '../../http/context';
import { json } from '../../http/responses';

/** Receivers may cache the set this long; a key is published well before it signs (docs/protocol.md "Key rotation"). */
export const HUB_KEYS_MAX_AGE_SECONDS = 300;

export function getHubKeys(published: readonly HubJwsSigner[]): RouteHandler {
  return async (_event, context) => {
    return json(200, await hubKeys(published), context.hub.requestId, { 'cache-control': `public, max-age=${HUB_KEYS_MAX_AGE_SECONDS}` });
  };
}
