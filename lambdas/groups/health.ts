/**
 * Route group `health`: unauthenticated liveness. It touches no record and no
 * key, but it is audited like every other request.
 */
import middy from '@middy/core';
import { getHealth } from '../handlers/health/get-health';
import type { HttpEvent, HttpResult, HubContext } from '../http/context';
import { auditTrail } from '../middleware/audit-trail';
import { errorMapper } from '../middleware/error-mapper';
import { requestState } from '../middleware/request-state';
import type { HubRuntime } from '../runtime';
import type { GroupHandler, SignedGroupOptions } from './signed-group';

export function createHealthGroup(runtime: Pick<HubRuntime, 'hubId' | 'province' | 'audit'>, options: SignedGroupOptions = {}): GroupHandler {
  const now = options.now ?? Date.now;
  return middy<HttpEvent, HttpResult, Error, HubContext>(getHealth({ hubId: runtime.hubId, province: runtime.province }))
    .use(auditTrail({ sink: runtime.audit, province: runtime.province, now: () => new Date(now()) }))
    .use(errorMapper())
    .use(requestState()) as unknown as GroupHandler;
}
