/** Care plans: POST/GET /v1/cases/{caseId}/care-plans, GET .../{planId}, POST .../{planId}/versions (purpose care_plan). */
import * as z from 'zod';
import { carePlanBody, carePlansQuery, carePlanVersionBody, planIdParam } from '../../../schemas/care-plans';
import { caseIdParam } from '../../../schemas/common';
import type { CareDeps } from '../../domain/care/care-deps';
import { carePlanHistory, createCarePlan, listCarePlans, updateCarePlan } from '../../domain/care/care-plans';
import { callerOf, noteCases, type RouteHandler } from '../../http/context';
import { createRequestOf } from '../../http/idempotency';
import { json } from '../../http/responses';
import { parseQuery, parseWith } from '../../http/validate';

const params = z.object({ caseId: caseIdParam });
const planParams = z.object({ caseId: caseIdParam, planId: planIdParam });
const replayed = (created: boolean): Record<string, string> => (created ? {} : { 'idempotent-replayed': 'true' });

export function createCarePlanHandler(deps: CareDeps): RouteHandler {
  return async (event, context) => {
    const caller = callerOf(context);
    const { caseId } = parseWith(params, event.pathParameters ?? {});
    noteCases(context, caseId);
    const request = createRequestOf(event, context, 'POST /v1/cases/{caseId}/care-plans');
    const input = parseWith(carePlanBody, context.hub.json);
    const { plan, created } = await createCarePlan(deps, caller, caseId, input, request);
    return json(created ? 201 : 200, plan, context.hub.requestId, { location: `/v1/cases/${caseId}/care-plans/${plan.planId}`, ...replayed(created) });
  };
}

export function updateCarePlanHandler(deps: CareDeps): RouteHandler {
  return async (event, context) => {
    const caller = callerOf(context);
    const { caseId, planId } = parseWith(planParams, event.pathParameters ?? {});
    noteCases(context, caseId);
    const request = createRequestOf(event, context, 'POST /v1/cases/{caseId}/care-plans/{planId}/versions');
    const input = parseWith(carePlanVersionBody, context.hub.json);
    const { plan, created } = await updateCarePlan(deps, caller, caseId, planId, input, request);
    return json(created ? 201 : 200, plan, context.hub.requestId, replayed(created));
  };
}

export function listCarePlansHandler(deps: CareDeps): RouteHandler {
  return async (event, context) => {
    const { caseId } = parseWith(params, event.pathParameters ?? {});
    noteCases(context, caseId);
    const { status } = parseQuery(carePlansQuery, event.queryStringParameters);
    const { view, disclosure } = await listCarePlans(deps, callerOf(context), caseId, status);
    context.hub.disclosure = disclosure;
    return json(200, view, context.hub.requestId);
  };
}

export function carePlanHistoryHandler(deps: CareDeps): RouteHandler {
  return async (event, context) => {
    const { caseId, planId } = parseWith(planParams, event.pathParameters ?? {});
    noteCases(context, caseId);
    const { view, disclosure } = await carePlanHistory(deps, callerOf(context), caseId, planId);
    context.hub.disclosure = disclosure;
    return json(200, view, context.hub.requestId);
  };
}
