/**
 * The list merge engine as it was before it was split into stages (commit e594337,
 * lambdas/domain/matching/merge.ts), kept verbatim but for import paths and this
 * comment, so that tests can check the staged drivers give exactly its cases,
 * decisions, weights and review pairs. Test support only.
 */
import { createHash } from 'node:crypto';
import { blockingKeys } from '../../../../lambdas/domain/matching/blocking';
import { compareRecords, decodePattern, encodePattern, type Veto } from '../../../../lambdas/domain/matching/compare';
import { estimateEm, estimateU } from '../../../../lambdas/domain/matching/estimate';
import type { MatchRecord } from '../../../../lambdas/domain/matching/match-record';
import {
  clustersCompatible,
  ID_PRIORITY,
  idAgreementUncontradicted,
  isAmbiguous,
  type LinkPolicyOptions,
  pairVerdict,
  type ReviewReason,
} from '../../../../lambdas/domain/matching/link-policy';
import { initialModel, type MatchModel } from '../../../../lambdas/domain/matching/model';
import { countNameFrequencies, Scorer, type Decision } from '../../../../lambdas/domain/matching/scorer';

export interface MergeOptions {
  model?: MatchModel;
  /** Estimate m/u with EM from these records (default true). */
  estimate?: boolean;
  /** Blocks larger than this are skipped (other keys still apply). Default 60. */
  maxBlockSize?: number;
  /** A competing candidate within this many bits makes a link ambiguous. Default 4. */
  margin?: number;
  /** Largest case the engine builds automatically. Default 12. */
  maxClusterSize?: number;
  onProgress?: (phase: string, done: number, total: number) => void;
  /** Seed for the random pairs that estimate u. */
  seed?: number;
}

/** Comparisons of up to 500,000 random record pairs (deterministic for a seed). */
function* randomPairs(records: readonly MatchRecord[], seed: number): Generator<number[]> {
  const n = records.length;
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
  const count = Math.min(500_000, (n * (n - 1)) / 2);
  for (let k = 0; k < count; k++) {
    const a = Math.floor(next() * n);
    let b = Math.floor(next() * (n - 1));
    if (b >= a) b++;
    yield compareRecords(records[a]!, records[b]!);
  }
}

export interface ReviewPair {
  readonly a: number;
  readonly b: number;
  readonly weight: number;
  readonly reason: ReviewReason;
}

export interface MergeResult {
  /** Case index per record (index of its cluster's first record). */
  readonly cluster: Int32Array;
  readonly caseIds: string[];
  readonly decisions: Decision[];
  /** Best link weight per record (NaN when it had no candidate). */
  readonly bestWeight: Float32Array;
  readonly reviews: ReviewPair[];
  readonly model: MatchModel;
  readonly scorer: Scorer;
  readonly stats: { records: number; candidatePairs: number; skippedBlocks: number };
  /** Candidate pairs, sorted, encoded i * n + j (i < j): for measuring blocking recall. */
  readonly candidates: Float64Array;
}

/** Sorted unique candidate pairs, encoded as i * n + j with i < j. */
function candidatePairs(records: readonly MatchRecord[], maxBlock: number, progress: MergeOptions['onProgress']) {
  const n = records.length;
  let pairs = new Float64Array(1 << 20);
  let count = 0;
  let skipped = 0;
  const push = (code: number) => {
    if (count === pairs.length) {
      const bigger = new Float64Array(pairs.length * 2);
      bigger.set(pairs);
      pairs = bigger;
    }
    pairs[count++] = code;
  };
  const keysOf = records.map(blockingKeys);
  const kinds = new Set(keysOf.flatMap((ks) => ks.map((k) => k.slice(0, k.indexOf(':')))));
  let kindDone = 0;
  for (const kind of kinds) {
    const blocks = new Map<string, number | number[]>();
    const prefix = `${kind}:`;
    for (let i = 0; i < n; i++) {
      for (const key of keysOf[i]!) {
        if (!key.startsWith(prefix)) continue;
        const seen = blocks.get(key);
        if (seen === undefined) blocks.set(key, i);
        else if (typeof seen === 'number') blocks.set(key, [seen, i]);
        else seen.push(i);
      }
    }
    for (const members of blocks.values()) {
      if (typeof members === 'number') continue;
      if (members.length > maxBlock) {
        skipped++;
        continue;
      }
      for (let x = 0; x < members.length; x++) for (let y = x + 1; y < members.length; y++) push(members[x]! * n + members[y]!);
    }
    progress?.('block', ++kindDone, kinds.size);
  }
  const sorted = pairs.subarray(0, count).sort();
  let unique = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[unique++] = sorted[i]!;
  return { pairs: sorted.slice(0, unique), skipped };
}

/** Below this many records, name frequencies are noise (a name seen twice in five records is not common). */
export const MIN_RECORDS_FOR_FREQUENCIES = 1000;

/** Vetoes as small codes (index + 1) in a typed array. */
const VETOES: readonly Veto[] = ['ID_CONFLICT', 'NAME_CONFLICT', 'BIRTHDATE_CONFLICT', 'SEX_CONFLICT', 'NAME_DOUBT', 'WEAK_EVIDENCE'];
const VETO_CODES = Object.fromEntries(VETOES.map((v, i) => [v, i + 1])) as Record<Veto, number>;

/** One review per pair of final cases: the best-scoring pair between them. */
function dedupeReviews(reviews: readonly ReviewPair[], find: (x: number) => number): ReviewPair[] {
  const best = new Map<string, ReviewPair>();
  for (const r of reviews) {
    const ra = find(r.a);
    const rb = find(r.b);
    if (ra === rb) continue;
    const key = ra < rb ? `${ra}|${rb}` : `${rb}|${ra}`;
    const seen = best.get(key);
    if (!seen || r.weight > seen.weight) best.set(key, r);
  }
  return [...best.values()];
}

export function mergeRecords(records: readonly MatchRecord[], options: MergeOptions = {}): MergeResult {
  const n = records.length;
  const maxBlock = options.maxBlockSize ?? 60;
  const margin = options.margin ?? 4;
  const maxCluster = options.maxClusterSize ?? 12;
  const progress = options.onProgress;

  const { pairs, skipped } = candidatePairs(records, maxBlock, progress);
  const m = pairs.length;
  const left = new Int32Array(m);
  const right = new Int32Array(m);
  const patterns = new Uint32Array(m);
  const counts = new Map<number, number>();
  for (let p = 0; p < m; p++) {
    const code = pairs[p]!;
    const a = Math.floor(code / n);
    const b = code - a * n;
    left[p] = a;
    right[p] = b;
    const pattern = encodePattern(compareRecords(records[a]!, records[b]!));
    patterns[p] = pattern;
    counts.set(pattern, (counts.get(pattern) ?? 0) + 1);
    if ((p & 0xfffff) === 0) progress?.('compare', p, m);
  }
  progress?.('compare', m, m);

  const start = options.model ?? initialModel();
  const model = options.estimate === false ? start : estimateEm(counts, estimateU(start, randomPairs(records, options.seed ?? 1)), 30, true);
  progress?.('estimate', 1, 1);
  // Name frequencies mean something only over enough records (the hub uses the same floor).
  const scorer = new Scorer(model, records.length >= MIN_RECORDS_FOR_FREQUENCIES ? countNameFrequencies(records) : undefined);
  const { lower } = model.thresholds;

  const weight = new Float32Array(m);
  const veto = new Uint8Array(m);
  // Pairs with the same valid ID number and nothing contradicting it: linked first, never reviewed.
  const byId = new Uint8Array(m);
  const bestWeight = new Float32Array(n).fill(Number.NaN);
  const decoded = new Map<number, number[]>();
  for (let p = 0; p < m; p++) {
    let lv = decoded.get(patterns[p]!);
    if (!lv) {
      lv = decodePattern(patterns[p]!);
      decoded.set(patterns[p]!, lv);
    }
    const s = scorer.scoreLevels(lv, records[left[p]!]!, records[right[p]!]!);
    weight[p] = s.weight;
    veto[p] = s.veto ? VETO_CODES[s.veto] : 0;
    byId[p] = idAgreementUncontradicted(lv) ? 1 : 0;
    for (const r of [left[p]!, right[p]!]) if (!(bestWeight[r]! >= s.weight)) bestWeight[r] = s.weight;
  }

  // Unvetoed candidates at or above the lower threshold, per record (competitors in the ambiguity check).
  const adjacency: { other: number; w: number }[][] = Array.from({ length: n }, () => []);
  for (let p = 0; p < m; p++) {
    if (weight[p]! < lower || veto[p]) continue;
    adjacency[left[p]!]!.push({ other: right[p]!, w: weight[p]! });
    adjacency[right[p]!]!.push({ other: left[p]!, w: weight[p]! });
  }

  // Union-find with member lists.
  const parent = new Int32Array(n).map((_, i) => i);
  const members: number[][] = Array.from({ length: n }, (_, i) => [i]);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  const policy: LinkPolicyOptions = { margin, maxClusterSize: maxCluster };
  const view = (i: number) => records[i]!;
  const compatible = (ra: number, rb: number): boolean => clustersCompatible(members[ra]!, members[rb]!, view, scorer, policy);

  // Descending weight, as one typed sort: key = quantised (200 - weight) * 2^27 + pair index.
  const SHIFT = 134_217_728;
  if (m >= SHIFT) throw new RangeError(`too many candidate pairs (${m}); lower maxBlockSize`);
  const considered = (p: number) => weight[p]! >= lower || byId[p] === 1;
  let above = 0;
  for (let p = 0; p < m; p++) if (considered(p)) above++;
  const keys = new Float64Array(above);
  for (let p = 0, k = 0; p < m; p++) {
    // Uncontradicted ID pairs sort before all others (ID_PRIORITY); weights are clamped to +-199 bits.
    if (considered(p)) keys[k++] = ((byId[p] ? 0 : ID_PRIORITY * 400) + Math.round((200 - Math.max(-199, Math.min(199, weight[p]!))) * 1000)) * SHIFT + p;
  }
  keys.sort();
  const order = Int32Array.from(keys, (key) => key % SHIFT);
  const reviews: ReviewPair[] = [];
  let done = 0;
  for (const p of order) {
    if ((++done & 0xffff) === 0) progress?.('link', done, order.length);
    const a = left[p]!;
    const b = right[p]!;
    const w = weight[p]!;
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) continue;
    const verdict = byId[p] ? { kind: 'link' as const } : pairVerdict(veto[p] ? { weight: w, veto: VETOES[veto[p]! - 1]! } : { weight: w }, model.thresholds);
    if (verdict.kind === 'none') continue;
    if (verdict.kind === 'review') {
      reviews.push({ a, b, weight: w, reason: verdict.reason });
      continue;
    }
    if (!compatible(ra, rb)) {
      reviews.push({ a, b, weight: w, reason: 'CONFLICT' });
      continue;
    }
    // A competitor of either side, almost as good, that cannot be one child with the other side.
    const ambiguous =
      !byId[p] &&
      (
        [
          [a, rb],
          [b, ra],
        ] as const
      ).some(([x, ry]) =>
        isAmbiguous(
          w,
          adjacency[x]!,
          (c) => c.w,
          (c) => {
            const rc = find(c.other);
            return rc === ra || rc === rb || compatible(rc, ry);
          },
          policy,
        ),
      );
    if (ambiguous) {
      reviews.push({ a, b, weight: w, reason: 'AMBIGUOUS' });
      continue;
    }
    const [big, small] = members[ra]!.length >= members[rb]!.length ? [ra, rb] : [rb, ra];
    parent[small] = big;
    members[big]!.push(...members[small]!);
    members[small] = [];
  }
  progress?.('link', order.length, order.length);

  const cluster = new Int32Array(n);
  const firstOf = new Map<number, number>();
  const decisions: Decision[] = new Array(n);
  const inReview = new Uint8Array(n);
  const openReviews = dedupeReviews(reviews, find);
  for (const r of openReviews) inReview[r.a] = inReview[r.b] = 1;
  const caseIds: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const root = find(i);
    const first = firstOf.get(root);
    if (first === undefined) {
      firstOf.set(root, i);
      cluster[i] = i;
      caseIds[i] = caseIdFor(records[i]!);
      decisions[i] = inReview[i] ? 'review' : 'new';
    } else {
      cluster[i] = first;
      caseIds[i] = caseIds[first]!;
      decisions[i] = 'auto';
    }
  }
  return {
    cluster,
    caseIds,
    decisions,
    bestWeight,
    reviews: openReviews,
    model,
    scorer,
    stats: { records: n, candidatePairs: m, skippedBlocks: skipped },
    candidates: pairs,
  };
}

/** Deterministic case id for offline runs: derived from the first record's agency and externalId. */
export function caseIdFor(r: Pick<MatchRecord, 'agency' | 'externalId'>): string {
  const digest = createHash('sha256').update(`${r.agency}\u0000${r.externalId}`).digest('base64url').replace(/[-_]/g, '').toUpperCase();
  return `case_${digest.slice(0, 20)}`;
}
