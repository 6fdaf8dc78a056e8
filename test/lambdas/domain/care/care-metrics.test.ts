/** The care metrics' pure rules: small-cell suppression, the median, a discharge's paired-carer outcome, the county check. */
import { describe, expect, it } from 'vitest';
import { type CareFigures, carerOutcome, cell, checkCounty, median, publish } from '../../../../lambdas/domain/care/care-metrics';
import type { WorkItem } from '../../../../schemas/entities/care';
import { careMetricsResponse } from '../../../../schemas/care-metrics';
import { ValidationError } from '../../../../lambdas/shared/errors';

const figures = (over: Partial<CareFigures> = {}): CareFigures => ({
  at: '2026-12-01T00:00:00.000Z',
  keyRecipientsByRiskLevel: { low: 0, medium: 0, high: 0, crisis: 0, unassessed: 0 },
  referralsByStatus: { requested: 0 },
  firstContactDays: [],
  pairedCarer: { withinDays: 7, inTime: 0, late: 0, pending: 0 },
  overdueByKind: {},
  ...over,
});

describe('small-cell suppression', () => {
  it('shows 0 and 5 or more as they are, 1 to 4 as "<5"', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 25_000].map(cell)).toEqual([0, '<5', '<5', '<5', '<5', 5, 6, 25_000]);
  });

  it('suppresses totals made of small cells too, and shows a total of 5 or more made of them', () => {
    const view = publish('540000', figures({ keyRecipientsByRiskLevel: { low: 2, medium: 2, high: 0, crisis: 1, unassessed: 0 } }));
    expect(view.keyRecipients).toEqual({ active: 5, byRiskLevel: { low: '<5', medium: '<5', high: 0, crisis: '<5', unassessed: 0 } });
    expect(publish('540000', figures({ keyRecipientsByRiskLevel: { low: 3 } })).keyRecipients.active).toBe('<5');
  });

  it('shows the median only over 5 or more started referrals', () => {
    expect(publish('540000', figures({ firstContactDays: [1, 2, 3, 4] })).firstContact).toEqual({ started: '<5', medianDays: null });
    expect(publish('540000', figures({ firstContactDays: [0.25, 1, 2, 3, 40] })).firstContact).toEqual({ started: 5, medianDays: 2 });
    expect(publish('540000', figures({ firstContactDays: [1, 1.04, 2, 3, 4, 9] })).firstContact.medianDays).toBe(2.5);
  });

  it('shows the share only when neither part (in time, late) is a small cell', () => {
    const share = (inTime: number, late: number, pending = 0) =>
      publish('540000', figures({ pairedCarer: { withinDays: 7, inTime, late, pending } })).pairedCarer;
    expect(share(5, 5)).toMatchObject({ discharged: 10, inTime: 5, late: 5, share: 50 });
    expect(share(10, 0).share).toBe(100);
    expect(share(0, 7).share).toBe(0);
    expect(share(9, 1).share).toBeNull(); // 90% of 10 names the one late child's group of one
    expect(share(1, 9).share).toBeNull();
    expect(share(2, 2).share).toBeNull();
    expect(share(6, 7, 3)).toMatchObject({ discharged: 16, pending: '<5', share: 46.2 });
  });

  it('publishes what the response schema describes', () => {
    const view = publish('540000', figures({ county: '540102', firstContactDays: [1, 2, 3, 4, 5], overdueByKind: { assign_paired_carer: 3 } }));
    expect(careMetricsResponse.safeParse(view).success).toBe(true);
    expect(view.county).toBe('540102');
  });
});

describe('median', () => {
  it('is the middle value, or the mean of the middle two', () => {
    expect(median([])).toBeUndefined();
    expect(median([7])).toBe(7);
    expect(median([1, 2, 10])).toBe(2);
    expect(median([1, 2, 3, 10])).toBe(2.5);
  });
});

describe('a discharge and its paired carer', () => {
  const DAY = 86_400_000;
  const at = Date.parse('2026-11-01T00:00:00.000Z');
  const item = (over: Partial<WorkItem>): WorkItem => ({
    workItemId: 'wrk_X',
    agencyId: 'xz-civil-affairs',
    kind: 'assign_paired_carer',
    caseId: 'case_X',
    subjectId: 'case_X',
    createdAt: new Date(at).toISOString(),
    basis: new Date(at).toISOString(),
    status: 'open',
    ...over,
  });
  it.each([
    ['a carer on day 7 exactly', { status: 'done', closedAt: new Date(at + 7 * DAY).toISOString() }, 10, 'inTime'],
    ['a carer a moment after day 7', { status: 'done', closedAt: new Date(at + 7 * DAY + 1).toISOString() }, 10, 'late'],
    ['a carer at the discharge', { status: 'done', closedAt: new Date(at).toISOString() }, 0, 'inTime'],
    ['none, and 7 days have passed', {}, 7.001, 'late'],
    ['none, within 7 days', {}, 6.9, 'pending'],
  ] as const)('%s', (_name, over, nowDays, outcome) => {
    expect(carerOutcome(item(over as Partial<WorkItem>), 7, new Date(at + nowDays * DAY))).toBe(outcome);
  });
});

describe('the county', () => {
  it('must lie inside the province', () => {
    expect(() => checkCounty('540000', '540102')).not.toThrow();
    expect(() => checkCounty('540000', undefined)).not.toThrow();
    expect(() => checkCounty('540000', '310107')).toThrow(ValidationError);
  });
});
