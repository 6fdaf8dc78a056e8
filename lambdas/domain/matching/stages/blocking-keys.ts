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
  // Each partition's keys written straight into growing typed arrays (no string kept per key), then cut to size.
  const perPartition = Math.ceil((records.length * 16) / partitions) + 16;
  const out = Array.from({ length: partitions }, () => ({
    text: new Uint16Array(perPartition * 24),
    ends: new Int32Array(perPartition),
    records: new Int32Array(perPartition),
    chars: 0,
    keys: 0,
  }));
  records.forEach((r, k) => {
    for (const key of blockingKeys(r)) {
      const b = out[partitionOf(key, partitions)]!;
      if (b.keys === b.ends.length) {
        b.ends = grown(b.ends, b.keys + 1);
        b.records = grown(b.records, b.keys + 1);
      }
      if (b.chars + key.length > b.text.length) b.text = grown(b.text, b.chars + key.length);
      for (let c = 0; c < key.length; c++) b.text[b.chars++] = key.charCodeAt(c);
      b.ends[b.keys] = b.chars;
      b.records[b.keys++] = first + k;
    }
  });
  return out.map((b) => ({ text: b.text.slice(0, b.chars), ends: b.ends.slice(0, b.keys), records: b.records.slice(0, b.keys) }));
}

/** A copy of `a` with room for at least `size` entries (twice as many). */
function grown<T extends Uint16Array | Int32Array>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(Math.max(size, 2 * a.length));
  b.set(a);
  return b;
}
