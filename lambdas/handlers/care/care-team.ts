/** POST/GET /v1/cases/{caseId}/care-team and POST /v1/cases/{caseId}/care-team/{memberId}/end. */
import * as z from 'zod';
import { careTeamMemberBody, endMemberBody, memberIdParam } from '../../../schemas/care';
import { caseIdParam } from '../../../schemas/common';
import { chinaDate } from '../../domain/care/care-deps';
import type { CareDeps } from '../../domain/care/care-deps';
import { addCareTeamMember, endCareTeamMember, listCareTeam, memberView } from '../../domain/care/care-team';
import { callerOf, noteCases, type RouteHandler } from '../../http/context';
import { createRequestOf } from '../../http/idempotency';
import { json } from '../../http/responses';
import { parseWith } from '../../http/validate';

const params = z.object({ caseId: caseIdParam });
const memberParams = z.object({ caseId: caseIdParam, memberId: memberIdParam });
const today = (deps: CareDeps) => chinaDate(deps.now?.() ?? new Date());

export function addCareTeamMemberHandler(deps: CareDeps): RouteHandler {
  return async (event, context) => {
    const caller = callerOf(context);
    const { caseId } = parseWith(params, event.pathParameters ?? {});
    noteCases(context, caseId);
    const request = createRequestOf(event, context, 'POST /v1/cases/{caseId}/care-team');
    const input = parseWith(careTeamMemberBody, context.hub.json);
    const { member, created } = await addCareTeamMember(deps, caller, caseId, input, request);
    return json(
      created ? 201 : 200,
      memberView(deps, caller, member, today(deps), (a) => a),
      context.hub.requestId,
      {
        location: `/v1/cases/${caseId}/care-team`,
        ...(!created && { 'idempotent-replayed': 'true' }),
      },
    );
  };
}

export function endCareTeamMemberHandler(deps: CareDeps): RouteHandler {
  return async (event, context) => {
    const caller = callerOf(context);
    const { caseId, memberId } = parseWith(memberParams, event.pathParameters ?? {});
    noteCases(context, caseId);
    const { reason } = parseWith(endMemberBody, context.hub.json);
    const member = await endCareTeamMember(deps, caller, caseId, memberId, reason);
    return json(
      200,
      memberView(deps, caller, member, today(deps), (a) => a),
      context.hub.requestId,
    );
  };
}

export function listCareTeamHandler(deps: CareDeps): RouteHandler {
  return async (event, context) => {
    const { caseId } = parseWith(params, event.pathParameters ?? {});
    noteCases(context, caseId);
    const { view, disclosure } = await listCareTeam(deps, callerOf(context), caseId);
    context.hub.disclosure = disclosure;
    return json(200, view, context.hub.requestId);
  };
}
