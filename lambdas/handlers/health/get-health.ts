/** GET /v1/health: liveness only; reveals nothing but the hub id. */
import type { healthResponse } from '../../../schemas/api';
import type { z } from 'zod';
import type { RouteHandler } from '../../http/context';
import { json } from '../../http/responses';

export function getHealth(info: { hubId: string; province: string }): RouteHandler {
  return async (_event, context) => {
    const body: z.infer<typeof healthResponse> = {
      status: 'ok',
      hubId: info.hubId,
      province: info.province,
      protocol: 'xinqiao-signed-request/v1',
    };
    return json(200, body, context.hub.requestId);
  };
}
