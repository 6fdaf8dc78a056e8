/** The chain for public routes (no signature): audit -> error mapping -> request state -> request path -> handler. */
import middy from '@middy/core';
import type { HttpEvent, HttpResult, HubContext, RouteHandler } from '../http/context';
import { auditTrail } from '../middleware/audit-trail';
import { errorMapper } from '../middleware/error-mapper';
import { requestPath } from '../middleware/request-path';
import { requestState } from '../middleware/request-state';
import type { HubRuntime } from '../runtime';
import type { GroupHandler, SignedGroupOptions } from './signed-group';

export function createPublicGroup(runtime: Pick<HubRuntime, 'province' | 'audit'>, handler: RouteHandler, options: SignedGroupOptions = {}): GroupHandler {
  const now = options.now ?? Date.now;
  return middy<HttpEvent, HttpResult, Error, HubContext>(handler)
    .use(auditTrail({ sink: runtime.audit, province: runtime.province, now: () => new Date(now()) }))
    .use(errorMapper())
    .use(requestState())
    .use(requestPath()) as unknown as GroupHandler;
}
