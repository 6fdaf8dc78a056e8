/** Scores a pair of records with a model: weight, vetoes and a field-by-field explanation. */
import { compareRecords, corroboration, encodePattern, guardianNameOnly, hardNegative, ID, MISSING, NAME, type Veto } from './compare';
import type { MatchRecord } from './match-record';
import { explain, levelWeights, nameParts, nameWeight, type ExplainedLevel, type MatchModel, type NameFrequencies } from './model';

/**
 * A name agreeing is worth at least this many bits when it is rare (about 1 in
 * 1,500 records or rarer with the default model): then name, birth date and
 * county together may link.
 */
export const RARE_NAME_BITS = 6;

/**
 * With name, birth date and county only, a pair of weight w is as likely as a random record agreeing that
 * well, about n * 2^-w for n records: it may link when fewer than 1 in 2^CONFOUNDER_BITS lists of that size
 * would hold such a stranger (w >= log2 n + 7: 21 bits at 20,000 records, 27 at 1,000,000).
 */
export const CONFOUNDER_BITS = 5;

/**
 * The list size at which the review band (lower threshold to upper) was calibrated. In n records a pair
 * of weight w meets about n * 2^-w strangers scoring as well: each doubling of the lists needs one more
 * bit for the same odds, so above this size the band starts log2(n / REFERENCE_RECORDS) bits higher
 * (`reviewFloor`), and the review load per 100 rows does not grow with the province.
 */
export const REFERENCE_RECORDS = 50_000;

/**
 * A pair with thin evidence (`WEAK_EVIDENCE`) but the same birth date, within this many bits of the upper
 * threshold (plus the same scale), goes to a person instead of nowhere: measured on generated lists of
 * 50,000 rows, 98.5% of such pairs are one child (a hotline fragment with birth date, sex and county).
 */
export const THIN_REVIEW_BITS = 4;

export type Decision = 'auto' | 'review' | 'new';

export interface PairScore {
  readonly levels: number[];
  readonly pattern: number;
  readonly weight: number;
  readonly veto?: Veto;
}

export interface Explanation {
  readonly weight: number;
  readonly decision: Decision;
  readonly veto?: string;
  readonly fields: ExplainedLevel[];
  readonly modelVersion: string;
}

export class Scorer {
  readonly weights: number[][];
  readonly #patternWeight = new Map<number, number>();

  constructor(
    readonly model: MatchModel,
    readonly tf?: NameFrequencies,
  ) {
    this.weights = levelWeights(model);
  }

  /** Sum of level weights for every field but the name (cached per pattern). */
  #restWeight(levels: readonly number[], pattern: number): number {
    let w = this.#patternWeight.get(pattern);
    if (w === undefined) {
      w = 0;
      for (let f = 1; f < levels.length; f++) w += this.weights[f]![levels[f]!]!;
      this.#patternWeight.set(pattern, w);
    }
    return w;
  }

  /** The name's weight; for a fragment, that of the shorter name when `b` is given (the fragment itself). */
  nameWeight(levels: readonly number[], a: MatchRecord, b?: MatchRecord): number {
    const shorter = b?.name && a.name && b.name.pinyin.length < a.name.pinyin.length ? b.name : a.name;
    return nameWeight(this.model, this.weights, levels[0]!, levels[0] === NAME.part ? shorter : a.name, this.tf);
  }

  score(a: MatchRecord, b: MatchRecord): PairScore {
    const levels = compareRecords(a, b);
    return this.scoreLevels(levels, a, b);
  }

  scoreLevels(levels: number[], a: MatchRecord, b?: MatchRecord): PairScore {
    const pattern = encodePattern(levels);
    const nameW = this.nameWeight(levels, a, b);
    const weight = this.#restWeight(levels, pattern) + nameW;
    let veto = hardNegative(levels);
    // Name (or a fragment of it), birth date and county only: enough for a rare name, or when a stranger
    // agreeing as well is unlikely among this many records (CONFOUNDER_BITS).
    const n = this.tf?.records;
    const unlikelyStranger = n !== undefined && weight >= Math.log2(n) + CONFOUNDER_BITS;
    const countyOnly = levels[2] !== ID.exact && corroboration(levels) === 'county';
    if (veto === 'WEAK_EVIDENCE' && levels[0] === NAME.part && countyOnly && unlikelyStranger) veto = undefined;
    else if (!veto && countyOnly && nameW < RARE_NAME_BITS && !unlikelyStranger) veto = 'WEAK_EVIDENCE';
    // Name, the guardian's name and county, and no birth date: where a few names dominate children's and parents'
    // names alike (多吉卓玛 whose guardian is 卓玛扎西), another family's child shares all three, rare name or not.
    // It links only when such a stranger is unlikely among this many records; short of that a person decides.
    else if (!veto && guardianNameOnly(levels) && weight >= this.model.thresholds.upper && !unlikelyStranger) veto = 'WEAK_EVIDENCE';
    // In the review band, a name and a county (or a guardian's name) without any birth date: a stranger of
    // the same name is common among a county's children, and a person shown the pair has nothing more to
    // decide on either. (Above the upper threshold such a pair links: the name and the guardian's both rare.)
    else if (!veto && countyOnly && levels[1] === MISSING[1] && weight < this.model.thresholds.upper && !unlikelyStranger) veto = 'WEAK_EVIDENCE';
    const { upper } = this.model.thresholds;
    if (weight < upper) {
      const scale = this.#scale();
      // Below the band's floor for this many records: as likely a stranger as at the lower threshold in
      // REFERENCE_RECORDS records; nothing for a person (a veto in the band means no review).
      if (!veto && weight < this.reviewFloor()) veto = 'WEAK_EVIDENCE';
      // Thin evidence with the same birth date, close to the upper threshold: good odds, worth a person's time.
      else if (veto === 'WEAK_EVIDENCE' && levels[1] === 0 && weight >= upper - THIN_REVIEW_BITS + scale) veto = undefined;
    }
    return { levels, pattern, weight, ...(veto && { veto }) };
  }

  /** log2(records / REFERENCE_RECORDS), at least 0 (0 without name frequencies). */
  #scale(): number {
    const n = this.tf?.records;
    return n && n > REFERENCE_RECORDS ? Math.log2(n / REFERENCE_RECORDS) : 0;
  }

  /**
   * The weight a pair without veto needs to be reviewed: the lower threshold, raised by the scale of the
   * lists (`REFERENCE_RECORDS`), never above `upper - THIN_REVIEW_BITS` (so that a competitor close enough
   * to make a link ambiguous is never vetoed by it).
   */
  reviewFloor(): number {
    const { upper, lower } = this.model.thresholds;
    return Math.min(lower + this.#scale(), upper - THIN_REVIEW_BITS);
  }

  /** The band a weight falls in; a veto caps it at review. */
  decide(score: Pick<PairScore, 'weight' | 'veto'>): Decision {
    if (score.weight >= this.model.thresholds.upper) return score.veto ? 'review' : 'auto';
    return score.weight >= this.model.thresholds.lower ? 'review' : 'new';
  }

  explain(a: MatchRecord, b: MatchRecord): Explanation {
    const s = this.score(a, b);
    return {
      weight: Math.round(s.weight * 100) / 100,
      decision: this.decide(s),
      ...(s.veto && { veto: s.veto }),
      fields: explain(s.levels, this.weights, this.nameWeight(s.levels, a, b)),
      modelVersion: this.model.version,
    };
  }
}

/** Name frequencies counted over a set of records. */
export function countNameFrequencies(records: readonly MatchRecord[]): NameFrequencies {
  const text = new Map<string, number>();
  const py = new Map<string, number>();
  const part = new Map<string, number>();
  for (const r of records) {
    if (!r.name) continue;
    text.set(r.name.text, (text.get(r.name.text) ?? 0) + 1);
    py.set(r.name.pinyin, (py.get(r.name.pinyin) ?? 0) + 1);
    for (const p of nameParts(r.name)) part.set(p, (part.get(p) ?? 0) + 1);
  }
  const n = Math.max(1, records.length);
  const share = (m: Map<string, number>) => (v: string) => (m.get(v) ?? 0) / n || undefined;
  return { text: share(text), pinyin: share(py), part: share(part), records: records.length };
}
