/**
 * Stage 3, one blocking partition: its keys' blocks -> the candidate pairs the
 * partition owns, each compared once (levels packed as a pattern), and the
 * count of every pattern for estimation. Pure.
 *
 * A pair of records sharing several keys is found in several blocks, maybe in
 * several partitions; it belongs to the smallest shared key (in string order)
 * whose block is not skipped for size, so every candidate pair is compared in
 * exactly one partition and the union over partitions is the engine's set.
 * Which blocks are too large is known only once every partition has counted
 * (`buildBlocks`), hence the two steps.
 */
import { blockingKeys } from '../blocking';
import { compareRecords, encodePattern } from '../compare';
import type { MatchRecord } from '../match-record';
import { type KeyBatch, keysOf } from './blocking-keys';

export interface Blocks {
  /** Blocks of 2 to maxBlock records, members in ascending record order. */
  readonly kept: [key: string, members: number[]][];
  /** Keys whose block is larger than maxBlock. */
  readonly skipped: string[];
}

/** The partition's blocks from its key batches (in chunk order). */
export function buildBlocks(batches: readonly KeyBatch[], maxBlock: number): Blocks {
  const blocks = new Map<string, number | number[]>();
  for (const batch of batches) {
    for (const [key, i] of keysOf(batch)) {
      const seen = blocks.get(key);
      if (seen === undefined) blocks.set(key, i);
      else if (typeof seen === 'number') blocks.set(key, [seen, i]);
      else seen.push(i);
    }
  }
  const kept: Blocks['kept'] = [];
  const skipped: string[] = [];
  for (const [key, members] of blocks) {
    if (typeof members === 'number') continue;
    if (members.length > maxBlock) skipped.push(key);
    else kept.push([key, members]);
  }
  return { kept, skipped };
}

/** The pairs one partition owns, sorted by code (i * n + j, i < j), with their comparison patterns. */
export interface PartitionPairs {
  readonly codes: Float64Array;
  readonly patterns: Uint32Array;
  /** pattern -> number of pairs. */
  readonly counts: Map<number, number>;
  /** pattern -> code of its first pair. */
  readonly firsts: Map<number, number>;
}

/** `skipped`: the skipped keys of every partition. `record(i)`: record i of the n records. */
export function partitionPairs(blocks: Blocks, skipped: ReadonlySet<string>, record: (i: number) => MatchRecord, n: number): PartitionPairs {
  const keyCache = new Map<number, string[]>();
  const keysOfRecord = (i: number) => {
    let ks = keyCache.get(i);
    if (!ks) {
      ks = blockingKeys(record(i));
      keyCache.set(i, ks);
    }
    return ks;
  };
  // Whether `key` is the smallest unskipped key records i and j share.
  const owns = (key: string, i: number, j: number) => {
    const kj = keysOfRecord(j);
    for (const s of keysOfRecord(i)) {
      if (s >= key || skipped.has(s)) continue;
      for (const t of kj) if (s === t) return false;
    }
    return true;
  };
  let codes = new Float64Array(1024);
  let count = 0;
  for (const [key, members] of blocks.kept) {
    for (let x = 0; x < members.length; x++)
      for (let y = x + 1; y < members.length; y++) {
        const i = members[x]!;
        const j = members[y]!;
        if (!owns(key, i, j)) continue;
        if (count === codes.length) {
          const bigger = new Float64Array(codes.length * 2);
          bigger.set(codes);
          codes = bigger;
        }
        codes[count++] = i * n + j;
      }
  }
  const sorted = codes.slice(0, count).sort();
  const patterns = new Uint32Array(count);
  const counts = new Map<number, number>();
  const firsts = new Map<number, number>();
  for (let p = 0; p < count; p++) {
    const code = sorted[p]!;
    const a = Math.floor(code / n);
    const pattern = encodePattern(compareRecords(record(a), record(code - a * n)));
    patterns[p] = pattern;
    const seen = counts.get(pattern);
    if (seen === undefined) firsts.set(pattern, code);
    counts.set(pattern, (seen ?? 0) + 1);
  }
  return { codes: sorted, patterns, counts, firsts };
}
