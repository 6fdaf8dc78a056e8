/**
 * A route handler whose module is loaded on its first request, not at the Lambda's init: for a rarely used route
 * whose code and schemas would otherwise be evaluated on every cold start of its group (the child's file,
 * GET /v1/cases/{caseId}/archive, holds every care-loop schema and the zip writer: about 50 ms of init,
 * `npm run bench -- --only 3`). esbuild keeps the module in the same bundle and evaluates it when imported.
 * A failed load is not cached, so the next request tries again.
 */
import type { HttpEvent, HubContext, RouteHandler } from './context';

export function lazyHandler(load: () => Promise<RouteHandler>): RouteHandler {
  let loading: Promise<RouteHandler> | undefined;
  return async (event: HttpEvent, context: HubContext) => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return (await loading)(event, context);
  };
}
