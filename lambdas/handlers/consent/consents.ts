/** POST /v1/consents, GET /v1/consents?caseId=, POST /v1/consents/{consentId}/withdraw. */
import * as z from 'zod';
import { consentIdParam } from '../../../schemas/common';
import { consentBody, consentsQuery, withdrawBody } from '../../../schemas/consent';
import { listConsents, recordConsent, withdrawConsent, type ConsentDeps } from '../../domain/consent/consent-service';
import { callerOf, type RouteHandler } from '../../http/context';
import { json } from '../../http/responses';
import { parseQuery, parseWith } from '../../http/validate';

export function recordConsentHandler(deps: ConsentDeps): RouteHandler {
  return async (_event, context) => {
    const caller = callerOf(context);
    const input = parseWith(consentBody, context.hub.json);
    const { sealed: _sealed, ...consent } = await recordConsent(deps, caller, input);
    return json(201, { ...consent, status: 'active' }, context.hub.requestId, { location: `/v1/consents?caseId=${consent.caseId}` });
  };
}

export function listConsentsHandler(deps: ConsentDeps): RouteHandler {
  return async (event, context) => {
    const { caseId } = parseQuery(consentsQuery, event.queryStringParameters);
    return json(200, await listConsents(deps, callerOf(context), caseId), context.hub.requestId);
  };
}

export function withdrawConsentHandler(deps: ConsentDeps): RouteHandler {
  return async (event, context) => {
    const { consentId } = parseWith(z.object({ consentId: consentIdParam }), event.pathParameters ?? {});
    const { reason } = parseWith(withdrawBody, context.hub.json ?? {});
    const result = await withdrawConsent(deps, callerOf(context), consentId, reason);
    return json(200, { consentId, status: 'withdrawn', ...result }, context.hub.requestId);
  };
}
