/** Route group `care`: the care loop (docs/care-loop.md): service agreements, the worklist, care teams, care plans, follow-up contacts, referrals, identification and assessment, key-recipient episodes, the care metrics. */
import { listAgreementsHandler, recordAgreementHandler } from '../handlers/care/agreements';
import { worklistHandler } from '../handlers/care/worklist';
import { careMetricsHandler } from '../handlers/care/care-metrics';
import { enrolHandler, episodesHandler, exitHandler } from '../handlers/care/key-recipients';
import { listAssessmentsHandler, recordAssessmentHandler } from '../handlers/care/assessments';
import { getReferralHandler, listReferralsHandler, makeReferralHandler, moveReferralHandler } from '../handlers/care/referrals';
import { listContactsHandler, recordContactHandler } from '../handlers/care/contacts';
import { carePlanHistoryHandler, createCarePlanHandler, listCarePlansHandler, updateCarePlanHandler } from '../handlers/care/care-plans';
import { addCareTeamMemberHandler, endCareTeamMemberHandler, listCareTeamHandler } from '../handlers/care/care-team';
import type { HubRuntime } from '../runtime';
import { createSignedGroup, type GroupHandler, type SignedGroupOptions } from './signed-group';

export function createCareGroup(runtime: HubRuntime, options?: SignedGroupOptions): GroupHandler {
  const deps = runtime.care;
  return createSignedGroup(
    runtime,
    {
      'POST /v1/cases/{caseId}/agreements': recordAgreementHandler(deps),
      'GET /v1/cases/{caseId}/agreements': listAgreementsHandler(deps),
      'GET /v1/worklist': worklistHandler(deps),
      'GET /v1/care-metrics': careMetricsHandler(deps),
      'POST /v1/cases/{caseId}/care-team': addCareTeamMemberHandler(deps),
      'GET /v1/cases/{caseId}/care-team': listCareTeamHandler(deps),
      'POST /v1/cases/{caseId}/care-team/{memberId}/end': endCareTeamMemberHandler(deps),
      'POST /v1/cases/{caseId}/care-plans': createCarePlanHandler(deps),
      'GET /v1/cases/{caseId}/care-plans': listCarePlansHandler(deps),
      'GET /v1/cases/{caseId}/care-plans/{planId}': carePlanHistoryHandler(deps),
      'POST /v1/cases/{caseId}/care-plans/{planId}/versions': updateCarePlanHandler(deps),
      'POST /v1/cases/{caseId}/contacts': recordContactHandler(deps),
      'GET /v1/cases/{caseId}/contacts': listContactsHandler(deps),
      'POST /v1/cases/{caseId}/assessments': recordAssessmentHandler(deps),
      'GET /v1/cases/{caseId}/assessments': listAssessmentsHandler(deps),
      'POST /v1/cases/{caseId}/key-recipient': enrolHandler(deps),
      'POST /v1/cases/{caseId}/key-recipient/exit': exitHandler(deps),
      'GET /v1/cases/{caseId}/key-recipient': episodesHandler(deps),
      'POST /v1/referrals': makeReferralHandler(deps),
      'GET /v1/referrals': listReferralsHandler(deps),
      'GET /v1/referrals/{referralId}': getReferralHandler(deps),
      'POST /v1/referrals/{referralId}/transitions': moveReferralHandler(deps),
    },
    options,
  );
}
