/**
 * Maps the coded cells of a list row (categories, guardian relation, risk
 * level, sex) through the synonym tables (schemas/list-synonyms.ts: defaults
 * plus the province's own spellings). A spelling the tables do not know never
 * drops the row: the field is left empty and the spelling is reported. Pure.
 */
import {
  mergeSynonyms,
  spellingKey,
  type ListSynonyms,
  type ListSynonymsConfig,
  type ListValueCode,
  type ListValueField,
} from '../../../schemas/list-synonyms';

/** One value a row carried that the hub could not use; the row is kept without it. */
export interface NotUnderstood {
  /** The column (`categories`, `sex`, `birthDate`, `guardian.phone`, ...). */
  readonly field: string;
  readonly message: string;
  /** The spelling as given, for coded columns only (never for identity or contact fields). */
  readonly value?: string;
}

export type Mapped<F extends ListValueField> = { readonly code: ListValueCode<F> | null } | { readonly unknown: string };

/** Cells that split one category column into several (`留守儿童；低保`, `孤儿/残疾`). */
const CATEGORY_SEPARATORS = /[;；,，、/／|｜+＋\n]/;
const MAX_REPORTED_VALUE = 40;

export class ListValueMaps {
  readonly #tables: ListSynonyms;

  constructor(extra?: ListSynonymsConfig) {
    this.#tables = mergeSynonyms(extra);
  }

  /** One spelling: its code, `null` when it is understood as none, or unknown. */
  map<F extends ListValueField>(field: F, raw: string): Mapped<F> {
    const key = spellingKey(raw);
    const table = this.#tables[field] as Readonly<Record<string, ListValueCode<F> | null>>;
    if (key === '') return { code: null };
    if (Object.hasOwn(table, key)) return { code: table[key]! };
    return { unknown: raw.trim().slice(0, MAX_REPORTED_VALUE) };
  }

  /** A category cell: each part mapped; unknown parts reported, known ones kept (deduplicated, in order). */
  categories(raw: string): { codes: ListValueCode<'categories'>[]; unknown: string[] } {
    const whole = this.map('categories', raw);
    if ('code' in whole) return { codes: whole.code ? [whole.code] : [], unknown: [] };
    const codes: ListValueCode<'categories'>[] = [];
    const unknown: string[] = [];
    for (const part of raw.split(CATEGORY_SEPARATORS)) {
      if (spellingKey(part) === '') continue;
      const m = this.map('categories', part);
      // `留守 流动`: parts separated by spaces only.
      if ('unknown' in m && /\S\s+\S/.test(part.trim())) {
        const words = part
          .trim()
          .split(/\s+/)
          .map((w) => this.map('categories', w));
        if (words.every((w) => 'code' in w)) {
          for (const w of words) if ('code' in w && w.code && !codes.includes(w.code)) codes.push(w.code);
          continue;
        }
      }
      if ('code' in m) {
        if (m.code && !codes.includes(m.code)) codes.push(m.code);
      } else unknown.push(m.unknown);
    }
    return { codes, unknown };
  }
}
