/** The child's file as a pure function of case histories: merges bring former cases in, a split that takes all their records takes them out. */
import { describe, expect, it } from 'vitest';
import { ledgerRowOf } from '../../../support/care';
import type { CaseEvent, LedgerRow } from '../../../../schemas/entities/cases';
import { CaseFiles, forgetCaseFiles, foldFormers, MAX_HISTORY_READS, withCaseFileMemo } from '../../../../lambdas/domain/cases/case-file';

const ev = (caseId: string, at: string, type: CaseEvent['type'], recordIds: string[], otherCaseId?: string): CaseEvent => ({
  caseId,
  at: `2025-01-0${at}T00:00:00.000Z`,
  type,
  recordIds,
  ...(otherCaseId && { otherCaseId }),
});
const row = (caseId: string, mergedInto?: string) => ledgerRowOf(caseId, mergedInto);

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

/** A store that counts history reads. */
const counting = (hist: Record<string, CaseEvent[]>, ledger: Record<string, LedgerRow>) => {
  const store = {
    reads: 0,
    history: async (id: string) => {
      store.reads++;
      return hist[id] ?? [];
    },
    ledgerRow: async (id: string) => ledger[id],
  };
  return store;
};
const at = (n: number) => new Date(Date.UTC(2025, 0, 1) + n * 60_000).toISOString();
const evAt = (caseId: string, n: number, type: CaseEvent['type'], recordIds: string[], otherCaseId?: string): CaseEvent => ({
  caseId,
  at: at(n),
  type,
  recordIds,
  ...(otherCaseId && { otherCaseId }),
});

describe('CaseFiles cost', () => {
  it('reads each history once however often a case was split off and merged back', async () => {
    // Prepare: P splits q1 off into Q<i> and merges it back, 12 times (2^13 - 1 reads without a memo).
    const cycles = 12;
    const hist: Record<string, CaseEvent[]> = { P: [evAt('P', 0, 'created', ['p1']), evAt('P', 0, 'linked', ['q1'])] };
    const ledger: Record<string, LedgerRow> = { P: row('P') };
    for (let i = 1; i <= cycles; i++) {
      hist.P!.push(evAt('P', 2 * i, 'split_off', ['q1'], `Q${i}`), evAt('P', 2 * i + 1, 'merged_in', ['q1'], `Q${i}`));
      hist[`Q${i}`] = [evAt(`Q${i}`, 2 * i, 'split_from', ['q1'], 'P'), evAt(`Q${i}`, 2 * i + 1, 'merged_into', ['q1'], 'P')];
      ledger[`Q${i}`] = row(`Q${i}`, 'P');
    }
    const store = counting(hist, ledger);

    // Act
    const file = await new CaseFiles(store).fileOf('P');

    // Assess
    expect(new Set(file)).toEqual(new Set(['P', ...Array.from({ length: cycles }, (_, i) => `Q${i + 1}`)]));
    expect(store.reads).toBe(cycles + 1);
    store.reads = 0;
    expect(await new CaseFiles(store).currentOf('Q1')).toBe('P');
    expect(store.reads).toBeLessThanOrEqual(cycles + 1);
  });

  it('refuses a file whose computation would read more than MAX_HISTORY_READS histories', async () => {
    // Prepare: T merges X<i> and splits its record off into Y<i>, again and again (the file stays small, the history long).
    const hist: Record<string, CaseEvent[]> = { T: [evAt('T', 0, 'created', ['t1'])] };
    for (let i = 1; i <= MAX_HISTORY_READS + 1; i++) {
      hist.T!.push(evAt('T', 2 * i, 'merged_in', [`x${i}`], `X${i}`), evAt('T', 2 * i + 1, 'split_off', [`x${i}`], `Y${i}`));
      hist[`X${i}`] = [evAt(`X${i}`, 0, 'created', [`x${i}`]), evAt(`X${i}`, 2 * i, 'merged_into', [`x${i}`], 'T')];
    }
    const store = counting(hist, { T: row('T') });

    // Act / Assess
    await expect(new CaseFiles(store).fileOf('T')).rejects.toMatchObject({ name: 'ServiceUnavailableError' });
    expect(store.reads).toBe(MAX_HISTORY_READS);
  });

  it('computes a file once per request within withCaseFileMemo, and again after forgetCaseFiles', async () => {
    const store = counting(histories, rows);
    const f = new CaseFiles(store);
    await withCaseFileMemo(async () => {
      await Promise.all([f.fileOf('C'), f.fileOf('C'), f.fileOf('C')]);
      await f.fileOf('C');
      expect(store.reads).toBe(3);
      forgetCaseFiles();
      await f.fileOf('C');
      expect(store.reads).toBe(6);
    });
    // Outside a request nothing is kept.
    await f.fileOf('C');
    await f.fileOf('C');
    expect(store.reads).toBe(12);
  });
});
