/** Route group `meta`: the API description, and every request no route matches. */
import { getOpenApi } from '../handlers/meta/get-openapi';
import type { HubRuntime } from '../runtime';
import { createSignedGroup, type GroupHandler, type SignedGroupOptions } from './signed-group';

export function createMetaGroup(runtime: HubRuntime, options?: SignedGroupOptions): GroupHandler {
  // Agency systems and privacy officers alike may read the API description.
  return createSignedGroup(runtime, { 'GET /v1/openapi.json': getOpenApi({ hubId: runtime.hubId }) }, { ...options, role: 'any' });
}
