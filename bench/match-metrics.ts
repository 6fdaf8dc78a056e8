/** Quality measures for the matching benchmark: pairwise precision and recall against ground truth, blocking recall, the exact-ID baseline. */
import type { MatchRecord } from '../lambdas/domain/matching/match-record';

const choose2 = (k: number) => (k * (k - 1)) / 2;

/** Pairwise measures of a clustering against the true child of every record. */
export function pairwise(cluster: ArrayLike<number>, truth: readonly number[]) {
  const sizes = new Map<number, number>();
  const joint = new Map<string, number>();
  const truthSizes = new Map<number, number>();
  for (let i = 0; i < truth.length; i++) {
    sizes.set(cluster[i]!, (sizes.get(cluster[i]!) ?? 0) + 1);
    truthSizes.set(truth[i]!, (truthSizes.get(truth[i]!) ?? 0) + 1);
    const k = `${cluster[i]}|${truth[i]}`;
    joint.set(k, (joint.get(k) ?? 0) + 1);
  }
  let predicted = 0;
  let actual = 0;
  let tp = 0;
  for (const s of sizes.values()) predicted += choose2(s);
  for (const s of truthSizes.values()) actual += choose2(s);
  for (const s of joint.values()) tp += choose2(s);
  const precision = predicted ? tp / predicted : 1;
  const recall = actual ? tp / actual : 1;
  return { precision, recall, f1: (2 * precision * recall) / (precision + recall || 1), falseLinks: predicted - tp, trueLinks: tp, actual };
}

/** Share of true pairs that blocking made candidates (candidates sorted, encoded i * n + j). */
export function blockingRecall(candidates: Float64Array, truth: readonly number[]): number {
  const n = truth.length;
  const byChild = new Map<number, number[]>();
  truth.forEach((c, i) => {
    (byChild.get(c) ?? byChild.set(c, []).get(c)!).push(i);
  });
  let total = 0;
  let found = 0;
  const has = (code: number) => {
    let lo = 0;
    let hi = candidates.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (candidates[mid] === code) return true;
      if (candidates[mid]! < code) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  };
  for (const members of byChild.values()) {
    for (let x = 0; x < members.length; x++)
      for (let y = x + 1; y < members.length; y++) {
        total++;
        if (has(members[x]! * n + members[y]!)) found++;
      }
  }
  return total ? found / total : 1;
}

/** The baseline: records link only when they carry the same valid ID number. */
export function exactIdBaseline(records: readonly MatchRecord[]): Int32Array {
  const first = new Map<string, number>();
  return Int32Array.from(records, (r, i) => {
    if (!r.id?.valid) return i;
    const seen = first.get(r.id.value);
    if (seen !== undefined) return seen;
    first.set(r.id.value, i);
    return i;
  });
}
