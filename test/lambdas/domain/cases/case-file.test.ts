/** The child's file as a pure function of case histories: merges bring former cases in, a split that takes all their records takes them out. */
import { describe, expect, it } from 'vitest';
import type { CaseEvent, LedgerRow } from '../../../../schemas/entities/cases';
import { CaseFiles, foldFormers } from '../../../../lambdas/domain/cases/case-file';

const ev = (caseId: string, at: string, type: CaseEvent['type'], recordIds: string[], otherCaseId?: string): CaseEvent => ({
  caseId,
  at: `2025-01-0${at}T00:00:00.000Z`,
  type,
  recordIds,
  ...(otherCaseId && { otherCaseId }),
});
const row = (caseId: string, mergedInto?: string): LedgerRow => ({
  caseId,
  status: mergedInto ? 'merged' : 'open',
  ...(mergedInto && { mergedInto }),
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
  memberCount: 1,
  categories: [],
  agencyTypes: {},
  regions: [],
});

/** A: a1; B: b1; C: c1. A merged into B (day 2), B merged into C (day 3); then C splits off a1 into D (day 4). */
const histories: Record<string, CaseEvent[]> = {
  A: [ev('A', '1', 'created', ['a1']), ev('A', '2', 'merged_into', ['a1'], 'B')],
  B: [ev('B', '1', 'created', ['b1']), ev('B', '2', 'merged_in', ['a1'], 'A'), ev('B', '3', 'merged_into', ['b1', 'a1'], 'C')],
  C: [ev('C', '1', 'created', ['c1']), ev('C', '3', 'merged_in', ['b1', 'a1'], 'B'), ev('C', '4', 'split_off', ['a1'], 'D')],
  D: [ev('D', '4', 'split_from', ['a1'], 'C')],
};
const rows: Record<string, LedgerRow> = { A: row('A', 'B'), B: row('B', 'C'), C: row('C'), D: row('D') };
const files = () => new CaseFiles({ history: async (id) => histories[id] ?? [], ledgerRow: async (id) => rows[id] });

describe('foldFormers', () => {
  it('holds a merged case, and lets a split take it only with every record it brought', () => {
    const merged = [ev('X', '1', 'merged_in', ['f1', 'f2'], 'F')];
    expect([...foldFormers(merged).held.keys()]).toEqual(['F']);
    expect([...foldFormers([...merged, ev('X', '2', 'split_off', ['f1'], 'Y')]).held.keys()]).toEqual(['F']);
    const all = foldFormers([...merged, ev('X', '2', 'split_off', ['f1', 'f2', 'x1'], 'Y')]);
    expect([...all.held.keys()]).toEqual([]);
    expect(all.movedTo.get('F')).toEqual({ caseId: 'Y', records: ['f1', 'f2'] });
  });

  it('keeps a former case without records where it is', () => {
    expect([...foldFormers([ev('X', '1', 'merged_in', [], 'F'), ev('X', '2', 'split_off', ['x1'], 'Y')]).held.keys()]).toEqual(['F']);
  });
});

describe('CaseFiles', () => {
  it('nests files: C holds B, B holds A, until a split takes A (its one record) to D', async () => {
    const f = files();
    expect(await f.fileOf('C')).toEqual(['C', 'B']);
    expect(await f.fileOf('D')).toEqual(['D', 'A']);
    expect(await f.fileOf('B')).toEqual(['B', 'A']);
  });

  it('follows a merged case to the open case holding it now, through merges and splits', async () => {
    const f = files();
    expect(await f.currentOf('C')).toBe('C');
    expect(await f.currentOf('B')).toBe('C');
    expect(await f.currentOf('A')).toBe('D');
    expect(await f.currentOf('nope')).toBeUndefined();
  });

  it('reads a case split off and merged back without going round in circles', async () => {
    const back: Record<string, CaseEvent[]> = {
      P: [ev('P', '1', 'created', ['p1']), ev('P', '1', 'linked', ['q1']), ev('P', '2', 'split_off', ['q1'], 'Q'), ev('P', '3', 'merged_in', ['q1'], 'Q')],
      Q: [ev('Q', '2', 'split_from', ['q1'], 'P'), ev('Q', '3', 'merged_into', ['q1'], 'P')],
    };
    const f = new CaseFiles({ history: async (id) => back[id] ?? [], ledgerRow: async (id) => ({ P: row('P'), Q: row('Q', 'P') })[id] });
    expect(await f.fileOf('P')).toEqual(['P', 'Q']);
    expect(await f.currentOf('Q')).toBe('P');
  });
});
