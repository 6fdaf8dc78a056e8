/**
 * Stage 1, normalise: a chunk of rows as agencies sent them -> normalised
 * records, encoded (record-codec.ts) for the stages that run elsewhere.
 * Pure: the same rows give the same records whatever the chunking.
 */
import { type MatchInput, type MatchRecord, toMatchRecord } from '../match-record';
import { encodeRecord, packRecords, type RecordTable } from './record-codec';

export function normaliseChunk(rows: readonly MatchInput[]): MatchRecord[] {
  return rows.map(toMatchRecord);
}

/** Records packed into a table (what a normalise worker hands on). */
export function packChunk(records: readonly MatchRecord[], shared = false): RecordTable {
  return packRecords(
    (function* () {
      for (const r of records) yield encodeRecord(r);
    })(),
    shared,
  );
}
