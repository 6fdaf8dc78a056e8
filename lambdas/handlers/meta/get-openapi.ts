/** GET /v1/openapi.json: the API description generated from the zod contract. */
import { buildOpenApi } from '../../../schemas/openapi';
import type { RouteHandler } from '../../http/context';
import { json } from '../../http/responses';

export const API_VERSION = '1.0.0';

export function getOpenApi(info: { hubId: string }): RouteHandler {
  let document: string | undefined;
  return async (_event, context) => {
    document ??= JSON.stringify(buildOpenApi({ hubId: info.hubId, version: API_VERSION }));
    return { ...json(200, null, context.hub.requestId), body: document };
  };
}
