/** The recipient id of the province's privacy officers. */
export const PRIVACY_OFFICERS = 'privacy-officers';

export interface Notification {
  readonly notificationId: string;
  readonly recipient: string;
  readonly at: string;
  readonly kind:
    | 'record_linked'
    | 'emergency_access'
    | 'alert'
    | 'consent_recorded'
    | 'consent_withdrawn'
    | 'care_plan_updated'
    | 'overdue'
    | 'referral_requested'
    | 'referral_updated'
    | 'risk_level_raised';
  readonly caseId: string;
  readonly severity: 'info' | 'high';
  /** For emergency access: which agency opened it. Never set for record_linked (who linked stays hidden). */
  readonly byAgency?: string;
  /** For consent_recorded and consent_withdrawn: which consent (never who recorded or withdrew it). */
  readonly consentId?: string;
  /** For care-loop notifications: what it is about (a care plan id), never its content. */
  readonly subjectId?: string;
  /** For risk_level_raised: the child's new risk level (the fact and the level, nothing else). */
  readonly riskLevel?: string;
  /** For referral notifications: the referral's status after the move. */
  readonly referralStatus?: string;
  /** For overdue work: what is late, since when, and whether the recipient owns it (else it coordinates). */
  readonly overdue?: { kind: string; due: string; daysOverdue: number; owner: boolean };
  /** For alerts: what was unusual (codes and counts only). */
  readonly alert?: { kind: string; agencyId: string; sub?: string; count: number; threshold: number; window: string };
}
