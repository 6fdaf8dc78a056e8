/** POST /v1/records: publish a child record (idempotent on the agency's externalId). */
import { childRecordV1 } from '../../../schemas/child-record';
import type { z } from 'zod';
import type { publishRecordResponse } from '../../../schemas/api';
import { publishRecord, type RecordsDeps } from '../../domain/records/records-service';
import { callerOf, noteCases, type RouteHandler } from '../../http/context';
import { json } from '../../http/responses';
import { parseWith } from '../../http/validate';

export function publishRecordHandler(deps: RecordsDeps): RouteHandler {
  return async (_event, context) => {
    const caller = callerOf(context);
    const record = parseWith(childRecordV1, context.hub.json);
    const result = await publishRecord(deps, { agencyId: caller.agencyId, agencyType: caller.agencyType }, record);
    context.hub.recordIds.push(result.recordId);
    noteCases(context, result.caseId);
    const body: z.infer<typeof publishRecordResponse> = result;
    return json(result.status === 'created' ? 201 : 200, body, context.hub.requestId);
  };
}
