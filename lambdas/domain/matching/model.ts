/**
 * Fellegi-Sunter model: m (agreement given a match) and u (agreement given a
 * non-match) per field level, thresholds in log2 units, and a version that
 * names the exact parameters. Scores are explainable field by field.
 */
import { createHash } from 'node:crypto';
import { FIELD_COUNT, FIELDS, MISSING, NAME, type FieldName } from './compare';
import { type NormalisedName, normaliseName } from './normalise';

export interface FieldParams {
  readonly m: readonly number[];
  readonly u: readonly number[];
}

export interface MatchModel {
  readonly version: string;
  /** How the parameters were obtained, e.g. `em:1000000 records` or `labels:420`. */
  readonly source: string;
  /** Estimated share of candidate pairs that are matches. */
  readonly prior: number;
  readonly fields: Readonly<Record<FieldName, FieldParams>>;
  /** Link automatically at or above `upper`; review between; new case below `lower`. */
  readonly thresholds: { readonly upper: number; readonly lower: number };
}

export interface ExplainedLevel {
  readonly field: FieldName;
  readonly level: string;
  readonly weight: number;
}

/** Term frequencies: how common a name is, so a common name counts for less. */
export interface NameFrequencies {
  /** Share of records with this exact (simplified) name; undefined when unknown. */
  text(name: string): number | undefined;
  /** Share of records with this toneless pinyin. */
  pinyin(pinyin: string): number | undefined;
  /** Share of records whose name begins or ends with this part (Tibetan part, Han given name), by pinyin. */
  part?(pinyin: string): number | undefined;
  /** How many records the shares were counted over (the size of the population a pair is drawn from). */
  readonly records?: number;
}

const MIN_PROB = 1e-6;
const clamp = (p: number) => Math.min(1 - MIN_PROB, Math.max(MIN_PROB, p));

export function modelVersion(params: Omit<MatchModel, 'version'>): string {
  const digest = createHash('sha256').update(JSON.stringify(params)).digest('hex').slice(0, 12);
  return `fs-v1-${digest}`;
}

export function makeModel(params: Omit<MatchModel, 'version'>): MatchModel {
  return { ...params, version: modelVersion(params) };
}

/** Precomputed level weights: log2(m/u), 0 for missing. */
export function levelWeights(model: MatchModel): number[][] {
  return FIELDS.map(({ field }, f) => {
    const { m, u } = model.fields[field];
    return m.map((mi, l) => (l === MISSING[f] ? 0 : Math.log2(clamp(mi) / clamp(u[l]!))));
  });
}

/** The parts a name may be cut to on a hotline: its first and last Tibetan parts, or a Han given name. */
export function nameParts(name: NormalisedName): string[] {
  if (name.tibetan) {
    const head = toPinyinOfPart(name.tibetan[0]!);
    const tail = toPinyinOfPart(name.tibetan.at(-1)!);
    return head === tail ? [head] : [head, tail];
  }
  return name.han && name.syllables.length >= 2 ? [name.syllables.slice(1).join('')] : [];
}
const toPinyinOfPart = (part: string) => normaliseName(part)?.pinyin ?? part;

/**
 * Weight of the name field with term-frequency adjustment: for an exact or
 * pinyin agreement, u is the frequency of that very name (never less than
 * the model's u), so 扎西 agreeing is worth less than a rare name agreeing.
 * For a part (a fragment against the full name), u is how often a name holds
 * that part (the commoner of the record's own parts, not knowing which one
 * the other side kept), and m is taken given that one side is a fragment
 * (whether a row carries a fragment is a habit of the list, not evidence):
 * the chance the full name agrees, m(exact).
 */
export function nameWeight(model: MatchModel, weights: number[][], level: number, value: NormalisedName | undefined, tf?: NameFrequencies): number {
  if (tf?.part && value && level === NAME.part) {
    const freq = Math.max(tf.part(value.pinyin) ?? 0, ...nameParts(value).map((p) => tf.part!(p) ?? 0));
    if (freq === 0) return weights[0]![level]!;
    return Math.log2(clamp(model.fields.name.m[NAME.exact]!) / Math.max(clamp(model.fields.name.u[level]!), clamp(freq)));
  }
  if (!tf || !value || (level !== NAME.exact && level !== NAME.pinyin)) return weights[0]![level]!;
  const freq = level === NAME.exact ? tf.text(value.text) : tf.pinyin(value.pinyin);
  if (freq === undefined) return weights[0]![level]!;
  const u = Math.max(clamp(model.fields.name.u[level]!), clamp(freq));
  return Math.log2(clamp(model.fields.name.m[level]!) / u);
}

export function explain(levels: readonly number[], weights: number[][], nameW: number): ExplainedLevel[] {
  const out: ExplainedLevel[] = [];
  for (let f = 0; f < FIELD_COUNT; f++) {
    const spec = FIELDS[f]!;
    out.push({ field: spec.field, level: spec.levels[levels[f]!]!, weight: Math.round((f === 0 ? nameW : weights[f]![levels[f]!]!) * 100) / 100 });
  }
  return out;
}

/** A sensible starting point before estimation (and for tests). */
export function initialModel(): MatchModel {
  return makeModel({
    source: 'initial',
    prior: 0.05,
    fields: {
      name: { m: [0.78, 0.06, 0.05, 0.03, 0.03, 0.02, 0.03], u: [0.01, 0.002, 0.002, 0.005, 0.02, 0.895, 0.066] },
      birthDate: { m: [0.9, 0.02, 0.02, 0.02, 0.04], u: [0.02, 0.001, 0.01, 0.93, 0.039] },
      idNumber: { m: [0.55, 0.03, 0.001, 0.004, 0.415], u: [0.0001, 0.0001, 0.35, 0.05, 0.5998] },
      sex: { m: [0.97, 0.01, 0.02], u: [0.5, 0.48, 0.02] },
      region: { m: [0.85, 0.08, 0.05, 0.02], u: [0.2, 0.3, 0.48, 0.02] },
      guardianName: { m: [0.7, 0.05, 0.05, 0.2], u: [0.005, 0.01, 0.785, 0.2] },
      guardianPhone: { m: [0.6, 0.15, 0.25], u: [0.001, 0.749, 0.25] },
      school: { m: [0.5, 0.1, 0.4], u: [0.05, 0.55, 0.4] },
    },
    thresholds: { upper: 20, lower: 12 },
  });
}
