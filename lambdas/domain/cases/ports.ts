/**
 * The stores the cases domain needs (its ports). lambdas/data implements them
 * on DynamoDB and never imports the domain; the domain sees only these interfaces.
 */
import type { CaseEvent, CaseMember, LedgerRow, ReviewItem } from '../../../schemas/entities/cases';
import type { CaseChange, Claim } from '../../../schemas/entities/linking';
import type { Page } from '../../../schemas/entities/page';

/** A case's ledger row and members, read so that a change committed after the row was read shows as a newer `row.updatedAt`. */
export interface CaseSnapshot {
  readonly row?: LedgerRow;
  readonly members: CaseMember[];
}

export interface CasesStore {
  members(caseId: string): Promise<CaseMember[]>;
  snapshot(caseId: string): Promise<CaseSnapshot>;
  history(caseId: string): Promise<CaseEvent[]>;
  ledgerRow(caseId: string): Promise<LedgerRow | undefined>;
  ledger(options: { status?: 'open' | 'merged'; limit: number; cursor?: string }): Promise<Page<LedgerRow>>;
  review(reviewId: string): Promise<ReviewItem | undefined>;
  /** Records a decision once: false when the review was already decided. */
  decideReview(review: ReviewItem): Promise<boolean>;
  reviews(options: { status: ReviewItem['status']; limit: number; cursor?: string }): Promise<Page<ReviewItem>>;
}

/** Claims on blocking keys, and the one transaction that commits a linking or case decision. */
export interface LinkingStore {
  /** Claims the record's keys (and takes it out of keys it no longer has), all or nothing; false while another owner's lease on one is live. */
  claim(claim: Claim): Promise<boolean>;
  /** Releases claims still held by `owner` (others' are left alone). */
  release(owner: string, keys: readonly string[]): Promise<void>;
  /** Commits a change in one transaction; false when a condition failed (a race was lost: read again, decide again). */
  commit(change: CaseChange): Promise<boolean>;
}
