/** GET /v1/worklist: the calling agency's open (or done) work items, newest first. */
import { worklistQuery } from '../../../schemas/care';
import type { CareDeps } from '../../domain/care/care-deps';
import { daysOverdue, worklistFor } from '../../domain/care/worklist';
import { callerOf, noteCases, type RouteHandler } from '../../http/context';
import { json } from '../../http/responses';
import { parseQuery } from '../../http/validate';

export function worklistHandler(deps: CareDeps): RouteHandler {
  return async (event, context) => {
    const query = parseQuery(worklistQuery, event.queryStringParameters);
    const page = await worklistFor(deps, callerOf(context), query);
    noteCases(context, ...new Set(page.items.map((i) => i.caseId)));
    const now = deps.now?.() ?? new Date();
    const items = page.items.map(({ agencyId: _a, basis: _b, ...item }) => ({
      ...item,
      ...(item.due && item.status === 'open' && { daysOverdue: daysOverdue(item.due, now) }),
    }));
    return json(200, { items, ...(page.cursor && { cursor: page.cursor }) }, context.hub.requestId);
  };
}
