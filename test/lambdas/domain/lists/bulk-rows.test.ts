/** Groups of consecutive rows for bulk linking: at most GROUP_ROWS rows, the commit (one item per key, ROW_COMMIT_ITEMS a row, the tally) within one transaction. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GROUP_ROWS, groupRows, type PreparedRow, ROW_COMMIT_ITEMS } from '../../../../lambdas/domain/lists/bulk-rows';

const row = (n: number, keys: string[]) => ({ item: { row: n }, keys }) as unknown as PreparedRow;
const commitItems = (group: readonly PreparedRow[]) => new Set(group.flatMap((r) => r.keys)).size + ROW_COMMIT_ITEMS * group.length + 1;

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

  it('starts a new group before the commit would exceed one transaction of 100 items', () => {
    const wide = (n: number) =>
      row(
        n,
        Array.from({ length: 20 }, (_, k) => `r${n}k${k}`),
      );
    // 2 rows: 40 keys + 2 x 15 + 1 = 71; a third would make 106.
    const groups = groupRows([wide(1), wide(2), wide(3)]);
    expect(groups.map((g) => g.length)).toEqual([2, 1]);
    expect(groups.every((g) => commitItems(g) <= 100)).toBe(true);
  });

  it('counts a key shared by rows of a group once', () => {
    // 4 rows of 9 keys, one shared: 33 keys + 60 + 1 = 94, one group; unshared they would need 97 ... 101.
    const shared = Array.from({ length: 4 }, (_, i) => row(i + 1, ['same', ...Array.from({ length: 8 }, (_, k) => `r${i}k${k}`)]));
    expect(groupRows(shared).map((g) => g.length)).toEqual([4]);
    const apart = Array.from({ length: 4 }, (_, i) =>
      row(
        i + 1,
        Array.from({ length: 10 }, (_, k) => `r${i}k${k}`),
      ),
    );
    expect(groupRows(apart).map((g) => g.length)).toEqual([3, 1]);
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
            if (g.length > 1) expect(commitItems(g)).toBeLessThanOrEqual(100);
          }
        },
      ),
    );
  });
});
