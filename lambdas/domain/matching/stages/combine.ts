/**
 * The global steps between the stages, shared by every driver (in one process,
 * on worker threads, in Step Functions): the union of the partitions' candidate
 * pairs and pattern counts, estimation, the connected components that linking is
 * split by, and the final cases. Pure.
 */
import { comparePattern, compareRecords, decodePattern } from '../compare';
import { estimateEm, estimateU } from '../estimate';
import type { MatchRecord } from '../match-record';
import { initialModel, type MatchModel } from '../model';
import { caseIdFor } from './case-id';
import type { Decision } from '../scorer';
import { type LinkedComponents, orderReviews, type RankedReview, type ReviewPair, SHIFT } from './link-components';
import type { ScoredPairs } from './score-partition';

const ascending = (codes: Float64Array) => {
  for (let k = 1; k < codes.length; k++) if (codes[k - 1]! > codes[k]!) return false;
  return true;
};

/** Two ascending runs merged into `out` (a merge pass instead of sorting the concatenation). */
function mergeTwo(x: Float64Array, y: Float64Array): Float64Array {
  const out = new Float64Array(x.length + y.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < x.length && j < y.length) out[k++] = x[i]! <= y[j]! ? x[i++]! : y[j++]!;
  while (i < x.length) out[k++] = x[i++]!;
  while (j < y.length) out[k++] = y[j++]!;
  return out;
}

/** All partitions' pairs, sorted by code (they are disjoint; each partition's already sorted are merged, not re-sorted). */
export function unionOfCodes(parts: readonly Float64Array[]): Float64Array {
  const m = parts.reduce((s, p) => s + p.length, 0);
  if (m >= SHIFT) throw new RangeError(`too many candidate pairs (${m}); lower maxBlockSize`);
  let runs = parts.map((p) => (ascending(p) ? p : p.slice().sort()));
  if (runs.length === 0) return new Float64Array(0);
  while (runs.length > 1) {
    const next: Float64Array[] = [];
    for (let r = 0; r < runs.length; r += 2) next.push(r + 1 < runs.length ? mergeTwo(runs[r]!, runs[r + 1]!) : runs[r]!);
    runs = next;
  }
  return runs[0] === parts[0] ? runs[0]!.slice() : runs[0]!;
}

export interface PatternCounts {
  /** pattern -> number of pairs. */
  readonly counts: Map<number, number>;
  /** pattern -> code of its first pair (estimation sums patterns in first-seen order). */
  readonly firsts: Map<number, number>;
}

/** The partitions' pattern counts, summed, in the order of each pattern's first pair over all partitions. */
export function sumCounts(parts: readonly PatternCounts[]): Map<number, number> {
  const total = new Map<number, { n: number; first: number }>();
  for (const { counts, firsts } of parts) {
    for (const [pattern, n] of counts) {
      const seen = total.get(pattern);
      const first = firsts.get(pattern)!;
      if (!seen) total.set(pattern, { n, first });
      else total.set(pattern, { n: seen.n + n, first: Math.min(seen.first, first) });
    }
  }
  return new Map([...total].sort((x, y) => x[1].first - y[1].first).map(([pattern, { n }]) => [pattern, n]));
}

/** Up to 500,000 random pairs of record indices among n (deterministic for a seed): the pairs that estimate u. */
export function* randomPairIndices(n: number, seed: number): Generator<[a: number, b: number]> {
  if (n < 2) return;
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
  const count = randomPairCount(n);
  for (let k = 0; k < count; k++) {
    const a = Math.floor(next() * n);
    let b = Math.floor(next() * (n - 1));
    if (b >= a) b++;
    yield [a, b];
  }
}

/** Comparisons of the random pairs (`records` may be sparse: only the pairs' records are read). */
function* randomPairs(records: readonly MatchRecord[], seed: number): Generator<number[]> {
  for (const [a, b] of randomPairIndices(records.length, seed)) yield compareRecords(records[a]!, records[b]!);
}

/**
 * The patterns of random pairs `from` to `to` (of `randomPairIndices(n, seed)`), compared by `record`: a share of
 * estimation's comparisons that a stage holding the records computes (`estimateModelFrom` takes them in order).
 */
export function randomPairPatterns(record: (i: number) => MatchRecord, n: number, seed: number, from: number, to: number): Uint32Array {
  const out = new Uint32Array(Math.max(0, to - from));
  let k = 0;
  for (const [a, b] of randomPairIndices(n, seed)) {
    if (k >= to) break;
    if (k >= from) out[k - from] = comparePattern(record(a), record(b));
    k++;
  }
  return out;
}

/** How many random pairs estimation compares among n records. */
export const randomPairCount = (n: number) => (n < 2 ? 0 : Math.min(500_000, (n * (n - 1)) / 2));

/** The model: given, or m by EM over the candidate patterns with u from random pairs. */
export function estimateModel(
  counts: ReadonlyMap<number, number>,
  records: readonly MatchRecord[],
  options: { model?: MatchModel; estimate?: boolean; seed?: number },
): MatchModel {
  return estimateModelFrom(counts, () => randomPairs(records, options.seed ?? 1), options);
}

/** `estimateModel` with the random pairs' levels from elsewhere (`randomLevels()`, in `randomPairIndices` order, read only when estimating). */
export function estimateModelFrom(
  counts: ReadonlyMap<number, number>,
  randomLevels: () => Iterable<readonly number[]>,
  options: { model?: MatchModel; estimate?: boolean },
): MatchModel {
  const start = options.model ?? initialModel();
  return options.estimate === false ? start : estimateEm(counts, estimateU(start, randomLevels()), 30, true);
}

/** Levels of packed patterns, in order (what `randomPairPatterns` computed elsewhere, for `estimateModelFrom`). */
export function* levelsOfPatterns(parts: readonly Uint32Array[]): Generator<number[]> {
  for (const part of parts) for (const pattern of part) yield decodePattern(pattern);
}

/** Splits the considered pairs into `partitions` groups of whole connected components. */
export function splitByComponent(parts: readonly ScoredPairs[], n: number, partitions: number): ScoredPairs[] {
  const parent = new Int32Array(n).map((_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  for (const part of parts)
    for (const code of part.codes) {
      const a = Math.floor(code / n);
      const ra = find(a);
      const rb = find(code - a * n);
      if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
    }
  const sizes = new Int32Array(partitions);
  const target = (code: number) => find(Math.floor(code / n)) % partitions;
  for (const part of parts) for (const code of part.codes) sizes[target(code)]!++;
  const out = Array.from(sizes, (s) => ({ codes: new Float64Array(s), weight: new Float32Array(s), veto: new Uint8Array(s), byId: new Uint8Array(s) }));
  const at = new Int32Array(partitions);
  for (const part of parts)
    part.codes.forEach((code, p) => {
      const t = target(code);
      const k = at[t]!++;
      const o = out[t]!;
      o.codes[k] = code;
      o.weight[k] = part.weight[p]!;
      o.veto[k] = part.veto[p]!;
      o.byId[k] = part.byId[p]!;
    });
  return out;
}

/** Best weight per record over all partitions (NaN without a candidate). */
export function bestWeights(parts: readonly { records: Int32Array; weight: Float32Array }[], n: number): Float32Array {
  const best = new Float32Array(n).fill(Number.NaN);
  for (const { records, weight } of parts)
    for (let k = 0; k < records.length; k++) {
      const r = records[k]!;
      if (!(best[r]! >= weight[k]!)) best[r] = weight[k]!;
    }
  return best;
}

export interface Cases {
  /** Case index per record (index of its cluster's first record). */
  readonly cluster: Int32Array;
  readonly caseIds: string[];
  readonly decisions: Decision[];
  readonly reviews: ReviewPair[];
}

/** What naming a run's records takes: how many, and each one's agency and externalId (a case is named after its first record). */
export interface RecordIds {
  readonly length: number;
  idAt(i: number): Pick<MatchRecord, 'agency' | 'externalId'>;
}

/** An array of records as `RecordIds`. */
export const idsOf = (records: readonly Pick<MatchRecord, 'agency' | 'externalId'>[]): RecordIds => ({ length: records.length, idAt: (i) => records[i]! });

/** The cases from the linked components: a record outside every component is a case of its own. */
export function assembleCases(records: RecordIds, linked: readonly LinkedComponents[]): Cases {
  const n = records.length;
  const cluster = new Int32Array(n).map((_, i) => i);
  const ranked: RankedReview[] = [];
  for (const part of linked) {
    part.records.forEach((r, l) => {
      cluster[r] = part.first[l]!;
    });
    ranked.push(...part.reviews);
  }
  const reviews = orderReviews(ranked);
  const inReview = new Uint8Array(n);
  for (const r of reviews) inReview[r.a] = inReview[r.b] = 1;
  const caseIds: string[] = new Array(n);
  const decisions: Decision[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const first = cluster[i]!;
    if (first === i) {
      caseIds[i] = caseIdFor(records.idAt(i));
      decisions[i] = inReview[i] ? 'review' : 'new';
    } else {
      caseIds[i] = caseIds[first]!;
      decisions[i] = 'auto';
    }
  }
  return { cluster, caseIds, decisions, reviews };
}
