/**
 * Route group `health`: unauthenticated liveness. It touches no record and no
 * key, but it is audited like every other request.
 */
import { getHealth } from '../handlers/health/get-health';
import type { HubRuntime } from '../runtime';
import { createPublicGroup } from './public-group';
import type { GroupHandler, SignedGroupOptions } from './signed-group';

export function createHealthGroup(runtime: Pick<HubRuntime, 'hubId' | 'province' | 'audit'>, options: SignedGroupOptions = {}): GroupHandler {
  return createPublicGroup(runtime, getHealth({ hubId: runtime.hubId, province: runtime.province }), options);
}
