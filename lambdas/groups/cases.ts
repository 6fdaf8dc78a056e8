/** Route group `cases`: the ledger, the review queue, merge, split and history (coordinating role). */
import { caseHistoryHandler, mergeCasesHandler, splitCaseHandler } from '../handlers/cases/case-changes';
import { getLedgerHandler } from '../handlers/cases/get-ledger';
import { decideReviewHandler, listReviewsHandler } from '../handlers/cases/reviews';
import type { HubRuntime } from '../runtime';
import { createSignedGroup, type GroupHandler, type SignedGroupOptions } from './signed-group';

export function createCasesGroup(runtime: HubRuntime, options?: SignedGroupOptions): GroupHandler {
  const deps = runtime.cases;
  return createSignedGroup(
    runtime,
    {
      'GET /v1/ledger': getLedgerHandler(deps),
      'GET /v1/reviews': listReviewsHandler(deps),
      'POST /v1/reviews/{reviewId}': decideReviewHandler(deps),
      'POST /v1/cases/{caseId}/merge': mergeCasesHandler(deps),
      'POST /v1/cases/{caseId}/split': splitCaseHandler(deps),
      'GET /v1/cases/{caseId}/history': caseHistoryHandler(deps),
    },
    options,
  );
}
