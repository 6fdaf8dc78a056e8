import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bill, costTables, PRICES, WORKLOADS } from '../../scripts/cost-model';

describe('the cost model', () => {
  it('is what docs/cost.md says (rerun npm run cost and paste the tables after a change)', () => {
    expect(readFileSync('docs/cost.md', 'utf8')).toContain(costTables());
  });

  it('grows with the workload and with every price', () => {
    const [small, large] = WORKLOADS.map((w) => bill(w).reduce((s, l) => s + l.usd, 0)) as [number, number];
    expect(large).toBeGreaterThan(small);
    const dearer = Object.fromEntries(Object.entries(PRICES).map(([k, v]) => [k, v * 2])) as unknown as typeof PRICES;
    const doubled = bill(WORKLOADS[0]!, dearer).reduce((s, l) => s + l.usd, 0);
    expect(doubled).toBeCloseTo(small * 2, 6);
  });
});
