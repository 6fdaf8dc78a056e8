/** Route group `health`: unauthenticated liveness; touches no table and no key. */
import middy from '@middy/core';
import { getHealth } from '../handlers/health/get-health';
import type { HttpEvent, HttpResult, HubContext } from '../http/context';
import { errorMapper } from '../middleware/error-mapper';
import type { GroupHandler } from './signed-group';

export function createHealthGroup(info: { hubId: string; province: string }): GroupHandler {
  return middy<HttpEvent, HttpResult, Error, HubContext>(getHealth(info)).use(errorMapper()) as unknown as GroupHandler;
}
