/** POST and GET /v1/cases/{caseId}/agreements: the guardian's service agreements. */
import * as z from 'zod';
import { agreementBody } from '../../../schemas/care';
import { caseIdParam } from '../../../schemas/common';
import { agreementStatuses, agreementView, listAgreements, recordAgreement } from '../../domain/care/agreements';
import type { CareDeps } from '../../domain/care/care-deps';
import { callerOf, noteCases, type RouteHandler } from '../../http/context';
import { createRequestOf } from '../../http/idempotency';
import { json } from '../../http/responses';
import { parseWith } from '../../http/validate';

const params = z.object({ caseId: caseIdParam });

export function recordAgreementHandler(deps: CareDeps): RouteHandler {
  return async (event, context) => {
    const caller = callerOf(context);
    const { caseId } = parseWith(params, event.pathParameters ?? {});
    noteCases(context, caseId);
    const request = createRequestOf(event, context, 'POST /v1/cases/{caseId}/agreements');
    const input = parseWith(agreementBody, context.hub.json);
    const { agreement, created } = await recordAgreement(deps, caller, caseId, input, request);
    const all = await deps.agreements.forCase(caseId);
    const status = agreementStatuses(all, deps.now?.() ?? new Date()).get(agreement.agreementId) ?? 'superseded';
    const view = await agreementView(deps, caller, agreement, status, (a) => a);
    return json(created ? 201 : 200, view, context.hub.requestId, {
      location: `/v1/cases/${caseId}/agreements`,
      ...(!created && { 'idempotent-replayed': 'true' }),
    });
  };
}

export function listAgreementsHandler(deps: CareDeps): RouteHandler {
  return async (event, context) => {
    const { caseId } = parseWith(params, event.pathParameters ?? {});
    noteCases(context, caseId);
    const { view, disclosure } = await listAgreements(deps, callerOf(context), caseId);
    context.hub.disclosure = disclosure;
    return json(200, view, context.hub.requestId);
  };
}
