/** GET /v1/health: liveness only; reveals nothing but the hub id. */
import type { healthResponse } from '../../../schemas/api';
import type { z } from 'zod';
import type { HttpEvent, HttpResult } from '../../http/context';
import { json } from '../../http/responses';

export function getHealth(info: { hubId: string; province: string }) {
  return async (event: HttpEvent): Promise<HttpResult> => {
    const body: z.infer<typeof healthResponse> = {
      status: 'ok',
      hubId: info.hubId,
      province: info.province,
      protocol: 'xinqiao-signed-request/v1',
    };
    return json(200, body, event.requestContext?.requestId ?? 'unknown');
  };
}
