/** GET /v1/records/{recordId}: the publishing agency reads its record; anyone else gets 404. */
import * as z from 'zod';
import type { recordResponse } from '../../../schemas/api';
import { recordIdParam } from '../../../schemas/common';
import { readOwnRecord, type RecordsDeps } from '../../domain/records/records-service';
import { callerOf, noteCases, type RouteHandler } from '../../http/context';
import { json } from '../../http/responses';
import { parseWith } from '../../http/validate';

const pathParams = z.object({ recordId: recordIdParam });

export function getRecordHandler(deps: RecordsDeps): RouteHandler {
  return async (event, context) => {
    const caller = callerOf(context);
    const { recordId } = parseWith(pathParams, event.pathParameters ?? {});
    context.hub.recordIds.push(recordId);
    const body: z.infer<typeof recordResponse> = await readOwnRecord(deps, caller.agencyId, recordId);
    noteCases(context, body.caseId);
    return json(200, body, context.hub.requestId);
  };
}
