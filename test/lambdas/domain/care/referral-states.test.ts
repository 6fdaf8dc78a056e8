/**
 * The referral state machine as a table test (issue 9, point 4): every status, every target, each party, through
 * the use case (`moveReferral`): a legal move lands and notifies the other party; any other answers 409
 * STATE_CONFLICT naming the moves allowed; a third agency never sees the referral (404).
 */
import { describe, expect, it } from 'vitest';
import type { CareDeps } from '../../../../lambdas/domain/care/care-deps';
import { allowedMoves, FINAL, findMove, MOVES, type Party } from '../../../../lambdas/domain/care/referral-states';
import { moveReferral } from '../../../../lambdas/domain/care/referrals';
import { HubError } from '../../../../lambdas/shared/errors';
import { REFERRAL_STATUSES } from '../../../../schemas/referrals';
import type { Referral, ReferralStatus, ReferralTransition } from '../../../../schemas/entities/care';
import { careConfig } from '../../../../schemas/province-config';

const REQUESTER = { agencyId: 'xz-education', agencyType: 'education' as const };
const OWNER = { agencyId: 'xz-health', agencyType: 'health' as const };
const OTHER = { agencyId: 'xz-youth-league', agencyType: 'youth_league' as const };

function fakeDeps(status: ReferralStatus) {
  let head: Referral = {
    referralId: 'ref_00000000000000000000000001',
    caseId: 'case_00000000000000000000000001',
    requester: REQUESTER.agencyId,
    owner: OWNER.agencyId,
    reasons: ['trauma'],
    priority: 'routine',
    status,
    acknowledgeBy: '2026-11-24T00:00:00.000Z',
    firstContactBy: '2026-11-30T00:00:00.000Z',
    createdAt: '2026-11-23T00:00:00.000Z',
    updatedAt: '2026-11-23T00:00:00.000Z',
    version: 3,
  };
  const moves: ReferralTransition[] = [];
  const notified: string[] = [];
  const work: string[] = [];
  const deps = {
    care: careConfig.parse(undefined),
    agencies: [REQUESTER, OWNER, OTHER].map((a) => ({ id: a.agencyId, type: a.agencyType })),
    coordinatingAgencyType: 'civil_affairs',
    now: () => new Date('2026-11-23T08:00:00Z'),
    referrals: {
      caseOf: async () => head.caseId,
      get: async () => head,
      transitions: async () => moves,
      forCase: async () => [head],
      transition: async (next: Referral, move: ReferralTransition, expected: number) => {
        if (head.version !== expected) return false;
        head = next;
        moves.push(move);
        return true;
      },
    },
    keyRecipients: { status: async () => ({ status: 'never' }) },
    careTeams: { forCase: async () => [] },
    notifications: { notify: async (n: { recipient: string; kind: string }) => void notified.push(`${n.recipient}:${n.kind}`) },
    worklist: {
      add: async (i: { agencyId: string; kind: string }) => work.push(`add:${i.agencyId}:${i.kind}`) > 0,
      schedule: async (i: { agencyId: string; kind: string }) => work.push(`due:${i.agencyId}:${i.kind}`) > 0,
      close: async () => true,
      get: async () => undefined,
    },
  } as unknown as CareDeps;
  return { deps, notified, work, head: () => head };
}

const bodyFor = (to: ReferralStatus) => ({
  to,
  ...((to === 'rejected' || to === 'failed') && { reason: 'other' as const }),
  ...(to === 'completed' && { outcome: 'discharged' as const }),
});

describe('referral state machine', () => {
  const cases = REFERRAL_STATUSES.flatMap((from) =>
    REFERRAL_STATUSES.flatMap((to) => (['requester', 'owner'] as Party[]).map((by) => [from, to, by] as const)),
  );

  it.each(cases)('%s -> %s by the %s', async (from, to, by) => {
    const { deps, notified, head } = fakeDeps(from);
    const reader = by === 'requester' ? REQUESTER : OWNER;
    const legal = findMove(from, to, by);
    const run = moveReferral(deps, reader, 'ref_00000000000000000000000001', bodyFor(to));
    if (legal) {
      const view = await run;
      expect(view.status).toBe(to);
      expect(head()).toMatchObject({ status: to, version: 4 });
      const other = by === 'requester' ? OWNER.agencyId : REQUESTER.agencyId;
      expect(notified).toEqual([`${other}:referral_updated`]);
    } else {
      const error = await run.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(HubError);
      expect((error as HubError).code).toBe('STATE_CONFLICT');
      const allowed = allowedMoves(from, by).map((m) => m.to);
      expect((error as HubError).message).toContain(allowed.join(', ') || 'nothing');
      expect(head()).toMatchObject({ status: from, version: 3 });
      expect(notified).toEqual([]);
    }
  });

  it('a third agency does not see the referral at all', async () => {
    const { deps } = fakeDeps('requested');
    const error = await moveReferral(deps, OTHER, 'ref_00000000000000000000000001', { to: 'received' }).catch((e: unknown) => e);
    expect((error as HubError).code).toBe('NOT_FOUND');
  });

  it('final statuses allow nothing; every non-final status allows someone something', () => {
    for (const s of REFERRAL_STATUSES) {
      const any = MOVES.some((m) => m.from === s);
      expect(any).toBe(!FINAL.includes(s));
    }
  });

  it('a rejection or a failure puts "re-refer or close" on the requester’s worklist; a discharge asks the coordinator for a paired carer', async () => {
    for (const [from, to] of [
      ['received', 'rejected'],
      ['in-progress', 'failed'],
    ] as const) {
      const { deps, work } = fakeDeps(from);
      await moveReferral(deps, OWNER, 'ref_00000000000000000000000001', bodyFor(to));
      expect(work).toContain(`add:${REQUESTER.agencyId}:re_refer_or_close`);
    }
    const discharged = fakeDeps('in-progress');
    (discharged.deps.agencies as { id: string; type: string }[]).push({ id: 'xz-civil-affairs', type: 'civil_affairs' });
    await moveReferral(discharged.deps, OWNER, 'ref_00000000000000000000000001', { to: 'completed', outcome: 'discharged' });
    expect(discharged.work).toContain('due:xz-civil-affairs:assign_paired_carer');
    expect(discharged.work).toContain('add:xz-civil-affairs:key_recipient_proposal');
  });
});
