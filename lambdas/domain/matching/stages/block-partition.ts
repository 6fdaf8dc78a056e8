/**
 * Stage 3, one blocking partition: its keys' blocks -> the candidate pairs the
 * partition owns, each compared once (levels packed as a pattern), and the
 * count of every pattern for estimation. Pure.
 *
 * A pair of records sharing several keys is found in several blocks, maybe in
 * several partitions; it belongs to the shared key of the first kind (KIND_ORDER)
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

/** The kinds of key (the prefix before ':'), in the order that decides which shared key owns a pair. */
const KIND_ORDER = ['id', 'idh', 'nd', 'fd', 'ld', 'ns', 'ny', 'nm', 'nr', 'nc', 'rd', 'gp', 'gd', 'ng', 'gf', 'gl'];
const KIND_INDEX = new Map(KIND_ORDER.map((k, i) => [k, i]));
const kindOf = (key: string) => {
  const kind = KIND_INDEX.get(key.slice(0, key.indexOf(':')));
  if (kind === undefined) throw new Error(`blocking key of an unknown kind: ${key.slice(0, key.indexOf(':'))}`);
  return kind;
};

/** Every record's blocking keys by kind, computed once per record (and shared by the partitions one process runs). */
export class KeySlots {
  readonly #slots: (string | undefined)[][];
  constructor(
    readonly record: (i: number) => MatchRecord,
    n: number,
  ) {
    this.#slots = new Array(n);
  }
  of(i: number): (string | undefined)[] {
    let ks = this.#slots[i];
    if (!ks) {
      ks = new Array<string | undefined>(KIND_ORDER.length);
      for (const key of blockingKeys(this.record(i))) ks[kindOf(key)] = key;
      this.#slots[i] = ks;
    }
    return ks;
  }
}

/**
 * `skipped`: the skipped keys of every partition; `keys.record(i)`: record i of the n records.
 * A record has at most one key of each kind, so two records share at most one key per kind, and the
 * owner of a pair is its shared, unskipped key of the first kind in KIND_ORDER.
 */
export function partitionPairs(blocks: Blocks, skipped: ReadonlySet<string>, keys: KeySlots, n: number): PartitionPairs {
  const record = keys.record;
  const slotsOf = (i: number) => keys.of(i);
  // Whether `key` (of kind `kind`) owns the pair of records i and j.
  const owns = (kind: number, i: number, j: number) => {
    const si = slotsOf(i);
    const sj = slotsOf(j);
    for (let c = 0; c < kind; c++) {
      const s = si[c];
      if (s !== undefined && s === sj[c] && !skipped.has(s)) return false;
    }
    return true;
  };
  let codes = new Float64Array(1024);
  let count = 0;
  for (const [key, members] of blocks.kept) {
    const kind = kindOf(key);
    for (let x = 0; x < members.length; x++)
      for (let y = x + 1; y < members.length; y++) {
        const i = members[x]!;
        const j = members[y]!;
        if (!owns(kind, i, j)) continue;
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
