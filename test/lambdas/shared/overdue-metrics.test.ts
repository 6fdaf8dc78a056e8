/** The overdue job's EMF documents (Powertools Metrics): OverdueItems in all (dimension Province) and by kind (Province, Kind). */
import { describe, expect, it } from 'vitest';
import { emitOverdueMetrics } from '../../../lambdas/shared/metrics';

describe('OverdueItems metric', () => {
  it('writes one line in all and one per kind, only where metrics are on', () => {
    const run = { at: new Date().toISOString(), total: 3, byKind: { follow_up_contact_due: 2, care_plan_review_due: 1 } };
    expect(emitOverdueMetrics('540000', run, false)).toEqual([]);
    const lines = emitOverdueMetrics('540000', run, true).map((l) => JSON.parse(l));
    expect(lines.map((l) => [l._aws.CloudWatchMetrics[0].Dimensions[0], l.Kind, l.OverdueItems])).toEqual([
      [['Province'], undefined, 3],
      [['Province', 'Kind'], 'follow_up_contact_due', 2],
      [['Province', 'Kind'], 'care_plan_review_due', 1],
    ]);
    expect(lines.every((l) => l.Province === '540000' && l._aws.CloudWatchMetrics[0].Namespace === 'Xinqiao')).toBe(true);
  });
});

describe('care metrics', () => {
  it('writes the province-wide figures as EMF lines, only where metrics are on', async () => {
    const { emitCareMetrics } = await import('../../../lambdas/shared/metrics');
    const f = {
      at: new Date().toISOString(),
      keyRecipientsByRiskLevel: { low: 1, high: 3, unassessed: 0 },
      referralsByStatus: { requested: 2, completed: 1 },
      firstContactMedianDays: 2.5,
      pairedCarer: { inTime: 3, late: 1, pending: 2 },
    };
    expect(emitCareMetrics('540000', f, false)).toEqual([]);
    const lines = emitCareMetrics('540000', f, true).map((l) => JSON.parse(l));
    const value = (name: string, dims: Record<string, string> = {}) =>
      lines.find(
        (l) =>
          l[name] !== undefined &&
          Object.entries(dims).every(([k, v]) => l[k] === v) &&
          l._aws.CloudWatchMetrics[0].Dimensions[0].length === 1 + Object.keys(dims).length,
      )?.[name];
    expect(value('KeyRecipientsActive')).toBe(4);
    expect(value('KeyRecipientsActive', { RiskLevel: 'high' })).toBe(3);
    expect(value('Referrals', { Status: 'requested' })).toBe(2);
    expect(value('ReferralFirstContactMedianDays')).toBe(2.5);
    expect(value('DischargedWithCarerShare')).toBe(75);
    expect([value('DischargedWithCarerInTime'), value('DischargedWithCarerLate'), value('DischargedCarerPending')]).toEqual([3, 1, 2]);
    expect(lines.every((l) => l.Province === '540000' && l._aws.CloudWatchMetrics[0].Namespace === 'Xinqiao' && l.County === undefined)).toBe(true);
    // Nothing to measure: no median, no share.
    const none = emitCareMetrics('540000', { ...f, firstContactMedianDays: undefined, pairedCarer: { inTime: 0, late: 0, pending: 0 } }, true).join();
    expect(none).not.toMatch(/ReferralFirstContactMedianDays"|DischargedWithCarerShare"/);
  });
});

describe('merge follow-up metrics', () => {
  it("writes the sweep's counts province-wide in one line, only where metrics are on", async () => {
    const { emitMergeFollowUpMetrics } = await import('../../../lambdas/shared/metrics');
    const run = { at: new Date().toISOString(), pending: 4, completed: 2, closed: 1, failed: 1 };
    expect(emitMergeFollowUpMetrics('540000', run, false)).toEqual([]);
    const lines = emitMergeFollowUpMetrics('540000', run, true).map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      Province: '540000',
      MergeFollowUpsPending: 4,
      MergeFollowUpsCompleted: 2,
      MergeFollowUpsClosed: 1,
      MergeFollowUpsFailed: 1,
    });
    expect(lines[0]._aws.CloudWatchMetrics[0].Dimensions).toEqual([['Province']]);
  });
});
