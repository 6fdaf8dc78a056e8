/** The overdue job's EMF lines: OverdueItems in all (dimension Province) and by kind (Province, Kind). */
import { describe, expect, it } from 'vitest';
import { emitOverdueMetrics } from '../../../lambdas/shared/metrics';

describe('OverdueItems metric', () => {
  it('writes one line in all and one per kind, only where metrics are on', () => {
    const run = { at: '2026-11-23T01:00:00.000Z', total: 3, byKind: { follow_up_contact_due: 2, care_plan_review_due: 1 } };
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
