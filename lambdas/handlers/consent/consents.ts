/** POST /v1/consents, GET /v1/consents?caseId=, POST /v1/consents/{consentId}/withdraw, POST /v1/consents/{consentId}/confirm. */
import * as z from 'zod';
import { caseIdParam, consentIdParam } from '../../../schemas/common';
import { confirmBody, consentBody, consentsQuery, withdrawBody } from '../../../schemas/consent';
import { consentStatus } from '../../domain/consent/gate';
import { caseOfConsent, confirmConsent, listConsents, recordConsent, withdrawConsent, type ConsentDeps } from '../../domain/consent/consent-service';
import { callerOf, noteCases, type HubContext, type RouteHandler } from '../../http/context';
import { json } from '../../http/responses';
import { parseQuery, parseWith } from '../../http/validate';

const consentPath = z.object({ consentId: consentIdParam });

/** The consent's case goes into the audit event before anything can refuse the request. */
async function consentCase(deps: ConsentDeps, event: Parameters<RouteHandler>[0], context: HubContext) {
  const { consentId } = parseWith(consentPath, event.pathParameters ?? {});
  const caseId = await caseOfConsent(deps, consentId);
  // After a merge the event is filed under the child's case now (first: the access report's index) and the consent's own.
  noteCases(context, (await deps.caseFiles.currentOf(caseId)) ?? caseId, caseId);
  return { consentId, caseId };
}

export function recordConsentHandler(deps: ConsentDeps): RouteHandler {
  return async (_event, context) => {
    const caller = callerOf(context);
    const claimed = caseIdParam.safeParse((context.hub.json as { caseId?: unknown } | undefined)?.caseId);
    if (claimed.success) noteCases(context, claimed.data);
    const input = parseWith(consentBody, context.hub.json);
    const { consent, created } = await recordConsent(deps, caller, input);
    if (consent.grantorType === 'civil_affairs_guardian') {
      // The one exception to "a holder's data opens only under a consent it recorded or confirmed": on the record.
      context.hub.disclosure = {
        guardianException: { rule: 'civil_affairs_guardian', consentIds: [consent.consentId], covers: 'every holder of the case, without confirmation' },
      };
    }
    const { sealed: _sealed, confirmations: _c, ...view } = consent;
    return json(
      created ? 201 : 200,
      { ...view, status: consentStatus(consent, new Date()), confirmations: [], yourRecords: 'recorded' },
      context.hub.requestId,
      {
        location: `/v1/consents?caseId=${consent.caseId}`,
      },
    );
  };
}

export function listConsentsHandler(deps: ConsentDeps): RouteHandler {
  return async (event, context) => {
    const { caseId } = parseQuery(consentsQuery, event.queryStringParameters);
    noteCases(context, caseId);
    return json(200, await listConsents(deps, callerOf(context), caseId), context.hub.requestId);
  };
}

export function withdrawConsentHandler(deps: ConsentDeps): RouteHandler {
  return async (event, context) => {
    const { consentId, caseId } = await consentCase(deps, event, context);
    const { reason } = parseWith(withdrawBody, context.hub.json ?? {});
    const result = await withdrawConsent(deps, callerOf(context), caseId, consentId, reason);
    return json(200, { consentId, caseId, status: 'withdrawn', ...result }, context.hub.requestId);
  };
}

export function confirmConsentHandler(deps: ConsentDeps): RouteHandler {
  return async (event, context) => {
    const { consentId, caseId } = await consentCase(deps, event, context);
    const { withdraw } = parseWith(confirmBody, context.hub.json ?? {});
    const result = await confirmConsent(deps, callerOf(context), caseId, consentId, withdraw);
    return json(200, { consentId, caseId, ...result }, context.hub.requestId);
  };
}
