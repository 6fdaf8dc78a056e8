/** POST and GET /v1/cases/{caseId}/assessments: identification and assessment history. */
import * as z from 'zod';
import { assessmentBody } from '../../../schemas/assessments';
import { caseIdParam } from '../../../schemas/common';
import { listAssessments, recordAssessment } from '../../domain/care/assessments';
import type { CareDeps } from '../../domain/care/care-deps';
import { callerOf, noteCases, type RouteHandler } from '../../http/context';
import { createRequestOf } from '../../http/idempotency';
import { json } from '../../http/responses';
import { parseWith } from '../../http/validate';

const params = z.object({ caseId: caseIdParam });

export function recordAssessmentHandler(deps: CareDeps): RouteHandler {
  return async (event, context) => {
    const caller = callerOf(context);
    const { caseId } = parseWith(params, event.pathParameters ?? {});
    noteCases(context, caseId);
    const request = createRequestOf(event, context, 'POST /v1/cases/{caseId}/assessments');
    const input = parseWith(assessmentBody, context.hub.json);
    const { assessment, created } = await recordAssessment(deps, caller, caseId, input, request);
    return json(
      created ? 201 : 200,
      assessment,
      context.hub.requestId,
      created ? { location: `/v1/cases/${caseId}/assessments` } : { 'idempotent-replayed': 'true' },
    );
  };
}

export function listAssessmentsHandler(deps: CareDeps): RouteHandler {
  return async (event, context) => {
    const { caseId } = parseWith(params, event.pathParameters ?? {});
    noteCases(context, caseId);
    const { view, disclosure } = await listAssessments(deps, callerOf(context), caseId);
    context.hub.disclosure = disclosure;
    return json(200, view, context.hub.requestId);
  };
}
