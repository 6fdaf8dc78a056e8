/** Groups of consecutive rows for bulk linking: at most GROUP_ROWS rows, claims (one per key, one filing per row and key) within one transaction. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GROUP_ROWS, groupRows, type PreparedRow } from '../../../../lambdas/domain/lists/bulk-rows';

const row = (n: number, keys: string[]) => ({ item: { row: n }, keys }) as unknown as PreparedRow;
const claimItems = (group: readonly PreparedRow[]) => new Set(group.flatMap((r) => r.keys)).size + group.reduce((sum, r) => sum + r.keys.length, 0);

describe('groupRows', () => {
  it('keeps rows in order, in groups of at most GROUP_ROWS', () => {
    // Prepare
    const rows = Array.from({ length: 10 }, (_, i) => row(i + 1, [`k${i}a`, `k${i}b`]));
    // Act
    const groups = groupRows(rows);
    // Assess
    expect(groups.map((g) => g.map((r) => r.item.row))).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10],
    ]);
  });

  it('starts a new group before the claims would exceed one transaction of 100 items', () => {
    const wide = (n: number) =>
      row(
        n,
        Array.from({ length: 20 }, (_, k) => `r${n}k${k}`),
      );
    const groups = groupRows([wide(1), wide(2), wide(3)]);
    expect(groups.map((g) => g.length)).toEqual([2, 1]);
    expect(groups.every((g) => claimItems(g) <= 100)).toBe(true);
  });

  it('counts a key shared by rows of a group once as a claim', () => {
    const shared = Array.from({ length: 4 }, (_, i) => row(i + 1, ['same', ...Array.from({ length: 11 }, (_, k) => `r${i}k${k}`)]));
    expect(groupRows(shared).map((g) => g.length)).toEqual([4]);
  });

  it('loses no row and keeps every group within its limits, whatever the keys', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'), { maxLength: 12 }), { maxLength: 40 }),
        (keys) => {
          const rows = keys.map((k, i) => row(i + 1, [...new Set(k)]));
          const groups = groupRows(rows);
          expect(groups.flat()).toEqual(rows);
          for (const g of groups) {
            expect(g.length).toBeGreaterThan(0);
            expect(g.length).toBeLessThanOrEqual(GROUP_ROWS);
            expect(claimItems(g)).toBeLessThanOrEqual(100);
          }
        },
      ),
    );
  });
});
