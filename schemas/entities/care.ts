/**
 * The care loop's model (docs/care-loop.md): service agreements, and the idempotency claim every create writes
 * with what it creates. Key-recipient episodes, assessments and referrals join them here.
 */

/** The guardian's answer to the assessment result and to follow-up services (FHIR Consent, scope treatment). */
export interface Agreement {
  readonly agreementId: string;
  readonly caseId: string;
  /** The assessment whose result the guardian was shown, when given. */
  readonly assessmentId?: string;
  readonly agreesWithAssessment: boolean;
  readonly agreesToFollowUp: boolean;
  /** Why the guardian declined either; set exactly when one of the two is false. */
  readonly declineReason?: string;
  /** The child's own view, recorded at any age and shown to every later referral owner. */
  readonly childView: 'agrees' | 'objects' | 'not_asked' | 'unable_to_express';
  /** After this, the agreement no longer counts as in force (absent: until a newer agreement replaces it). */
  readonly validUntil?: string;
  readonly evidenceSha256: string;
  /** When the guardian gave it (the signed form's collection time): the newest one is the one in force. */
  readonly agreedAt: string;
  readonly recordedBy: string;
  readonly recordedAt: string;
}

export interface StoredAgreement extends Agreement {
  /** Sealed guardian identity, evidence reference and collector (JSON of SealedFields). */
  readonly sealed: string;
}

/**
 * One create request of one agency, by its `Idempotency-Key`: written in the same transaction as what it created,
 * so a retry finds the first result, and the same key with another body is refused.
 */
export interface IdempotencyClaim {
  readonly agencyId: string;
  readonly key: string;
  /** The route the key was used on (`POST /v1/cases/{caseId}/agreements`). */
  readonly route: string;
  /** SHA-256 (hex) of the exact request body. */
  readonly requestHash: string;
  readonly caseId: string;
  /** The id of what the first request created. */
  readonly resourceId: string;
  readonly createdAt: string;
}

/**
 * One item of an agency's worklist (FHIR Task, `status` requested/completed): something the agency has to do for a
 * case, e.g. decide an enrolment proposal or re-refer a child after a rejected referral. Codes only.
 */
export interface WorkItem {
  /**
   * Derived from (agency, kind, subject): one item per thing to do, however often it is raised; for work that is
   * due (`due`), from (kind, subject): one obligation per subject, owned by one agency at a time.
   */
  readonly workItemId: string;
  /** Whose worklist. */
  readonly agencyId: string;
  readonly kind: string;
  readonly caseId: string;
  /** What the item is about (a proposal id, a referral id). */
  readonly subjectId: string;
  readonly createdAt: string;
  /** When it is due: the overdue job notifies the owner and the coordinating role once a day after that. */
  readonly due?: string;
  /** What set the due date (a contact's time, a plan version): a later scheduling never loses to an earlier one. */
  readonly basis?: string;
  readonly status: 'open' | 'done';
  readonly closedAt?: string;
  /** Codes that help decide without opening records (e.g. `{ reasons: 'high_risk' }`); never personal data. */
  readonly detail?: Readonly<Record<string, string>>;
}

/**
 * A member of a child's care team (FHIR CareTeam.participant): a growth mentor, paired carer, psychiatrist, …
 * identified by an opaque staff id of their agency. A peer partner is another child: nothing identifies them.
 */
export interface CareTeamMember {
  readonly memberId: string;
  readonly caseId: string;
  readonly role: string;
  readonly agencyId: string;
  /** Opaque staff id in the member's agency; absent for a peer partner. */
  readonly staffId?: string;
  readonly start: string;
  /** Planned end of the membership, when known. */
  readonly end?: string;
  readonly addedBy: string;
  readonly addedAt: string;
  /** Set once the membership was ended early or closed. */
  readonly endedAt?: string;
  readonly endedBy?: string;
  readonly endReason?: string;
}

export type CarePlanStatus = 'draft' | 'active' | 'on-hold' | 'completed' | 'revoked';
export type ActivityStatus = 'not-started' | 'scheduled' | 'in-progress' | 'completed' | 'cancelled';

/** One activity of a care plan (FHIR CarePlan.activity): codes, the agency that owns it, a due date. */
export interface CarePlanActivity {
  readonly activityId: string;
  readonly kind: string;
  readonly ownerAgencyId: string;
  readonly due: string;
  readonly status: ActivityStatus;
}

/**
 * One version of a care plan (FHIR CarePlan; 专项关爱服务方案). Versions are immutable: an update is a new version
 * based on the latest one. Goals and activity descriptions are free text, sealed with the author's data key.
 */
export interface CarePlanVersion {
  readonly planId: string;
  readonly caseId: string;
  readonly version: number;
  readonly status: CarePlanStatus;
  readonly category: string;
  readonly activities: readonly CarePlanActivity[];
  readonly reviewDate: string;
  /** The agency that wrote this version (its data key seals `sealed`). */
  readonly author: string;
  readonly createdAt: string;
  /** Sealed goals, activity descriptions and note (JSON of SealedFields). */
  readonly sealed: string;
}

/** A follow-up contact with the child or those around them (定期随访; observation and interview records of 一人一档). */
export interface FollowUpContact {
  readonly contactId: string;
  readonly caseId: string;
  readonly kind: string;
  /** Who was interviewed: child, guardian, teacher, classmate, neighbour, other. */
  readonly interviewed: readonly string[];
  readonly outcome: string;
  readonly contactedAt: string;
  /** When the next contact is due: contactedAt plus the interval of the child's latest risk level (province config). */
  readonly nextDue: string;
  /** The risk level that set the interval, if the child had one. */
  readonly riskLevel?: string;
  readonly agencyId: string;
  readonly staffId: string;
  readonly recordedAt: string;
  /** Sealed notes (JSON of SealedFields), when given. */
  readonly sealed?: string;
}

export type ReferralStatus = 'requested' | 'received' | 'accepted' | 'rejected' | 'in-progress' | 'on-hold' | 'completed' | 'failed' | 'cancelled';

/**
 * A referral (FHIR ServiceRequest, tracked as a Task): one agency asks another to take the child on (school ->
 * mental-health centre; back to school or community after discharge, `basedOn` the original).
 */
export interface Referral {
  readonly referralId: string;
  readonly caseId: string;
  /** Task.requester and Task.owner: agency system ids. */
  readonly requester: string;
  readonly owner: string;
  readonly reasons: readonly string[];
  readonly priority: 'routine' | 'urgent' | 'asap' | 'stat';
  readonly basedOn?: string;
  readonly status: ReferralStatus;
  /** Task.statusReason: why it was rejected, failed or cancelled (a code). */
  readonly statusReason?: string;
  /** Task.output: how it ended (completed). */
  readonly outcome?: string;
  /** Task.restriction.period: by when it must be acknowledged, and the child first seen. */
  readonly acknowledgeBy: string;
  readonly firstContactBy: string;
  /** The guardian's agreement it rests on, or the emergency grant of a crisis referral without one. */
  readonly agreementId?: string;
  readonly emergencyGrantId?: string;
  /** The child's own view from that agreement, shown to the owner. */
  readonly childView?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Task.executionPeriod.start: when the owner first moved it to in-progress (the child first seen; care metrics). */
  readonly startedAt?: string;
  /** Bumped by every transition: a transition is written only on the version it read. */
  readonly version: number;
  /** Sealed note (JSON of SealedFields), with the requester's key. */
  readonly sealed?: string;
}

export interface ReferralTransition {
  readonly referralId: string;
  readonly seq: number;
  readonly from: ReferralStatus;
  readonly to: ReferralStatus;
  readonly by: string;
  readonly at: string;
  readonly reason?: string;
  readonly outcome?: string;
}

/** One entry of a child's identification and assessment history (识别、评估; FHIR Observation / RiskAssessment). */
export interface Assessment {
  readonly assessmentId: string;
  readonly caseId: string;
  readonly kind: 'identification' | 'assessment' | 'reassessment';
  /** Identification only: healthy or at risk. */
  readonly outcome?: 'healthy' | 'at_risk';
  /** Assessments only: a level of the province's risk scale. */
  readonly riskLevel?: string;
  readonly riskFactors: readonly string[];
  readonly instrument?: string;
  readonly score?: number;
  readonly assessorStaffId: string;
  readonly assessedOn: string;
  readonly agencyId: string;
  readonly recordedAt: string;
  /** Sealed notes (JSON of SealedFields), when given. */
  readonly sealed?: string;
}

/**
 * Where a child stands in identification and assessment, from the latest entry: never assessed, identified healthy,
 * identified at risk (no level yet), or assessed at a level. Kept per case beside the history.
 */
export interface AssessmentState {
  readonly state: 'never_assessed' | 'identified_healthy' | 'identified_at_risk' | 'assessed';
  readonly riskLevel?: string;
  readonly on?: string;
  /** The agency whose entry it is (the consent gate decides who may see it). */
  readonly agencyId?: string;
  readonly assessmentId?: string;
}

/** A key-recipient episode (重点关爱服务对象台账; FHIR EpisodeOfCare): from enrolment to exit. Every episode is kept. */
export interface KeyRecipientEpisode {
  readonly episodeId: string;
  readonly caseId: string;
  readonly status: 'active' | 'exited';
  readonly reasons: readonly string[];
  readonly enrolledAt: string;
  readonly enrolledBy: string;
  readonly exitedAt?: string;
  readonly exitReason?: string;
  readonly exitedBy?: string;
}

/** Whether a case is a key recipient now, and since when and why (`never`: it was never enrolled). */
export interface KeyRecipientStatus {
  readonly status: 'active' | 'exited' | 'never';
  readonly since?: string;
  readonly reasons?: readonly string[];
  readonly episodeId?: string;
}
