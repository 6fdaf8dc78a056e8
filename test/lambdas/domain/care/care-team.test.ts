/** The care-team rules: a membership's status by the date in China Standard Time, and which agencies it counts for. */
import { describe, expect, it } from 'vitest';
import type { CareTeamMember } from '../../../../schemas/entities/care';
import { chinaDate } from '../../../../lambdas/domain/care/care-deps';
import { careTeamAgencies, memberStatus } from '../../../../lambdas/domain/care/care-team';

const member = (over: Partial<CareTeamMember> = {}): CareTeamMember => ({
  memberId: 'ctm_1',
  caseId: 'case_1',
  role: 'paired_carer',
  agencyId: 'xz-womens-federation',
  staffId: 'WF-1',
  start: '2026-11-01',
  addedBy: 'xz-civil-affairs',
  addedAt: '2026-11-01T00:00:00.000Z',
  ...over,
});

describe('care-team rules', () => {
  it('dates are China Standard Time: 16:00 UTC is already the next day', () => {
    expect(chinaDate(new Date('2026-11-23T15:59:59Z'))).toBe('2026-11-23');
    expect(chinaDate(new Date('2026-11-23T16:00:00Z'))).toBe('2026-11-24');
  });

  it.each([
    [{}, '2026-11-01', 'active'],
    [{}, '2026-10-31', 'planned'],
    [{ end: '2026-11-30' }, '2026-11-30', 'active'],
    [{ end: '2026-11-30' }, '2026-12-01', 'ended'],
    [{ endedAt: '2026-11-05T00:00:00.000Z' }, '2026-11-02', 'ended'],
  ] as const)('%o on %s is %s', (over, today, status) => {
    expect(memberStatus(member(over), today)).toBe(status);
  });

  it('counts only agencies with an active member', () => {
    const now = new Date('2026-11-10T04:00:00Z');
    const agencies = careTeamAgencies(
      [
        member(),
        member({ memberId: 'ctm_2', agencyId: 'xz-education', start: '2026-12-01' }),
        member({ memberId: 'ctm_3', agencyId: 'xz-health', endedAt: '2026-11-09T00:00:00.000Z' }),
      ],
      now,
    );
    expect([...agencies]).toEqual(['xz-womens-federation']);
  });
});
