/**
 * Stage 4, score one partition's pairs with the estimated model: weight,
 * veto and whether an uncontradicted valid ID number ties the pair, exactly
 * as the one-pass engine computed them; and each record's best weight. The
 * pairs that linking considers (at or above the lower threshold, or tied by
 * an ID number) are handed on. Pure, given the scorer.
 */
import { decodePattern, NAME, PATTERN_COUNT, type Veto } from '../compare';
import { idAgreementUncontradicted } from '../link-policy';
import type { MatchRecord } from '../match-record';
import { type MatchModel, type NameFrequencies, nameParts } from '../model';
import { Scorer } from '../scorer';
import type { PartitionPairs } from './block-partition';

/** Vetoes as small codes (index + 1) in a typed array. */
export const VETOES: readonly Veto[] = ['ID_CONFLICT', 'NAME_CONFLICT', 'BIRTHDATE_CONFLICT', 'SEX_CONFLICT', 'NAME_DOUBT', 'WEAK_EVIDENCE'];
const VETO_CODES = Object.fromEntries(VETOES.map((v, i) => [v, i + 1])) as Record<Veto, number>;

/** Name counts over all records, as a stage can receive them (a structured-clone-friendly form of `countNameFrequencies`). */
export interface NameCounts {
  readonly records: number;
  readonly text: [string, number][];
  readonly pinyin: [string, number][];
  /** Records whose name begins or ends with this part (Tibetan part, Han given name), by pinyin. */
  readonly part: [string, number][];
}

export function countNames(records: readonly MatchRecord[]): NameCounts {
  const text = new Map<string, number>();
  const py = new Map<string, number>();
  const part = new Map<string, number>();
  for (const r of records) {
    if (!r.name) continue;
    text.set(r.name.text, (text.get(r.name.text) ?? 0) + 1);
    py.set(r.name.pinyin, (py.get(r.name.pinyin) ?? 0) + 1);
    for (const p of nameParts(r.name)) part.set(p, (part.get(p) ?? 0) + 1);
  }
  return { records: records.length, text: [...text], pinyin: [...py], part: [...part] };
}

/** The name counts of consecutive chunks of records as `countNames` gives them over all of them. */
export function sumNames(parts: readonly NameCounts[]): NameCounts {
  const text = new Map<string, number>();
  const pinyin = new Map<string, number>();
  const nameParts = new Map<string, number>();
  let records = 0;
  for (const part of parts) {
    records += part.records;
    for (const [k, v] of part.text) text.set(k, (text.get(k) ?? 0) + v);
    for (const [k, v] of part.pinyin) pinyin.set(k, (pinyin.get(k) ?? 0) + v);
    for (const [k, v] of part.part) nameParts.set(k, (nameParts.get(k) ?? 0) + v);
  }
  return { records, text: [...text], pinyin: [...pinyin], part: [...nameParts] };
}

/** The same frequencies `countNameFrequencies` gives over the same records. */
export function frequenciesOf(counts: NameCounts): NameFrequencies {
  const text = new Map(counts.text);
  const py = new Map(counts.pinyin);
  const part = new Map(counts.part);
  const n = Math.max(1, counts.records);
  return {
    text: (v) => (text.get(v) ?? 0) / n || undefined,
    pinyin: (v) => (py.get(v) ?? 0) / n || undefined,
    part: (v) => (part.get(v) ?? 0) / n || undefined,
    records: counts.records,
  };
}

/** What every scoring and linking stage needs to build the same scorer. */
export interface ScorerSpec {
  readonly model: MatchModel;
  readonly names?: NameCounts;
}

export const scorerOf = (spec: ScorerSpec) => new Scorer(spec.model, spec.names ? frequenciesOf(spec.names) : undefined);

/** Pairs linking considers, sorted by code: parallel arrays. */
export interface ScoredPairs {
  readonly codes: Float64Array;
  readonly weight: Float32Array;
  readonly veto: Uint8Array;
  readonly byId: Uint8Array;
}

export interface PartitionScores {
  readonly considered: ScoredPairs;
  /** Best weight of every record the partition's pairs touch, in ascending record order. */
  readonly best: { readonly records: Int32Array; readonly weight: Float32Array };
}

export function scorePartition(
  pairs: Pick<PartitionPairs, 'codes' | 'patterns'>,
  record: (i: number) => MatchRecord,
  n: number,
  scorer: Scorer,
): PartitionScores {
  const { codes, patterns } = pairs;
  const m = codes.length;
  const { lower } = scorer.model.thresholds;
  const weight = new Float32Array(m);
  const veto = new Uint8Array(m);
  const byId = new Uint8Array(m);
  // Best weight per record (NaN: no pair yet), over all n records: a typed array instead of a map of the touched ones.
  const best = new Float32Array(n).fill(Number.NaN);
  // Levels and the ID tie per pattern, decoded once (an array by pattern, not a map: tens of millions of lookups).
  const decoded: (number[] | undefined)[] = new Array(PATTERN_COUNT);
  const tied = new Int8Array(PATTERN_COUNT).fill(-1);
  let considered = 0;
  for (let p = 0; p < m; p++) {
    const pattern = patterns[p]!;
    let lv = decoded[pattern];
    if (!lv) {
      lv = decodePattern(pattern);
      decoded[pattern] = lv;
      tied[pattern] = idAgreementUncontradicted(lv) ? 1 : 0;
    }
    const a = Math.floor(codes[p]! / n);
    const b = codes[p]! - a * n;
    // The other record matters only for a fragment of a name (its weight is the shorter name's): not read otherwise.
    const s = scorer.scoreLevels(lv, record(a), lv[0] === NAME.part ? record(b) : undefined);
    weight[p] = s.weight;
    veto[p] = s.veto ? VETO_CODES[s.veto] : 0;
    byId[p] = tied[pattern]!;
    if (weight[p]! >= lower || byId[p] === 1) considered++;
    // The engine kept the best weight per record in a Float32Array; the largest rounded weight is the rounded largest.
    const w = Math.fround(s.weight);
    if (!(best[a]! >= w)) best[a] = w;
    if (!(best[b]! >= w)) best[b] = w;
  }
  const out: ScoredPairs = {
    codes: new Float64Array(considered),
    weight: new Float32Array(considered),
    veto: new Uint8Array(considered),
    byId: new Uint8Array(considered),
  };
  for (let p = 0, k = 0; p < m; p++) {
    if (!(weight[p]! >= lower || byId[p] === 1)) continue;
    out.codes[k] = codes[p]!;
    out.weight[k] = weight[p]!;
    out.veto[k] = veto[p]!;
    out.byId[k++] = byId[p]!;
  }
  let touched = 0;
  for (let r = 0; r < n; r++) if (!Number.isNaN(best[r]!)) touched++;
  const records = new Int32Array(touched);
  const weights = new Float32Array(touched);
  for (let r = 0, k = 0; r < n; r++)
    if (!Number.isNaN(best[r]!)) {
      records[k] = r;
      weights[k++] = best[r]!;
    }
  return { considered: out, best: { records, weight: weights } };
}
