/** Named request and response types of the hub's routes, for agency systems (all from routes.ts, itself from schemas/api.ts). */
import type { ApiRoutes, RouteKey } from './routes.js';

type Body<K extends RouteKey> = ApiRoutes[K]['body'];
type Answer<K extends RouteKey> = ApiRoutes[K]['response'];
type Query<K extends RouteKey> = ApiRoutes[K]['query'];

export type HealthResult = Answer<'GET /v1/health'>;
/** A child record as an agency publishes it (child-record v1). */
export type ChildRecordV1 = Body<'POST /v1/records'>;
export type PublishResult = Answer<'POST /v1/records'>;
export type RecordView = Answer<'GET /v1/records/{recordId}'>;

export type SubmitListResult = Answer<'POST /v1/lists'>;
export type ListJobReport = Answer<'GET /v1/lists/{jobId}'>;
export type ListJob = ListJobReport['job'];
export type ListRowReport = ListJobReport['rows'][number];

export type CaseView = Answer<'GET /v1/cases/{caseId}'>;
export type CaseArchive = Answer<'GET /v1/cases/{caseId}/archive'>;
export type NotificationsQuery = Query<'GET /v1/notifications'>;
export type Notification = Answer<'GET /v1/notifications'>['items'][number];
export type HubKeys = Answer<'GET /v1/hub-keys'>;
export type NotificationsPage = Answer<'GET /v1/notifications'>;

export type ConsentInput = Body<'POST /v1/consents'>;
export type ConsentView = Answer<'POST /v1/consents'>;
export type CaseConsents = Answer<'GET /v1/consents'>;
export type WithdrawConsentInput = Body<'POST /v1/consents/{consentId}/withdraw'>;
export type WithdrawConsentResult = Answer<'POST /v1/consents/{consentId}/withdraw'>;
export type ConfirmConsentInput = Body<'POST /v1/consents/{consentId}/confirm'>;
export type ConfirmConsentResult = Answer<'POST /v1/consents/{consentId}/confirm'>;
export type EmergencyInput = Body<'POST /v1/cases/{caseId}/emergency'>;
export type EmergencyGrant = Answer<'POST /v1/cases/{caseId}/emergency'>;

export type AgreementInput = Body<'POST /v1/cases/{caseId}/agreements'>;
export type AgreementView = Answer<'POST /v1/cases/{caseId}/agreements'>;
export type AssessmentInput = Body<'POST /v1/cases/{caseId}/assessments'>;
export type AssessmentView = Answer<'POST /v1/cases/{caseId}/assessments'>;
export type CareTeamMemberInput = Body<'POST /v1/cases/{caseId}/care-team'>;
export type CareTeamMemberView = Answer<'POST /v1/cases/{caseId}/care-team'>;
export type CarePlanInput = Body<'POST /v1/cases/{caseId}/care-plans'>;
export type CarePlanVersionInput = Body<'POST /v1/cases/{caseId}/care-plans/{planId}/versions'>;
export type CarePlanView = Answer<'POST /v1/cases/{caseId}/care-plans'>;
export type ContactInput = Body<'POST /v1/cases/{caseId}/contacts'>;
export type ContactView = Answer<'POST /v1/cases/{caseId}/contacts'>;
export type ReferralInput = Body<'POST /v1/referrals'>;
export type ReferralView = Answer<'POST /v1/referrals'>;
export type ReferralTransitionInput = Body<'POST /v1/referrals/{referralId}/transitions'>;
export type KeyRecipientInput = Body<'POST /v1/cases/{caseId}/key-recipient'>;
export type KeyRecipientView = Answer<'POST /v1/cases/{caseId}/key-recipient'>;
export type WorklistQuery = Query<'GET /v1/worklist'>;
export type WorkItem = Answer<'GET /v1/worklist'>['items'][number];
export type ReferralsQuery = Query<'GET /v1/referrals'>;
export type CareMetrics = Answer<'GET /v1/care-metrics'>;

export type LedgerQuery = Query<'GET /v1/ledger'>;
export type LedgerRow = Answer<'GET /v1/ledger'>['items'][number];
export type ReviewsQuery = Query<'GET /v1/reviews'>;
export type ReviewItem = Answer<'GET /v1/reviews'>['items'][number];
export type AuditEventsQuery = Query<'GET /v1/audit/events'>;
