/**
 * The referral state machine (FHIR Task status; docs/care-loop.md, "Referrals"): every legal move, who may make
 * it, and what it needs. Pure: the use case, the docs and the table test all read this one table.
 */
import type { ReferralStatus } from '../../../schemas/entities/care';

export type Party = 'requester' | 'owner';

export interface Move {
  readonly from: ReferralStatus;
  readonly to: ReferralStatus;
  readonly by: Party;
  /** What the move must carry: a reason code (rejected, failed) or an outcome code (completed). */
  readonly needs?: 'reason' | 'outcome';
}

export const MOVES: readonly Move[] = [
  { from: 'requested', to: 'received', by: 'owner' },
  { from: 'received', to: 'accepted', by: 'owner' },
  { from: 'received', to: 'rejected', by: 'owner', needs: 'reason' },
  { from: 'accepted', to: 'in-progress', by: 'owner' },
  { from: 'in-progress', to: 'on-hold', by: 'owner' },
  { from: 'on-hold', to: 'in-progress', by: 'owner' },
  { from: 'in-progress', to: 'completed', by: 'owner', needs: 'outcome' },
  { from: 'in-progress', to: 'failed', by: 'owner', needs: 'reason' },
  { from: 'on-hold', to: 'failed', by: 'owner', needs: 'reason' },
  { from: 'requested', to: 'cancelled', by: 'requester' },
  { from: 'received', to: 'cancelled', by: 'requester' },
  { from: 'accepted', to: 'cancelled', by: 'requester' },
];

/** Statuses after which nothing moves. */
export const FINAL: readonly ReferralStatus[] = ['rejected', 'completed', 'failed', 'cancelled'];

/** Whether the referral still asks something of someone (an open referral establishes the `referral` purpose). */
export const isOpen = (status: ReferralStatus): boolean => !FINAL.includes(status);

/** The moves a party may make from a status. */
export const allowedMoves = (from: ReferralStatus, by: Party): Move[] => MOVES.filter((m) => m.from === from && m.by === by);

/** The move, if this party may make it from this status. */
export const findMove = (from: ReferralStatus, to: ReferralStatus, by: Party): Move | undefined =>
  MOVES.find((m) => m.from === from && m.to === to && m.by === by);
