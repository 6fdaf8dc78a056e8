/** Cases (个案同案): members, the ledger row, history events and review items. Codes and ids only; free text sealed. */
export interface CaseMember {
  readonly caseId: string;
  readonly recordId: string;
  readonly agencyId: string;
  readonly agencyType: string;
  readonly joinedAt: string;
  /** new (opened the case), auto, review, merge, split */
  readonly how: string;
  readonly categories: readonly string[];
  readonly riskLevel?: string;
  readonly regions: readonly string[];
}

export interface LedgerRow {
  readonly caseId: string;
  readonly status: 'open' | 'merged';
  readonly mergedInto?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly memberCount: number;
  readonly categories: readonly string[];
  readonly highestRisk?: string;
  /** Agency type -> since when (ISO time) it has a record in the case. */
  readonly agencyTypes: Readonly<Record<string, string>>;
  readonly regions: readonly string[];
}

export interface CaseEvent {
  readonly caseId: string;
  readonly at: string;
  readonly type: 'created' | 'linked' | 'merged_in' | 'merged_into' | 'split_off' | 'split_from';
  readonly recordIds: readonly string[];
  readonly otherCaseId?: string;
  readonly byAgency?: string;
  /** Sealed free text (FieldCipher), when a person gave a reason. */
  readonly sealedReason?: string;
  readonly reviewId?: string;
}

/**
 * A merge whose follow-up has not finished: what follows it (the care loop's work owed per case,
 * lambdas/domain/care/after-merge.ts) is still owed. Written in the merge's own transaction and deleted by the
 * follow-up's last step, so a crash between the two leaves it for the care job to sweep. Case ids and a time only.
 */
export interface PendingMergeFollowUp {
  readonly sourceCaseId: string;
  readonly targetCaseId: string;
  /** When the merge committed. */
  readonly mergedAt: string;
}

/**
 * Why a pair was sent to a person (the link policy's words for each are in
 * `reviewWhy`): score between the thresholds (BAND), enough to link but one
 * piece of evidence needs a person (VETO), a record already in the case
 * contradicts (CONFLICT), another candidate almost as good (AMBIGUOUS), the
 * record fits two cases (BRIDGE), or a changed record no longer fits its case (SPLIT).
 */
export type ReviewCause = 'BAND' | 'VETO' | 'CONFLICT' | 'AMBIGUOUS' | 'BRIDGE' | 'SPLIT';

export interface ReviewItem {
  readonly reviewId: string;
  readonly status: 'pending' | 'confirmed' | 'rejected';
  readonly createdAt: string;
  readonly recordId: string;
  readonly caseId: string;
  readonly candidateRecordId: string;
  readonly candidateCaseId: string;
  readonly weight: number;
  readonly levels: readonly number[];
  readonly explanation: string;
  readonly modelVersion: string;
  /** Absent on items written before the cause was kept. */
  readonly cause?: ReviewCause;
  readonly decidedAt?: string;
  readonly decidedBy?: string;
  readonly sealedReason?: string;
}
