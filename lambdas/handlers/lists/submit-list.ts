/** POST /v1/lists: upload a whole list (CSV or JSONL body); answers with a job id at once (202). */
import { LIST_MEDIA_TYPES } from '../../../schemas/lists';
import { submitList, type ListDeps } from '../../domain/lists/list-jobs';
import { UnsupportedMediaTypeError } from '../../shared/errors';
import { callerOf, type RouteHandler } from '../../http/context';
import { json } from '../../http/responses';
import { jobView } from './job-view';

export function submitListHandler(deps: ListDeps): RouteHandler {
  return async (event, context) => {
    const caller = callerOf(context);
    const type = (event.headers?.['content-type'] ?? '').split(';')[0]!.trim().toLowerCase() as keyof typeof LIST_MEDIA_TYPES;
    const format = LIST_MEDIA_TYPES[type];
    if (!format) throw new UnsupportedMediaTypeError();
    const { job, created } = await submitList(deps, caller, context.hub.body, format);
    return json(created ? 202 : 200, { job: jobView(job), created }, context.hub.requestId, { location: `/v1/lists/${job.jobId}` });
  };
}
