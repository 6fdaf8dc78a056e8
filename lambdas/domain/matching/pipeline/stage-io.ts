/**
 * Reading and writing the stage objects of a run: record tables, key batches
 * and scored pairs as frames (frame.ts), JSON for the small ones.
 */
import type { KeyBatch } from '../stages/blocking-keys';
import type { MatchRecord } from '../match-record';
import { RecordReader, type RecordTable } from '../stages/record-codec';
import type { ScoredPairs } from '../stages/score-partition';
import { arrayOf, decodeFrame, encodeFrame, type Frame } from './frame';
import type { MergeObjects } from './ports';
import { runKeys } from './run-keys';

const text = new TextDecoder();

export const getJson = async <T>(store: MergeObjects, key: string): Promise<T> => JSON.parse(text.decode(await store.get(key))) as T;
export const putJson = (store: MergeObjects, key: string, value: unknown) => store.put(key, JSON.stringify(value));
export const getFrame = async <M = unknown>(store: MergeObjects, key: string): Promise<Frame<M>> => decodeFrame<M>(await store.get(key));

/** What every stage of a run knows: the settings the run was planned with. */
export interface RunSettings {
  readonly runId: string;
  readonly partitions: number;
  readonly maxBlockSize: number;
  readonly margin: number;
  readonly maxClusterSize: number;
  readonly seed: number;
  readonly estimate: boolean;
}

/** Index of each chunk's first record among all records, and their number. */
export interface Offsets {
  readonly first: number[];
  readonly n: number;
}

export const settingsOf = (store: MergeObjects) => getJson<RunSettings>(store, runKeys.settings);
export const offsetsOf = (store: MergeObjects) => getJson<Offsets>(store, runKeys.offsets);

/** Records of several tables, by global index; each table with the global index of each of its records. */
export class SparseRecords {
  readonly #readers: RecordReader[] = [];
  readonly #where = new Map<number, number>();

  add(members: Int32Array, table: RecordTable): void {
    const t = this.#readers.push(new RecordReader(table)) - 1;
    members.forEach((g, k) => {
      this.#where.set(g, t * 2 ** 32 + k);
    });
  }

  at = (g: number): MatchRecord => {
    const w = this.#where.get(g);
    if (w === undefined) throw new RangeError(`record ${g} is not among this stage's records`);
    return this.#readers[Math.floor(w / 2 ** 32)]!.at(w % 2 ** 32);
  };
}

export const tableFrame = (meta: unknown, members: Int32Array, table: RecordTable) =>
  encodeFrame(meta, { members, bytes: table.bytes, offsets: table.offsets });

export const tableOf = (frame: Frame<unknown>): { members: Int32Array; table: RecordTable } => ({
  members: arrayOf(frame, 'members', Int32Array),
  table: { bytes: arrayOf(frame, 'bytes', Uint8Array), offsets: arrayOf(frame, 'offsets', Float64Array) },
});

export const keyBatchFrame = (batch: KeyBatch, members: Int32Array, table: RecordTable) =>
  encodeFrame({}, { text: batch.text, ends: batch.ends, records: batch.records, members, bytes: table.bytes, offsets: table.offsets });

/** A key batch as chunkKeys would have made it with the chunk's first global index. */
export function keyBatchOf(frame: Frame<unknown>, first: number): { batch: KeyBatch; members: Int32Array; table: RecordTable } {
  const local = arrayOf(frame, 'records', Int32Array);
  const members = arrayOf(frame, 'members', Int32Array);
  return {
    batch: { text: arrayOf(frame, 'text', Uint16Array), ends: arrayOf(frame, 'ends', Int32Array), records: local.map((i) => i + first) },
    members: members.map((i) => i + first),
    table: { bytes: arrayOf(frame, 'bytes', Uint8Array), offsets: arrayOf(frame, 'offsets', Float64Array) },
  };
}

export const scoredFrame = (meta: unknown, s: ScoredPairs, extra: Record<string, Int32Array | Float32Array> = {}) =>
  encodeFrame(meta, { codes: s.codes, weight: s.weight, veto: s.veto, byId: s.byId, ...extra });

export const scoredOf = (frame: Frame<unknown>): ScoredPairs => ({
  codes: arrayOf(frame, 'codes', Float64Array),
  weight: arrayOf(frame, 'weight', Float32Array),
  veto: arrayOf(frame, 'veto', Uint8Array),
  byId: arrayOf(frame, 'byId', Uint8Array),
});
