/**
 * Route group `health`: unauthenticated liveness, and the hub's public notification keys (JWKS). It touches no
 * record and no secret, but it is audited like every other request.
 */
import { getHealth } from '../handlers/health/get-health';
import { getHubKeys } from '../handlers/notifications/get-hub-keys';
import type { RouteHandler } from '../http/context';
import type { HubRuntime } from '../runtime';
import { createPublicGroup } from './public-group';
import type { GroupHandler, SignedGroupOptions } from './signed-group';

export function createHealthGroup(runtime: Pick<HubRuntime, 'hubId' | 'province' | 'audit' | 'notifications'>, options: SignedGroupOptions = {}): GroupHandler {
  const health = getHealth({ hubId: runtime.hubId, province: runtime.province });
  const keys = getHubKeys(runtime.notifications.published);
  const dispatch: RouteHandler = (event, context) => (event.routeKey === 'GET /v1/hub-keys' ? keys : health)(event, context);
  return createPublicGroup(runtime, dispatch, options);
}
