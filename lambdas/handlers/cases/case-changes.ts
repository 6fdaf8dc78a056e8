/** POST /v1/cases/{caseId}/merge, POST /v1/cases/{caseId}/split, GET /v1/cases/{caseId}/history (coordinating role). */
import * as z from 'zod';
import { mergeBody, splitBody } from '../../../schemas/cases';
import { caseIdParam } from '../../../schemas/common';
import { mergeCases, requireCoordinator, splitCase, type CaseAdminDeps } from '../../domain/cases/case-admin';
import { NotFoundError } from '../../shared/errors';
import { callerOf, noteCases, type RouteHandler } from '../../http/context';
import { json } from '../../http/responses';
import { parseWith } from '../../http/validate';

const params = z.object({ caseId: caseIdParam });

export function mergeCasesHandler(deps: CaseAdminDeps): RouteHandler {
  return async (event, context) => {
    const caller = callerOf(context);
    requireCoordinator(deps, caller);
    const { caseId } = parseWith(params, event.pathParameters ?? {});
    const body = parseWith(mergeBody, context.hub.json);
    const result = await mergeCases(deps, caller, { targetCaseId: caseId, sourceCaseId: body.otherCaseId, reason: body.reason });
    context.hub.recordIds.push(...result.recordIds);
    noteCases(context, body.otherCaseId);
    return json(200, result, context.hub.requestId);
  };
}

export function splitCaseHandler(deps: CaseAdminDeps): RouteHandler {
  return async (event, context) => {
    const caller = callerOf(context);
    requireCoordinator(deps, caller);
    const { caseId } = parseWith(params, event.pathParameters ?? {});
    const body = parseWith(splitBody, context.hub.json);
    context.hub.recordIds.push(...body.recordIds);
    const result = await splitCase(deps, caller, { caseId, recordIds: body.recordIds, reason: body.reason });
    noteCases(context, result.newCaseId);
    return json(200, result, context.hub.requestId);
  };
}

export function caseHistoryHandler(deps: CaseAdminDeps): RouteHandler {
  return async (event, context) => {
    requireCoordinator(deps, callerOf(context));
    const { caseId } = parseWith(params, event.pathParameters ?? {});
    const row = await deps.cases.ledgerRow(caseId);
    if (!row) throw new NotFoundError('No such case');
    const [members, events] = await Promise.all([deps.cases.members(caseId), deps.cases.history(caseId)]);
    context.hub.recordIds.push(...members.map((m) => m.recordId));
    return json(
      200,
      {
        caseId,
        status: row.status,
        ...(row.mergedInto && { mergedInto: row.mergedInto }),
        members: members.map((m) => ({ recordId: m.recordId, agencyType: m.agencyType, joinedAt: m.joinedAt, how: m.how })),
        events: events.map(({ sealedReason: _sealed, caseId: _c, ...e }) => e),
      },
      context.hub.requestId,
    );
  };
}
