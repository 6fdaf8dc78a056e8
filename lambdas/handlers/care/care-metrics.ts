/** GET /v1/care-metrics: the care loop at a glance, for the coordinating role; codes and counts only (no case is named in the audit event either). */
import { careMetricsQuery } from '../../../schemas/care-metrics';
import type { CareDeps } from '../../domain/care/care-deps';
import { careMetrics } from '../../domain/care/care-metrics';
import { callerOf, type RouteHandler } from '../../http/context';
import { json } from '../../http/responses';
import { parseQuery } from '../../http/validate';

export function careMetricsHandler(deps: CareDeps): RouteHandler {
  return async (event, context) => {
    const query = parseQuery(careMetricsQuery, event.queryStringParameters);
    return json(200, await careMetrics(deps, callerOf(context), query), context.hub.requestId);
  };
}
