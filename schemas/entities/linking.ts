/**
 * What one linking or case decision changes, committed as one transaction, and
 * the claims a record holds on its blocking keys while it decides. Values the
 * cases domain hands its linking store (lambdas/domain/cases/ports.ts).
 */
import type { CaseEvent, CaseMember, LedgerRow, PendingMergeFollowUp, ReviewItem } from './cases';
import type { Notification } from './notifications';
import type { StoredRecord } from './records';

/** A record head's move to a case, on condition that it still points where the decision saw it. */
export interface HeadLink {
  readonly recordId: string;
  /** The case the head points at now; absent: it must point at none. */
  readonly expectedCaseId?: string;
  readonly caseId: string;
  readonly linkStatus: NonNullable<StoredRecord['linkStatus']>;
  /** The version the decision was made for: the head must still be at it. */
  readonly linkedVersion?: number;
  /** The blind blocking keys the record's link was decided on (it is filed under those `file` names, in the same transaction). */
  readonly blockKeys?: readonly string[];
}

export interface LedgerWrite {
  readonly row: LedgerRow;
  /** The row's `updatedAt` when read (it must be unchanged and open); absent: a new case (the row must not exist). */
  readonly expectedUpdatedAt?: string;
}

export interface CaseChange {
  readonly heads: readonly HeadLink[];
  readonly put?: readonly CaseMember[];
  readonly remove?: readonly { readonly caseId: string; readonly recordId: string }[];
  readonly ledger?: readonly LedgerWrite[];
  readonly events?: readonly CaseEvent[];
  readonly review?: ReviewItem;
  /** A merge's follow-up, pending from this commit until it has run (written in the care table, in the same transaction). */
  readonly followUp?: PendingMergeFollowUp;
  /** Blind counters to add 1 to (name frequencies). */
  readonly counters?: readonly string[];
  /** Hit / no-hit notices, written with the change so that they are sent exactly once. */
  readonly notify?: readonly Omit<Notification, 'notificationId'>[];
  /** Claims released by the same transaction (each must still be held by `owner`). */
  readonly release?: { readonly owner: string; readonly keys: readonly string[] };
  /** Claimed keys the record is filed under by the release (a block already full is not grown). */
  readonly file?: { readonly recordId: string; readonly keys: readonly string[] };
  /**
   * The versions of the blocks the decision read: the release holds only if each is unchanged (a list job's
   * group, which claims nothing, may have filed under a key whose claim outlived its lease).
   */
  readonly versions?: ReadonlyMap<string, number>;
}

export interface Claim {
  readonly owner: string;
  readonly recordId: string;
  /** Keys to claim, sorted (the record is filed under them when its decision commits). */
  readonly keys: readonly string[];
  /** Keys the record was filed under before and no longer has. */
  readonly unfile: readonly string[];
  /**
   * File the record under `keys` with the claim: for a record already in a case (an update), which whoever decides
   * next must find under its new keys even if this decision never commits (a new record is filed by its commit).
   */
  readonly fileNow?: boolean;
  /** Epoch ms. */
  readonly now: number;
  readonly leaseMs: number;
}
