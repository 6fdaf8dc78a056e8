/** Route group `care`: the care loop (docs/care-loop.md): service agreements. */
import { listAgreementsHandler, recordAgreementHandler } from '../handlers/care/agreements';
import type { HubRuntime } from '../runtime';
import { createSignedGroup, type GroupHandler, type SignedGroupOptions } from './signed-group';

export function createCareGroup(runtime: HubRuntime, options?: SignedGroupOptions): GroupHandler {
  const deps = runtime.care;
  return createSignedGroup(
    runtime,
    {
      'POST /v1/cases/{caseId}/agreements': recordAgreementHandler(deps),
      'GET /v1/cases/{caseId}/agreements': listAgreementsHandler(deps),
    },
    options,
  );
}
