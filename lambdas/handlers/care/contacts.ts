/** POST and GET /v1/cases/{caseId}/contacts: follow-up contacts (purpose follow_up). */
import * as z from 'zod';
import { caseIdParam } from '../../../schemas/common';
import { contactBody } from '../../../schemas/contacts';
import type { CareDeps } from '../../domain/care/care-deps';
import { listContacts, recordContact } from '../../domain/care/contacts';
import { callerOf, noteCases, type RouteHandler } from '../../http/context';
import { createRequestOf } from '../../http/idempotency';
import { json } from '../../http/responses';
import { parseWith } from '../../http/validate';

const params = z.object({ caseId: caseIdParam });

export function recordContactHandler(deps: CareDeps): RouteHandler {
  return async (event, context) => {
    const caller = callerOf(context);
    const { caseId } = parseWith(params, event.pathParameters ?? {});
    noteCases(context, caseId);
    const request = createRequestOf(event, context, 'POST /v1/cases/{caseId}/contacts');
    const input = parseWith(contactBody, context.hub.json);
    const { contact, created } = await recordContact(deps, caller, caseId, input, request);
    return json(
      created ? 201 : 200,
      contact,
      context.hub.requestId,
      created ? { location: `/v1/cases/${caseId}/contacts` } : { 'idempotent-replayed': 'true' },
    );
  };
}

export function listContactsHandler(deps: CareDeps): RouteHandler {
  return async (event, context) => {
    const { caseId } = parseWith(params, event.pathParameters ?? {});
    noteCases(context, caseId);
    const { view, disclosure } = await listContacts(deps, callerOf(context), caseId);
    context.hub.disclosure = disclosure;
    return json(200, view, context.hub.requestId);
  };
}
