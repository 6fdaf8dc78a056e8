/**
 * Stage 2, blocking keys: for a chunk of records (global indices `first`,
 * `first + 1`, ...), every blocking key with its record index, sent to the
 * partition that owns the key (a hash of the key modulo the partition count).
 * All records sharing a key meet in one partition. Pure.
 */
import { blockingKeys } from '../blocking';
import type { MatchRecord } from '../match-record';

/**
 * Keys of one partition from one chunk: key k is the UTF-16 code units text[ends[k - 1] .. ends[k]), of record
 * records[k]. Code units in a typed array rather than one string, so that a batch moves between threads (and
 * into a stored frame) without a copy.
 */
export interface KeyBatch {
  readonly text: Uint16Array;
  readonly ends: Int32Array;
  readonly records: Int32Array;
}

/** FNV-1a (32 bits, unsigned) over the UTF-16 code units text[from .. to). */
export function fnv1a(text: string | Uint16Array, from = 0, to = text.length): number {
  let h = 0x811c9dc5;
  if (typeof text === 'string') for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  else for (let i = from; i < to; i++) h = Math.imul(h ^ text[i]!, 0x01000193);
  return h >>> 0;
}

/** The partition that owns a blocking key. */
export function partitionOf(key: string, partitions: number): number {
  return fnv1a(key) % partitions;
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
    const text = new Uint16Array(at);
    at = 0;
    for (const key of keys) for (let c = 0; c < key.length; c++) text[at++] = key.charCodeAt(c);
    return { text, ends, records: Int32Array.from(owners[p]!) };
  });
}
