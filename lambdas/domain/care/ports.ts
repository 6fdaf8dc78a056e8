/**
 * The stores the care loop needs (docs/care-loop.md), declared here and implemented in lambdas/data (which never
 * imports the domain: it satisfies these shapes structurally; lambdas/runtime.ts wires one to the other).
 */
import type {
  Assessment,
  AssessmentState,
  CarePlanVersion,
  CareTeamMember,
  FollowUpContact,
  IdempotencyClaim,
  KeyRecipientEpisode,
  KeyRecipientStatus,
  Referral,
  ReferralTransition,
  StoredAgreement,
  WorkItem,
} from '../../../schemas/entities/care';
import type { PendingMergeFollowUp } from '../../../schemas/entities/cases';
import type { Page } from '../../../schemas/entities/page';

/**
 * What a create wrote now; or, writing nothing, the claim of the earlier request with the same key; or `taken`:
 * what it would create exists without that claim (another request wrote that plan version first).
 */
export type CreateOutcome =
  | { readonly created: true }
  | { readonly created: false; readonly earlier: IdempotencyClaim }
  | { readonly created: false; readonly taken: true };

/** Service agreements of a case: immutable, written once each with the create's idempotency claim. */
export interface AgreementStore {
  /** Writes the agreement and its claim in one transaction; when the claim exists already, writes nothing and returns it. */
  create(agreement: StoredAgreement, claim: IdempotencyClaim): Promise<CreateOutcome>;
  /** Every agreement of a case, newest `agreedAt` first. */
  forCase(caseId: string): Promise<StoredAgreement[]>;
}

/** Agencies' worklists. */
export interface WorkItemStore {
  /** Adds the item unless an item with its id exists (open or done): raising the same thing twice is one item. */
  add(item: WorkItem): Promise<boolean>;
  /** Opens or moves an obligation (an item with `due`) unless one with a later `basis` is there; false when it lost. */
  schedule(item: WorkItem & { basis: string }): Promise<boolean>;
  /** Marks an open item done (with `basis`: unless a later scheduling moved it); false when there was nothing to close. */
  close(workItemId: string, at: string, basis?: string): Promise<boolean>;
  get(workItemId: string): Promise<WorkItem | undefined>;
  /** One agency's items of one status, newest first. */
  forAgency(agencyId: string, status: WorkItem['status'], options: { limit: number; cursor?: string }): Promise<Page<WorkItem>>;
  /** One agency's open items due in [from, before), most overdue first. */
  dueFor(agencyId: string, range: { from?: string; before?: string }, options: { limit: number; cursor?: string }): Promise<Page<WorkItem>>;
}

/**
 * Merges whose follow-up is still owed (written by the merge's transaction, lambdas/domain/cases/case-admin.ts):
 * the care job runs those a crash left behind (after-merge.ts, `sweepMergeFollowUps`).
 */
export interface MergeFollowUpStore {
  /** Pending follow-ups of merges committed before `before`, oldest first. */
  pending(before: string, options: { limit: number; cursor?: string }): Promise<Page<PendingMergeFollowUp>>;
  /** Clears a merge's pending follow-up once it has run; false when there was none (cleared already, or never written). */
  done(merge: { readonly sourceCaseId: string; readonly targetCaseId: string }): Promise<boolean>;
}

/** Care teams: members are written once (with the create's claim) and ended once. */
export interface CareTeamStore {
  create(member: CareTeamMember, claim: IdempotencyClaim): Promise<CreateOutcome>;
  forCase(caseId: string): Promise<CareTeamMember[]>;
  /** Ends a membership once; false when it had ended already (or does not exist). */
  end(caseId: string, memberId: string, ended: { at: string; by: string; reason: string }): Promise<boolean>;
}

/** Care plans: immutable versions; version n+1 is written once (the first writer wins, the other is told). */
export interface CarePlanStore {
  /** Version 1 of a new plan, with the create's claim. */
  create(plan: CarePlanVersion, claim: IdempotencyClaim): Promise<CreateOutcome>;
  /** A later version, with its update's claim; `taken` when that version number exists already (someone updated first). */
  putVersion(plan: CarePlanVersion, claim: IdempotencyClaim): Promise<CreateOutcome>;
  /** Every version of every plan of a case, by plan then version. */
  forCase(caseId: string): Promise<CarePlanVersion[]>;
  /** The claim of an earlier create or update by this agency's key, if any. */
  claimOf(agencyId: string, key: string): Promise<IdempotencyClaim | undefined>;
}

/** Follow-up contacts: immutable, written once each with the create's claim. */
export interface ContactStore {
  create(contact: FollowUpContact, claim: IdempotencyClaim): Promise<CreateOutcome>;
  /** Every contact of a case, newest first. */
  forCase(caseId: string): Promise<FollowUpContact[]>;
}

/** The child's latest risk level from the assessment history (undefined: never assessed, or identified healthy). */
export interface RiskLevels {
  latestLevel(caseId: string): Promise<string | undefined>;
}

/** Referrals: created once with their claim; moved only on the version read (one winner of a race). */
export interface ReferralStore {
  create(referral: Referral, claim: IdempotencyClaim): Promise<CreateOutcome>;
  caseOf(referralId: string): Promise<string | undefined>;
  get(caseId: string, referralId: string): Promise<Referral | undefined>;
  forCase(caseId: string): Promise<Referral[]>;
  transitions(caseId: string, referralId: string): Promise<ReferralTransition[]>;
  /** False when the head is no longer at `expectedVersion` (another move won). */
  transition(next: Referral, move: ReferralTransition, expectedVersion: number): Promise<boolean>;
  list(agencyId: string, as: 'requester' | 'owner', options: { status?: string; limit: number; cursor?: string }): Promise<Page<Referral>>;
}

/** The identification and assessment history (append-only) and where the child stands. */
export interface AssessmentStore {
  create(a: Assessment, claim: IdempotencyClaim): Promise<CreateOutcome>;
  /** Newest first. */
  forCase(caseId: string): Promise<Assessment[]>;
  state(caseId: string): Promise<AssessmentState>;
  /** Moves the state unless an entry with a later `basis` already did; false when it lost. */
  setState(caseId: string, state: AssessmentState, basis: string): Promise<boolean>;
}

/** Key-recipient episodes and the case's current status: at most one active episode per case. */
export interface KeyRecipientStore {
  status(caseId: string): Promise<KeyRecipientStatus>;
  episodes(caseId: string): Promise<KeyRecipientEpisode[]>;
  /** Every active episode of the province, from an index (never a table scan): the care metrics' key recipients. */
  active(): Promise<KeyRecipientEpisode[]>;
  /** `taken`: an episode is active already; `earlier`: this create's claim exists (a retry, or the key reused). */
  enrol(episode: KeyRecipientEpisode, claim: IdempotencyClaim): Promise<CreateOutcome>;
  exit(caseId: string, episodeId: string, exited: { at: string; by: string; reason: string }): Promise<boolean>;
}
