/**
 * Stage 5, link the records of some connected components: greedy linking in
 * descending weight (uncontradicted valid-ID pairs first), each pair asking the
 * link policy (link-policy.ts) whether it may link, goes to review or does
 * nothing. Everything a decision looks at (both clusters, their members, the
 * competitors of either record) lies in the component of the pair's records
 * (the graph of considered pairs), so components are linked independently and
 * in any grouping, with the same result as one pass over all pairs. Pure.
 */
import { clustersCompatible, ID_PRIORITY, isAmbiguous, type LinkPolicyOptions, pairVerdict, type ReviewReason } from '../link-policy';
import type { MatchRecord } from '../match-record';
import type { Scorer } from '../scorer';
import { type ScoredPairs, VETOES } from './score-partition';

export interface ReviewPair {
  readonly a: number;
  readonly b: number;
  readonly weight: number;
  readonly reason: ReviewReason;
}

/** A review with the place of the first review between its two cases in the one-pass order: (rank, code). */
export interface RankedReview extends ReviewPair {
  readonly rank: number;
  readonly code: number;
}

export interface LinkedComponents {
  /** Records of the components, and for each the smallest record index of its case. */
  readonly records: Int32Array;
  readonly first: Int32Array;
  /** One review per pair of final cases: the best pair between them. */
  readonly reviews: RankedReview[];
}

/** Pair codes must stay below 2^27 per sort key; the engine refused larger inputs. */
export const SHIFT = 134_217_728;

/** The one-pass sort rank of a pair: ID-tied pairs first, then by weight (clamped to +-199 bits, in thousandths). */
export const rankOf = (weight: number, byId: number) => (byId ? 0 : ID_PRIORITY * 400) + Math.round((200 - Math.max(-199, Math.min(199, weight))) * 1000);

/** Index of `code` in sorted `codes`. */
function indexOf(codes: Float64Array, code: number): number {
  let lo = 0;
  let hi = codes.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (codes[mid]! < code) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function linkComponents(
  pairs: ScoredPairs,
  record: (i: number) => MatchRecord,
  n: number,
  scorer: Scorer,
  thresholds: { readonly upper: number; readonly lower: number },
  policy: LinkPolicyOptions,
): LinkedComponents {
  const m = pairs.codes.length;
  const { weight, veto, byId } = pairs;
  const { lower } = thresholds;
  // Local numbering of the records, in ascending global order.
  const left = new Int32Array(m);
  const right = new Int32Array(m);
  // local[g] = index of global record g among the records of these pairs (+1; 0 for none).
  const localPlusOne = new Int32Array(n);
  for (let p = 0; p < m; p++) {
    const a = Math.floor(pairs.codes[p]! / n);
    left[p] = a;
    right[p] = pairs.codes[p]! - a * n;
    localPlusOne[a] = 1;
    localPlusOne[right[p]!] = 1;
  }
  let count = 0;
  for (let g = 0; g < n; g++) if (localPlusOne[g]) count++;
  const ids = new Int32Array(count);
  for (let g = 0, l = 0; g < n; g++) {
    if (!localPlusOne[g]) continue;
    ids[l++] = g;
    localPlusOne[g] = l;
  }
  const local = { get: (g: number) => localPlusOne[g]! - 1 };
  const size = ids.length;
  const adjacency: { other: number; w: number }[][] = Array.from({ length: size }, () => []);
  // In code order, as the engine built them.
  const sortedCodes = pairs.codes.slice().sort();
  const byRank = new Int32Array(m);
  for (let p = 0; p < m; p++) byRank[indexOf(sortedCodes, pairs.codes[p]!)] = p;
  for (let r = 0; r < m; r++) {
    const p = byRank[r]!;
    if (weight[p]! < lower || veto[p]) continue;
    adjacency[local.get(left[p]!)!]!.push({ other: right[p]!, w: weight[p]! });
    adjacency[local.get(right[p]!)!]!.push({ other: left[p]!, w: weight[p]! });
  }

  const parent = new Int32Array(size).map((_, i) => i);
  const members: number[][] = Array.from({ length: size }, (_, i) => [ids[i]!]);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  const compatible = (ra: number, rb: number): boolean => clustersCompatible(members[ra]!, members[rb]!, record, scorer, policy);

  const keys = new Float64Array(m);
  for (let r = 0; r < m; r++) {
    const p = byRank[r]!;
    keys[r] = rankOf(weight[p]!, byId[p]!) * SHIFT + r;
  }
  keys.sort();
  const reviews: { a: number; b: number; weight: number; reason: ReviewReason; rank: number; code: number }[] = [];
  for (const key of keys) {
    const p = byRank[key % SHIFT]!;
    const a = left[p]!;
    const b = right[p]!;
    const w = weight[p]!;
    const ra = find(local.get(a)!);
    const rb = find(local.get(b)!);
    if (ra === rb) continue;
    const review = (reason: ReviewReason) => reviews.push({ a, b, weight: w, reason, rank: rankOf(w, byId[p]!), code: pairs.codes[p]! });
    const verdict = byId[p] ? { kind: 'link' as const } : pairVerdict(veto[p] ? { weight: w, veto: VETOES[veto[p]! - 1]! } : { weight: w }, thresholds);
    if (verdict.kind === 'none') continue;
    if (verdict.kind === 'review') {
      review(verdict.reason);
      continue;
    }
    if (!compatible(ra, rb)) {
      review('CONFLICT');
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
          adjacency[local.get(x)!]!,
          (c) => c.w,
          (c) => {
            const rc = find(local.get(c.other)!);
            return rc === ra || rc === rb || compatible(rc, ry);
          },
          policy,
        ),
      );
    if (ambiguous) {
      review('AMBIGUOUS');
      continue;
    }
    const [big, small] = members[ra]!.length >= members[rb]!.length ? [ra, rb] : [rb, ra];
    parent[small] = big;
    members[big]!.push(...members[small]!);
    members[small] = [];
  }

  // One review per pair of final cases: the best one, in the place of the first.
  const best = new Map<string, RankedReview>();
  for (const r of reviews) {
    const ra = find(local.get(r.a)!);
    const rb = find(local.get(r.b)!);
    if (ra === rb) continue;
    const key = ra < rb ? `${ra}|${rb}` : `${rb}|${ra}`;
    const seen = best.get(key);
    if (!seen) best.set(key, r);
    else if (r.weight > seen.weight) best.set(key, { a: r.a, b: r.b, weight: r.weight, reason: r.reason, rank: seen.rank, code: seen.code });
  }
  const first = new Int32Array(size);
  for (let l = 0; l < size; l++) {
    const root = find(l);
    first[l] = Math.min(...members[root]!);
  }
  return { records: ids, first, reviews: [...best.values()] };
}

/** Reviews of all components in the one-pass order. */
export function orderReviews(reviews: RankedReview[]): ReviewPair[] {
  return reviews.sort((x, y) => x.rank - y.rank || x.code - y.code).map(({ a, b, weight, reason }) => ({ a, b, weight, reason }));
}
