/** POST/GET /v1/referrals, GET /v1/referrals/{referralId}, POST /v1/referrals/{referralId}/transitions. */
import * as z from 'zod';
import { referralBody, referralIdParam, referralsQuery, transitionBody } from '../../../schemas/referrals';
import type { CareDeps } from '../../domain/care/care-deps';
import { careDisclosure } from '../../domain/care/care-deps';
import { caseOfReferral, getReferral, listReferrals, makeReferral, moveReferral } from '../../domain/care/referrals';
import { callerOf, noteCases, type RouteHandler } from '../../http/context';
import { createRequestOf } from '../../http/idempotency';
import { json } from '../../http/responses';
import { parseQuery, parseWith } from '../../http/validate';

const params = z.object({ referralId: referralIdParam });

/** The child's case now (first: the access report's index), then the case the referral was made in, when a merge moved it on. */
async function casesOfReferral(deps: CareDeps, caller: Parameters<typeof caseOfReferral>[1], referralId: string): Promise<string[]> {
  const caseId = await caseOfReferral(deps, caller, referralId);
  return [(await deps.caseFiles.currentOf(caseId)) ?? caseId, caseId];
}

export function makeReferralHandler(deps: CareDeps): RouteHandler {
  return async (event, context) => {
    const caller = callerOf(context);
    const claimed = z.object({ caseId: z.string() }).safeParse(context.hub.json);
    if (claimed.success) noteCases(context, claimed.data.caseId);
    const request = createRequestOf(event, context, 'POST /v1/referrals');
    const input = parseWith(referralBody, context.hub.json);
    const { referral, created, emergency } = await makeReferral(deps, caller, input, request);
    // A crisis referral without the guardian's agreement, under emergency access: on the record at high severity.
    if (emergency) {
      context.hub.severity = 'high';
      context.hub.disclosure = { legalBasis: ['emergency'], referralWithoutAgreement: referral.referralId };
    }
    return json(
      created ? 201 : 200,
      referral,
      context.hub.requestId,
      created ? { location: `/v1/referrals/${referral.referralId}` } : { 'idempotent-replayed': 'true' },
    );
  };
}

export function moveReferralHandler(deps: CareDeps): RouteHandler {
  return async (event, context) => {
    const caller = callerOf(context);
    const { referralId } = parseWith(params, event.pathParameters ?? {});
    noteCases(context, ...(await casesOfReferral(deps, caller, referralId)));
    const input = parseWith(transitionBody, context.hub.json);
    return json(200, await moveReferral(deps, caller, referralId, input), context.hub.requestId);
  };
}

export function getReferralHandler(deps: CareDeps): RouteHandler {
  return async (event, context) => {
    const caller = callerOf(context);
    const { referralId } = parseWith(params, event.pathParameters ?? {});
    noteCases(context, ...(await casesOfReferral(deps, caller, referralId)));
    const view = await getReferral(deps, caller, referralId);
    context.hub.disclosure = careDisclosure('referral_party', 'referral', [view.requester, view.owner]);
    return json(200, view, context.hub.requestId);
  };
}

export function listReferralsHandler(deps: CareDeps): RouteHandler {
  return async (event, context) => {
    const caller = callerOf(context);
    const query = parseQuery(referralsQuery, event.queryStringParameters);
    const page = await listReferrals(deps, caller, query);
    noteCases(context, ...new Set(page.items.map((r) => r.caseId)));
    context.hub.disclosure = careDisclosure(
      'referral_party',
      'referral',
      page.items.flatMap((r) => [r.requester, r.owner]),
    );
    return json(200, page, context.hub.requestId);
  };
}
