/**
 * Parameter estimation: EM over the comparison patterns of candidate pairs
 * (unsupervised), and re-estimation from reviewed pairs (labels). Patterns
 * are counted first, so EM costs the number of distinct patterns, not pairs.
 */
import { decodePattern, FIELD_COUNT, FIELDS, ID, MISSING, NAME, sameChildDespiteNumbers } from './compare';
import { makeModel, type MatchModel } from './model';

type Mutable = { m: number[]; u: number[] }[];

function paramsOf(model: MatchModel): Mutable {
  return FIELDS.map(({ field }) => ({ m: [...model.fields[field].m], u: [...model.fields[field].u] }));
}

function toModel(params: Mutable, prior: number, source: string, thresholds: MatchModel['thresholds']): MatchModel {
  const fields = Object.fromEntries(FIELDS.map(({ field }, f) => [field, { m: params[f]!.m.map(round), u: params[f]!.u.map(round) }]));
  return makeModel({ source, prior: round(prior), fields: fields as unknown as MatchModel['fields'], thresholds });
}

const round = (x: number) => Number(x.toPrecision(6));
const SMOOTH = 1e-6;
/** Candidate pairs are never almost all matches; capping the prior keeps EM from folding every pair into the match class. */
const MAX_PRIOR = 0.6;

/**
 * u from random record pairs: almost all of them are different children, so
 * level frequencies among them estimate u directly (blocked pairs would not:
 * blocking makes non-matches agree on the blocking fields).
 */
export function estimateU(start: MatchModel, randomPairLevels: Iterable<readonly number[]>): MatchModel {
  const params = paramsOf(start);
  const acc = FIELDS.map((f) => new Array<number>(f.levels.length).fill(1));
  let n = 0;
  for (const levels of randomPairLevels) {
    n++;
    for (let f = 0; f < FIELD_COUNT; f++) acc[f]![levels[f]!] = acc[f]![levels[f]!]! + 1;
  }
  if (n === 0) return start;
  for (let f = 0; f < FIELD_COUNT; f++) {
    const total = acc[f]!.reduce((a, b) => a + b, 0);
    params[f]!.u = acc[f]!.map((x) => x / total);
  }
  return toModel(params, start.prior, `u:random ${n} pairs`, start.thresholds);
}

/**
 * What a pattern's ID numbers already say: the same valid number with nothing contradicting it is one child
 * (1), two different valid numbers are two children (0); otherwise EM decides (undefined). Anchoring these
 * keeps the estimate from drifting with the mix of candidate pairs blocking produces (a guardian key brings
 * many siblings and neighbours): the match class is tied to the pairs known to be matches.
 */
function anchor(levels: readonly number[]): number | undefined {
  // Two valid numbers with name, birth date, sex and family agreeing may be one child (the policy's
  // `sameChildDespiteNumbers`): EM decides, so that m of a different number is what such rows show, not 0
  // (which made the level weigh -19 bits and the policy's exception a dead letter).
  if (levels[2] === ID.different) return sameChildDespiteNumbers(levels) ? undefined : 0;
  if (levels[2] === ID.exact && levels[0] !== NAME.different && levels[1] !== 3 && levels[3] !== 1) return 1;
  return undefined;
}

/**
 * EM with conditional independence; `counts` maps pattern -> number of pairs.
 * Missing levels are uninformative in the E-step (ratio 1). With `fixU`, only
 * m and the prior are estimated (u comes from estimateU). Pairs whose ID
 * numbers decide (`anchor`) keep their class in every iteration.
 */
export function estimateEm(counts: ReadonlyMap<number, number>, start: MatchModel, iterations = 30, fixU = false): MatchModel {
  const params = paramsOf(start);
  let prior = start.prior;
  const patterns = [...counts.entries()].map(([code, n]) => ({ levels: decodePattern(code), n }));
  const total = patterns.reduce((s, p) => s + p.n, 0);
  if (total === 0) return start;
  for (let it = 0; it < iterations; it++) {
    const mAcc = FIELDS.map((f) => new Array<number>(f.levels.length).fill(SMOOTH));
    const uAcc = FIELDS.map((f) => new Array<number>(f.levels.length).fill(SMOOTH));
    let matchMass = 0;
    for (const { levels, n } of patterns) {
      let lm = Math.log(prior);
      let lu = Math.log(1 - prior);
      for (let f = 0; f < FIELD_COUNT; f++) {
        const l = levels[f]!;
        if (l === MISSING[f]) continue;
        lm += Math.log(Math.max(params[f]!.m[l]!, 1e-12));
        lu += Math.log(Math.max(params[f]!.u[l]!, 1e-12));
      }
      const g = anchor(levels) ?? 1 / (1 + Math.exp(lu - lm));
      matchMass += n * g;
      for (let f = 0; f < FIELD_COUNT; f++) {
        const l = levels[f]!;
        mAcc[f]![l] = mAcc[f]![l]! + n * g;
        uAcc[f]![l] = uAcc[f]![l]! + n * (1 - g);
      }
    }
    prior = Math.min(MAX_PRIOR, Math.max(1e-6, matchMass / total));
    for (let f = 0; f < FIELD_COUNT; f++) {
      const ms = mAcc[f]!.reduce((a, b) => a + b, 0);
      const us = uAcc[f]!.reduce((a, b) => a + b, 0);
      params[f]!.m = mAcc[f]!.map((x) => x / ms);
      if (!fixU) params[f]!.u = uAcc[f]!.map((x) => x / us);
    }
  }
  return toModel(params, prior, `${fixU ? `${start.source}, ` : ''}em:${total} pairs`, start.thresholds);
}

export interface LabeledPair {
  readonly levels: readonly number[];
  readonly match: boolean;
}

/**
 * Blends reviewed pairs into a model: each level's m (from confirmed pairs)
 * and u (from rejected pairs) move toward the labelled frequencies, weighted
 * by how many labels there are relative to `strength` pseudo-counts.
 */
export function reestimateWithLabels(model: MatchModel, labels: readonly LabeledPair[], strength = 200): MatchModel {
  if (labels.length === 0) return model;
  const params = paramsOf(model);
  for (const side of ['m', 'u'] as const) {
    const subset = labels.filter((l) => (side === 'm' ? l.match : !l.match));
    if (subset.length === 0) continue;
    for (let f = 0; f < FIELD_COUNT; f++) {
      const counts = new Array<number>(FIELDS[f]!.levels.length).fill(0);
      for (const l of subset) counts[l.levels[f]!] = (counts[l.levels[f]!] ?? 0) + 1;
      params[f]![side] = params[f]![side].map((p, i) => (p * strength + counts[i]!) / (strength + subset.length));
    }
  }
  return toModel(params, model.prior, `${model.source}+labels:${labels.length}`, model.thresholds);
}
