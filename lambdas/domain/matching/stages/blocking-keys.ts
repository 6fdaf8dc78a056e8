/**
 * Stage 2, blocking keys: for a chunk of records (global indices `first`,
 * `first + 1`, ...), every blocking key with its record index, sent to the
 * partition that owns the key (a hash of the key modulo the partition count).
 * All records sharing a key meet in one partition. Pure.
 */
import { blockingKeys } from '../blocking';
import type { MatchRecord } from '../match-record';

/** Keys of one partition from one chunk: key k is text[ends[k - 1] .. ends[k]), of record records[k]. */
export interface KeyBatch {
  readonly text: string;
  readonly ends: Int32Array;
  readonly records: Int32Array;
}

/** FNV-1a over the UTF-16 code units: the partition that owns a blocking key. */
export function partitionOf(key: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % partitions;
}

export function chunkKeys(records: readonly MatchRecord[], first: number, partitions: number): KeyBatch[] {
  const texts: string[][] = Array.from({ length: partitions }, () => []);
  const owners: number[][] = Array.from({ length: partitions }, () => []);
  records.forEach((r, k) => {
    for (const key of blockingKeys(r)) {
      const p = partitionOf(key, partitions);
      texts[p]!.push(key);
      owners[p]!.push(first + k);
    }
  });
  return texts.map((keys, p) => {
    const ends = new Int32Array(keys.length);
    let at = 0;
    keys.forEach((key, k) => {
      at += key.length;
      ends[k] = at;
    });
    return { text: keys.join(''), ends, records: Int32Array.from(owners[p]!) };
  });
}

/** The keys of a batch, in order. */
export function* keysOf(batch: KeyBatch): Generator<[key: string, record: number]> {
  let start = 0;
  for (let k = 0; k < batch.ends.length; k++) {
    const end = batch.ends[k]!;
    yield [batch.text.slice(start, end), batch.records[k]!];
    start = end;
  }
}
