/** GET /v1/worklist: the calling agency's open (or done) work items, newest first. */
import { worklistQuery } from '../../../schemas/care';
import type { CareDeps } from '../../domain/care/care-deps';
import { worklistFor } from '../../domain/care/worklist';
import { callerOf, noteCases, type RouteHandler } from '../../http/context';
import { json } from '../../http/responses';
import { parseQuery } from '../../http/validate';

export function worklistHandler(deps: CareDeps): RouteHandler {
  return async (event, context) => {
    const query = parseQuery(worklistQuery, event.queryStringParameters);
    const page = await worklistFor(deps, callerOf(context), query);
    noteCases(context, ...new Set(page.items.map((i) => i.caseId)));
    return json(200, { items: page.items.map(({ agencyId: _a, ...item }) => item), ...(page.cursor && { cursor: page.cursor }) }, context.hub.requestId);
  };
}
