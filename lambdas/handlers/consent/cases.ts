/** GET /v1/cases/{caseId} (consent-gated), POST /v1/cases/{caseId}/emergency. */
import * as z from 'zod';
import { caseIdParam } from '../../../schemas/common';
import { emergencyBody } from '../../../schemas/consent';
import { viewCase } from '../../domain/consent/case-view';
import { openEmergency, type ConsentDeps } from '../../domain/consent/consent-service';
import { ValidationError } from '../../shared/errors';
import { callerOf, noteCases, type RouteHandler } from '../../http/context';
import { json } from '../../http/responses';
import { parseWith } from '../../http/validate';

const params = z.object({ caseId: caseIdParam });

export function viewCaseHandler(deps: ConsentDeps): RouteHandler {
  return async (event, context) => {
    const caller = callerOf(context);
    const { caseId } = parseWith(params, event.pathParameters ?? {});
    noteCases(context, caseId);
    if (!caller.purpose) {
      throw new ValidationError(
        [{ path: 'purpose', message: 'the signed request must declare a purpose (claim "purpose")' }],
        'A purpose is required to read a case',
      );
    }
    const { view, disclosure, recordIds } = await viewCase(deps, caller, caseId, caller.purpose);
    context.hub.recordIds.push(...recordIds);
    context.hub.disclosure = disclosure;
    return json(200, view, context.hub.requestId);
  };
}

export function openEmergencyHandler(deps: ConsentDeps): RouteHandler {
  return async (event, context) => {
    const caller = callerOf(context);
    const { caseId } = parseWith(params, event.pathParameters ?? {});
    noteCases(context, caseId);
    const body = parseWith(emergencyBody, context.hub.json);
    context.hub.severity = 'high';
    const grant = await openEmergency(deps, caller, caseId, body.reason, body.hours);
    context.hub.disclosure = { legalBasis: ['emergency'], emergencyGrantId: grant.grantId, expiresAt: grant.expiresAt };
    return json(201, grant, context.hub.requestId);
  };
}
