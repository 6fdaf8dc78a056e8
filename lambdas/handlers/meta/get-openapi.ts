/**
 * GET /v1/openapi.json: the API description generated from the zod contract. The contract and its generator are
 * loaded on the first request, not at init: the meta Lambda also answers every unmatched path, whose cold start
 * should not pay for every route's schemas.
 */
import type { RouteHandler } from '../../http/context';
import { json } from '../../http/responses';

export const API_VERSION = '1.0.0';

export function getOpenApi(info: { hubId: string }): RouteHandler {
  let document: Promise<string> | undefined;
  return async (_event, context) => {
    document ??= import('../../../schemas/openapi').then(({ buildOpenApi }) => JSON.stringify(buildOpenApi({ hubId: info.hubId, version: API_VERSION })));
    document.catch(() => {
      document = undefined;
    });
    return { ...json(200, null, context.hub.requestId), body: await document };
  };
}
