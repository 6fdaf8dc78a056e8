/** GET /v1/reviews and POST /v1/reviews/{reviewId}: the coordinating role's review queue. */
import * as z from 'zod';
import { decideReviewBody, reviewsQuery } from '../../../schemas/cases';
import { reviewIdParam } from '../../../schemas/common';
import type { ReviewItem } from '../../../schemas/entities/cases';
import { decideReview, listReviews, requireCoordinator, type CaseAdminDeps } from '../../domain/cases/case-admin';
import type { Veto } from '../../domain/matching/compare';
import { reviewWhy } from '../../domain/matching/link-policy';
import { callerOf, type RouteHandler } from '../../http/context';
import { json } from '../../http/responses';
import { parseQuery, parseWith } from '../../http/validate';

/**
 * What a reviewer sees: ids, the weight, its field-by-field explanation and why the pair is in review
 * (zh-CN, then English); never the decider's sealed reason text.
 */
export function reviewView(r: ReviewItem) {
  const explanation = JSON.parse(r.explanation) as { veto?: Veto };
  return {
    reviewId: r.reviewId,
    status: r.status,
    createdAt: r.createdAt,
    recordId: r.recordId,
    caseId: r.caseId,
    candidateRecordId: r.candidateRecordId,
    candidateCaseId: r.candidateCaseId,
    weight: r.weight,
    explanation,
    ...(r.cause && { why: { cause: r.cause, ...reviewWhy(r.cause, explanation.veto) } }),
    ...(r.decidedAt && { decidedAt: r.decidedAt }),
    ...(r.decidedBy && { decidedBy: r.decidedBy }),
  };
}

export function listReviewsHandler(deps: CaseAdminDeps): RouteHandler {
  return async (event, context) => {
    const caller = callerOf(context);
    requireCoordinator(deps, caller);
    const q = parseQuery(reviewsQuery, event.queryStringParameters);
    const page = await listReviews(deps, caller, { status: q.status, limit: q.limit, ...(q.cursor && { cursor: q.cursor }) });
    for (const r of page.items) context.hub.recordIds.push(r.recordId, r.candidateRecordId);
    return json(200, { items: page.items.map(reviewView), ...(page.cursor && { cursor: page.cursor }) }, context.hub.requestId);
  };
}

export function decideReviewHandler(deps: CaseAdminDeps): RouteHandler {
  return async (event, context) => {
    const caller = callerOf(context);
    requireCoordinator(deps, caller);
    const { reviewId } = parseWith(z.object({ reviewId: reviewIdParam }), event.pathParameters ?? {});
    const body = parseWith(decideReviewBody, context.hub.json);
    const result = await decideReview(deps, caller, { reviewId, ...body });
    context.hub.recordIds.push(result.review.recordId, result.review.candidateRecordId);
    return json(200, { review: reviewView(result.review), ...(result.caseId && { caseId: result.caseId }) }, context.hub.requestId);
  };
}
