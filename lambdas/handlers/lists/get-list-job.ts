/** GET /v1/lists/{jobId}: progress and the per-row report, for the uploading agency only (others get 404). */
import * as z from 'zod';
import { jobIdParam, listJobQuery } from '../../../schemas/lists';
import { jobReport, type ListDeps } from '../../domain/lists/list-jobs';
import { callerOf, type RouteHandler } from '../../http/context';
import { json } from '../../http/responses';
import { parseQuery, parseWith } from '../../http/validate';
import { jobView } from './job-view';

export function getListJobHandler(deps: Pick<ListDeps, 'lists'>): RouteHandler {
  return async (event, context) => {
    const caller = callerOf(context);
    const { jobId } = parseWith(z.object({ jobId: jobIdParam }), event.pathParameters ?? {});
    const q = parseQuery(listJobQuery, event.queryStringParameters);
    const report = await jobReport(deps, caller.agencyId, jobId, q.afterRow, q.limit);
    for (const r of report.rows) if (r.result) context.hub.recordIds.push(r.result.recordId);
    return json(
      200,
      { job: jobView(report.job, report.status), rows: report.rows, ...(report.nextRow !== undefined && { nextRow: report.nextRow }) },
      context.hub.requestId,
    );
  };
}
