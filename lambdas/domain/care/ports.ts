/**
 * The stores the care loop needs (docs/care-loop.md), declared here and implemented in lambdas/data (which never
 * imports the domain: it satisfies these shapes structurally; lambdas/runtime.ts wires one to the other).
 */
import type { IdempotencyClaim, StoredAgreement } from '../../../schemas/entities/care';

/** What a create wrote first under an idempotency key, or that it wrote now. */
export type CreateOutcome = { readonly created: true } | { readonly created: false; readonly earlier: IdempotencyClaim };

/** Service agreements of a case: immutable, written once each with the create's idempotency claim. */
export interface AgreementStore {
  /** Writes the agreement and its claim in one transaction; when the claim exists already, writes nothing and returns it. */
  create(agreement: StoredAgreement, claim: IdempotencyClaim): Promise<CreateOutcome>;
  /** Every agreement of a case, newest `agreedAt` first. */
  forCase(caseId: string): Promise<StoredAgreement[]>;
}
