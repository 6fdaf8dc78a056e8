/**
 * Stage 1 for one list (or one chunk of a list): its text -> the kept rows as
 * normalised match records, with each row's flags and values not understood,
 * and the refused rows with their reasons. The offline runner reads each input
 * file with this (scripts/offline/run-merge.ts) and the Step Functions
 * normalise stage each chunk object. Pure.
 */
import type { ListValueMaps } from '../../lists/list-values';
import { type ListFormat, type ParsedRow, readList } from '../../lists/parse-list';
import { type ListSummary, summariseList } from '../../lists/list-summary';
import { toMatchRecord, type MatchRecord } from '../match-record';

export interface BadRow {
  readonly agency: string;
  readonly row: number;
  readonly externalId?: string;
  readonly reason: string;
  readonly reasons: readonly string[];
}

export interface ChunkRead {
  readonly records: MatchRecord[];
  /** By index in `records`. */
  readonly flagged: Map<number, string[]>;
  readonly notUnderstood: Map<number, { field: string; value?: string }[]>;
  readonly badRows: BadRow[];
  readonly summary: ListSummary;
}

export const formatOf = (path: string): ListFormat => (/\.jsonl?$/i.test(path) ? 'jsonl' : 'csv');

export function readChunk(text: string, format: ListFormat, agency: string, values?: ListValueMaps): ChunkRead {
  const list = readList(text, format, values ? { values } : {});
  return { ...recordsOfRows(list.rows, agency), summary: summariseList(list) };
}

/** Rows as `readList` gives them (duplicates settled) -> what `readChunk` reads but the summary. */
export function recordsOfRows(rows: readonly ParsedRow[], agency: string): Omit<ChunkRead, 'summary'> {
  const records: MatchRecord[] = [];
  const flagged = new Map<number, string[]>();
  const notUnderstood = new Map<number, { field: string; value?: string }[]>();
  const badRows: BadRow[] = [];
  for (const row of rows) {
    if (!row.record) {
      badRows.push({
        agency,
        row: row.row,
        ...(row.externalId && { externalId: row.externalId }),
        reason: row.error?.reason ?? 'UNREADABLE',
        reasons: (row.error?.details ?? []).map((d) => `${d.path ?? ''}: ${d.message}`),
      });
      continue;
    }
    const r = row.record;
    if (row.flags.length > 0) flagged.set(records.length, [...row.flags]);
    if (row.notUnderstood.length > 0)
      notUnderstood.set(
        records.length,
        row.notUnderstood.map(({ field, value }) => ({ field, ...(value !== undefined && { value }) })),
      );
    records.push(
      toMatchRecord({
        agency,
        externalId: r.externalId,
        name: r.name,
        sex: r.sex,
        birthDate: r.birthDate,
        idNumber: r.idNumber ?? row.unverifiedIdNumber,
        householdRegion: r.householdRegion,
        currentRegion: r.currentRegion,
        guardianName: r.guardian?.name,
        guardianPhone: r.guardian?.phone,
        guardianRelation: r.guardian?.relation,
        school: r.school,
      }),
    );
  }
  return { records, flagged, notUnderstood, badRows };
}
