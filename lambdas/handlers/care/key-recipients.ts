/** POST /v1/cases/{caseId}/key-recipient (enrol or propose), POST .../key-recipient/exit, GET .../key-recipient. */
import * as z from 'zod';
import { caseIdParam } from '../../../schemas/common';
import { enrolBody, exitBody } from '../../../schemas/key-recipients';
import type { CareDeps } from '../../domain/care/care-deps';
import { enrolOrPropose, exitEpisode, listEpisodes } from '../../domain/care/key-recipients';
import { callerOf, noteCases, type RouteHandler } from '../../http/context';
import { createRequestOf } from '../../http/idempotency';
import { json } from '../../http/responses';
import { parseWith } from '../../http/validate';

const params = z.object({ caseId: caseIdParam });
const episodeView = <T extends { enrolledBy?: string; exitedBy?: string }>({ enrolledBy: _e, exitedBy: _x, ...rest }: T) => rest;

export function enrolHandler(deps: CareDeps): RouteHandler {
  return async (event, context) => {
    const caller = callerOf(context);
    const { caseId } = parseWith(params, event.pathParameters ?? {});
    noteCases(context, caseId);
    const request = createRequestOf(event, context, 'POST /v1/cases/{caseId}/key-recipient');
    const { reasons } = parseWith(enrolBody, context.hub.json);
    const result = await enrolOrPropose(deps, caller, caseId, reasons, request);
    if ('proposal' in result && result.proposal) return json(202, result.proposal, context.hub.requestId);
    const { episode, created } = result as { episode: Parameters<typeof episodeView>[0]; created: boolean };
    return json(created ? 201 : 200, episodeView(episode), context.hub.requestId, created ? {} : { 'idempotent-replayed': 'true' });
  };
}

export function exitHandler(deps: CareDeps): RouteHandler {
  return async (event, context) => {
    const caller = callerOf(context);
    const { caseId } = parseWith(params, event.pathParameters ?? {});
    noteCases(context, caseId);
    const { reason } = parseWith(exitBody, context.hub.json);
    return json(200, episodeView(await exitEpisode(deps, caller, caseId, reason)), context.hub.requestId);
  };
}

export function episodesHandler(deps: CareDeps): RouteHandler {
  return async (event, context) => {
    const { caseId } = parseWith(params, event.pathParameters ?? {});
    noteCases(context, caseId);
    return json(200, await listEpisodes(deps, callerOf(context), caseId), context.hub.requestId);
  };
}
