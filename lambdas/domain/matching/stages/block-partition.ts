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
import { comparePattern, PATTERN_COUNT } from '../compare';
import type { MatchRecord } from '../match-record';
import { fnv1a, type KeyBatch } from './blocking-keys';

/**
 * A partition's blocks. Kept blocks (2 to maxBlock records) as typed arrays, not a key string and an array
 * per block (a million-row province has millions of blocks per partition): block t's members, in ascending
 * record order, are members[starts[t] .. starts[t + 1]), and its key is of kind kinds[t] (KIND_ORDER).
 */
export interface Blocks {
  readonly starts: Int32Array;
  readonly members: Int32Array;
  readonly kinds: Uint8Array;
  /** Keys whose block is larger than maxBlock. */
  readonly skipped: string[];
}

/**
 * The partition's blocks from its key batches (in chunk order): blocks in the order of their key's first
 * occurrence, as a Map of keys would give them. Keys are grouped in an open-addressing table of typed arrays
 * (hash of the key's characters, then an exact comparison of the characters), so that millions of keys
 * neither become strings of their own nor entries of a Map: only keys of blocks of two or more are sliced out.
 */
export function buildBlocks(batches: readonly KeyBatch[], maxBlock: number): Blocks {
  const total = batches.reduce((s, b) => s + b.ends.length, 0);
  let size = 1024;
  while (size < total * 2) size *= 2;
  const table = new Int32Array(size).fill(-1); // slot -> group
  // Per group: a representative key (batch, start, end), its size, first and last member (a linked list in `next`).
  const groupBatch = new Int32Array(total);
  const groupStart = new Int32Array(total);
  const groupEnd = new Int32Array(total);
  const groupSize = new Int32Array(total);
  const groupHead = new Int32Array(total);
  const groupTail = new Int32Array(total);
  const memberOf = new Int32Array(total);
  const next = new Int32Array(total).fill(-1);
  let groups = 0;
  let k = 0;
  batches.forEach((batch, b) => {
    const text = batch.text;
    let start = 0;
    for (let e = 0; e < batch.ends.length; e++, k++) {
      const end = batch.ends[e]!;
      let slot = fnv1a(text, start, end) & (size - 1);
      let g: number;
      for (;;) {
        g = table[slot]!;
        if (g < 0) {
          g = groups++;
          table[slot] = g;
          groupBatch[g] = b;
          groupStart[g] = start;
          groupEnd[g] = end;
          groupHead[g] = k;
          break;
        }
        if (groupEnd[g]! - groupStart[g]! === end - start && sameText(batches[groupBatch[g]!]!.text, groupStart[g]!, text, start, end - start)) {
          next[groupTail[g]!] = k;
          break;
        }
        slot = (slot + 1) & (size - 1);
      }
      groupTail[g] = k;
      groupSize[g]!++;
      memberOf[k] = batch.records[e]!;
      start = end;
    }
  });
  const skipped: string[] = [];
  let count = 0;
  let kept = 0;
  for (let g = 0; g < groups; g++) {
    const m = groupSize[g]!;
    if (m < 2) continue;
    if (m > maxBlock) {
      skipped.push(String.fromCharCode(...batches[groupBatch[g]!]!.text.subarray(groupStart[g]!, groupEnd[g]!)));
      continue;
    }
    count++;
    kept += m;
  }
  const starts = new Int32Array(count + 1);
  const members = new Int32Array(kept);
  const kinds = new Uint8Array(count);
  for (let g = 0, t = 0, at = 0; g < groups; g++) {
    const m = groupSize[g]!;
    if (m < 2 || m > maxBlock) continue;
    const text = batches[groupBatch[g]!]!.text;
    const from = groupStart[g]!;
    let colon = from;
    while (text[colon] !== 0x3a) colon++;
    kinds[t] = kindOf(String.fromCharCode(...text.subarray(from, colon + 1)));
    for (let x = 0, k = groupHead[g]!; x < m; x++, k = next[k]!) members[at++] = memberOf[k]!;
    starts[++t] = at;
  }
  return { starts, members, kinds, skipped };
}

function sameText(a: Uint16Array, from: number, b: Uint16Array, at: number, length: number): boolean {
  for (let c = 0; c < length; c++) if (a[from + c] !== b[at + c]) return false;
  return true;
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

/** How many kinds of key there are (slots per record in `KeyIds`). */
export const KIND_COUNT = KIND_ORDER.length;

/** What `partitionPairs` asks to find which partition owns a pair. */
export interface PairOwners {
  readonly record: (i: number) => MatchRecord;
  /** Whether records i and j share a key of a kind before `kind` whose block is not skipped (`skipped`: every partition's skipped keys). */
  sharesEarlier(kind: number, i: number, j: number, skipped: ReadonlySet<string>): boolean;
}

/** Every record's blocking keys by kind, computed once per record (and shared by the partitions one process runs). */
export class KeySlots implements PairOwners {
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
  sharesEarlier(kind: number, i: number, j: number, skipped: ReadonlySet<string>): boolean {
    const si = this.of(i);
    const sj = this.of(j);
    for (let c = 0; c < kind; c++) {
      const s = si[c];
      if (s !== undefined && s === sj[c] && !skipped.has(s)) return true;
    }
    return false;
  }
}

/**
 * Every record's kept blocks by kind as integers: slot i * KIND_COUNT + kind holds the id of the kept block
 * (2 to maxBlock records) of record i's key of that kind, or -1 (no such key, a key no other record has, or a
 * skipped block). Each partition marks its own blocks (`markBlocks`); a record's key of one kind lives in one
 * partition, so partitions write disjoint slots and may share one buffer (a SharedArrayBuffer between worker
 * threads). Two records share an unskipped key of a kind exactly when their slots of that kind are equal and
 * not -1, so the owner check compares integers instead of recomputing and comparing every record's keys.
 */
export class KeyIds implements PairOwners {
  constructor(
    readonly record: (i: number) => MatchRecord,
    readonly ids: Int32Array,
  ) {}

  /** Slots for n records, all -1; `shared` puts them in a SharedArrayBuffer. */
  static slots(n: number, shared = false): Int32Array {
    const bytes = n * KIND_COUNT * Int32Array.BYTES_PER_ELEMENT;
    return new Int32Array(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes)).fill(-1);
  }

  /** Marks partition `partition`'s kept blocks (of `partitions`): block t gets id t * partitions + partition. */
  static markBlocks(ids: Int32Array, blocks: Blocks, partition: number, partitions: number): void {
    const { starts, members, kinds } = blocks;
    for (let t = 0; t < kinds.length; t++) {
      const kind = kinds[t]!;
      const id = t * partitions + partition;
      for (let x = starts[t]!; x < starts[t + 1]!; x++) ids[members[x]! * KIND_COUNT + kind] = id;
    }
  }

  sharesEarlier(kind: number, i: number, j: number): boolean {
    const ids = this.ids;
    const a = i * KIND_COUNT;
    const b = j * KIND_COUNT;
    for (let c = 0; c < kind; c++) {
      const v = ids[a + c]!;
      if (v >= 0 && v === ids[b + c]) return true;
    }
    return false;
  }
}

/**
 * `skipped`: the skipped keys of every partition (`KeyIds` already knows them); `keys.record(i)`: record i
 * of the n records. A record has at most one key of each kind, so two records share at most one key per
 * kind, and the owner of a pair is its shared, unskipped key of the first kind in KIND_ORDER.
 *
 * Each pair is compared as soon as its block finds it, while the block's few members are in the processor's
 * cache: compared afterwards in code order, every pair read a record scattered over a heap of a million of
 * them, and the comparison of a province's tens of millions of pairs waited on memory. The pattern is packed
 * with the code into one 64-bit word (code * 2^PATTERN_BITS + pattern), so that one native sort orders both.
 * Codes too large for that (more than ~11.8 million records) are compared after sorting instead; the pairs,
 * patterns and counts are the same either way.
 */
export function partitionPairs(blocks: Blocks, skipped: ReadonlySet<string>, keys: PairOwners, n: number): PartitionPairs {
  const record = keys.record;
  const found = new FoundPairs(n);
  const { starts, kinds } = blocks;
  if (keys instanceof KeyIds) {
    // The members' slots copied next to each other once per block: the m * (m - 1) / 2 owner checks then read
    // a few kilobytes instead of two rows scattered over the whole table each.
    const ids = keys.ids;
    let rows = new Int32Array(64 * KIND_COUNT);
    const at: MatchRecord[] = [];
    for (let t = 0; t < kinds.length; t++) {
      const kind = kinds[t]!;
      const members = blocks.members.subarray(starts[t]!, starts[t + 1]!);
      const m = members.length;
      if (rows.length < m * KIND_COUNT) rows = new Int32Array(m * KIND_COUNT);
      for (let x = 0; x < m; x++) rows.set(ids.subarray(members[x]! * KIND_COUNT, members[x]! * KIND_COUNT + kind), x * KIND_COUNT);
      if (found.packed) for (let x = 0; x < m; x++) at[x] = record(members[x]!);
      for (let x = 0; x < m; x++) {
        const i = members[x]!;
        const rx = x * KIND_COUNT;
        next: for (let y = x + 1; y < m; y++) {
          const ry = y * KIND_COUNT;
          for (let c = 0; c < kind; c++) {
            const v = rows[rx + c]!;
            if (v >= 0 && v === rows[ry + c]) continue next;
          }
          found.push(i, members[y]!, found.packed ? comparePattern(at[x]!, at[y]!) : 0);
        }
      }
    }
  } else {
    for (let t = 0; t < kinds.length; t++) {
      const kind = kinds[t]!;
      const members = blocks.members.subarray(starts[t]!, starts[t + 1]!);
      for (let x = 0; x < members.length; x++)
        for (let y = x + 1; y < members.length; y++) {
          const i = members[x]!;
          const j = members[y]!;
          if (kind > 0 && keys.sharesEarlier(kind, i, j, skipped)) continue;
          found.push(i, j, found.packed ? comparePattern(record(i), record(j)) : 0);
        }
    }
  }
  const { codes, patterns } = found.sorted(record);
  // Counts by pattern in a typed array; the maps are built at the end, in the order patterns were first seen.
  const seen = new Uint32Array(PATTERN_COUNT);
  const order: number[] = [];
  const firstCode: number[] = [];
  for (let p = 0; p < codes.length; p++) {
    const pattern = patterns[p]!;
    if (seen[pattern]! === 0) {
      order.push(pattern);
      firstCode.push(codes[p]!);
    }
    seen[pattern]!++;
  }
  const counts = new Map<number, number>();
  const firsts = new Map<number, number>();
  order.forEach((pattern, k) => {
    counts.set(pattern, seen[pattern]!);
    firsts.set(pattern, firstCode[k]!);
  });
  return { codes, patterns, counts, firsts };
}

/** Bits of a comparison pattern (PATTERN_COUNT patterns). */
const PATTERN_BITS = Math.ceil(Math.log2(PATTERN_COUNT));
const PATTERN_MASK = 2 ** PATTERN_BITS - 1;
const LOW_WORD_BITS = 32 - PATTERN_BITS;
/** Which of a 64-bit word's two 32-bit halves is the low one on this machine. */
const LO = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1 ? 0 : 1;
const HI = 1 - LO;

/**
 * A partition's pairs as they are found: each pair's code (i * n + j) with its pattern in one unsigned 64-bit
 * word, as two 32-bit halves, when every code fits in 64 - PATTERN_BITS bits (`packed`); otherwise the codes
 * alone, compared once sorted. Grown by doubling; sorted in place (a view of the grown buffer, not a second copy
 * of tens of millions of pairs), and the codes decoded into the same buffer.
 */
export class FoundPairs {
  #words = new Uint32Array(2048);
  /** The same buffer, as codes (the unpacked form). */
  #codes = new Float64Array(this.#words.buffer);
  #count = 0;
  /** `packed` is for tests: it is true exactly when every code of n records fits. */
  constructor(
    readonly n: number,
    readonly packed = n * n <= 2 ** (64 - PATTERN_BITS),
  ) {
    if (packed && n * n > 2 ** (64 - PATTERN_BITS)) throw new Error(`pairs of ${n} records do not fit 64-bit words with their patterns`);
  }

  push(i: number, j: number, pattern: number): void {
    if (this.#count === this.#codes.length) {
      const bigger = new Uint32Array(this.#words.length * 2);
      bigger.set(this.#words);
      this.#words = bigger;
      this.#codes = new Float64Array(bigger.buffer);
    }
    const code = i * this.n + j;
    if (this.packed) {
      const w = 2 * this.#count;
      const lo = code % 2 ** 32;
      this.#words[w + LO] = (lo << PATTERN_BITS) | pattern;
      this.#words[w + HI] = ((code - lo) / 2 ** 32) * 2 ** PATTERN_BITS + (lo >>> LOW_WORD_BITS);
    } else this.#codes[this.#count] = code;
    this.#count++;
  }

  /** The codes in ascending order, with their patterns (compared now when they were not packed). */
  sorted(record: (i: number) => MatchRecord): { codes: Float64Array; patterns: Uint32Array } {
    const count = this.#count;
    const words = this.#words;
    const codes = new Float64Array(words.buffer, 0, count);
    const patterns = new Uint32Array(count);
    if (!this.packed) {
      codes.sort();
      for (let p = 0; p < count; p++) {
        const a = Math.floor(codes[p]! / this.n);
        patterns[p] = comparePattern(record(a), record(codes[p]! - a * this.n));
      }
      return { codes, patterns };
    }
    new BigUint64Array(words.buffer, 0, count).sort();
    // Word p is read before code p is written over it: the same 8 bytes.
    for (let p = 0; p < count; p++) {
      const lo = words[2 * p + LO]!;
      const hi = words[2 * p + HI]!;
      patterns[p] = lo & PATTERN_MASK;
      codes[p] = hi * 2 ** LOW_WORD_BITS + (lo >>> PATTERN_BITS);
    }
    return { codes, patterns };
  }
}
