/** POST /v1/cases/{caseId}/merge, POST /v1/cases/{caseId}/split, GET /v1/cases/{caseId}/history (coordinating role). */
import * as z from 'zod';
import { mergeBody, splitBody } from '../../../schemas/cases';
import { caseIdParam } from '../../../schemas/common';
import { mergeCases, requireCoordinator, splitCase, type CaseAdminDeps } from '../../domain/cases/case-admin';
import { caseHistory, type CaseHistoryDeps } from '../../domain/cases/case-history';
import { callerOf, noteCases, type RouteHandler } from '../../http/context';
import { json } from '../../http/responses';
import { parseWith } from '../../http/validate';

const params = z.object({ caseId: caseIdParam });

export function mergeCasesHandler(deps: CaseAdminDeps): RouteHandler {
  return async (event, context) => {
    const caller = callerOf(context);
    requireCoordinator(deps, caller);
    const { caseId } = parseWith(params, event.pathParameters ?? {});
    noteCases(context, caseId);
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
    noteCases(context, caseId);
    const body = parseWith(splitBody, context.hub.json);
    context.hub.recordIds.push(...body.recordIds);
    const result = await splitCase(deps, caller, { caseId, recordIds: body.recordIds, reason: body.reason });
    noteCases(context, result.newCaseId);
    return json(200, result, context.hub.requestId);
  };
}

export function caseHistoryHandler(deps: CaseHistoryDeps): RouteHandler {
  return async (event, context) => {
    const caller = callerOf(context);
    const { caseId } = parseWith(params, event.pathParameters ?? {});
    noteCases(context, caseId);
    const { recordIds, ...history } = await caseHistory(deps, caller, caseId);
    context.hub.recordIds.push(...recordIds);
    return json(200, history, context.hub.requestId);
  };
}
