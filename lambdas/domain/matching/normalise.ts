/**
 * Normalisation for matching: names (NFKC, full-width to half-width, spaces
 * and middle dots removed, traditional to simplified, toneless pinyin),
 * identity numbers, dates in the formats agencies use, and phones.
 * Pure and deterministic; caches keep repeated names cheap. The character
 * tables come from pinyin-pro and OpenCC (scripts/build-han-tables.ts).
 */
import { normaliseIdNumber } from '../../../schemas/id-number';
import tables from './han-tables.json';
import { tibetanParts } from './tibetan-names';

// Built on first use, so that Lambdas that never match names do not pay for it at cold start.
let maps: { pinyin: Map<string, string>; simplified: Map<string, string> } | undefined;
function charMaps() {
  if (!maps) {
    const pinyin = new Map<string, string>();
    for (const [syllable, chars] of Object.entries(tables.pinyin as Record<string, string>)) for (const c of chars) pinyin.set(c, syllable);
    const simplified = new Map<string, string>();
    const s = [...tables.simplified];
    for (const [i, c] of [...tables.traditional].entries()) simplified.set(c, s[i]!);
    maps = { pinyin, simplified };
  }
  return maps;
}

/** Traditional characters to simplified, character by character. */
export function toSimplified(text: string): string {
  const { simplified } = charMaps();
  let out = '';
  for (const c of text) out += simplified.get(c) ?? c;
  return out;
}

/** Toneless pinyin syllables, one per character (other characters kept, lower-cased). */
export function toPinyin(text: string): string[] {
  const { pinyin } = charMaps();
  return [...text].map((c) => pinyin.get(c) ?? c.toLowerCase());
}

export interface NormalisedName {
  /** Simplified Chinese characters (or upper-case Latin letters), no spaces or dots. */
  readonly text: string;
  /** Toneless pinyin, syllables joined without separators, e.g. `zhaxizhuoma`. */
  readonly pinyin: string;
  /** First syllable: the surname for Han names, the first part of a Tibetan name. */
  readonly first: string;
  /** One toneless syllable per character (Han names); the whole name lower-cased otherwise. */
  readonly syllables: readonly string[];
  /** Whether the name is written in Chinese characters. */
  readonly han: boolean;
  /**
   * A Tibetan name written entirely in known parts (Chinese or Latin): the canonical parts,
   * e.g. ['扎西', '卓玛'] for 扎喜卓嘛 or Tashi Dolma. Then `pinyin`, `first` and `syllables` are
   * those of the canonical parts, so every transcription of the name compares and blocks as one.
   */
  readonly tibetan?: readonly string[];
  /** A Latin name of two or more words with the last word first (Zihan Zhang -> zhangzihan): the other name order. */
  readonly reversed?: string;
}

// Spaces, middle dots and similar separators used in minority and foreign names.
const SEPARATORS = /[\s·•・‧∙⋅．.\-_'’]/gu;
const nameCache = new Map<string, NormalisedName | undefined>();
const HAN = /\p{Script=Han}/u;

/** @example normaliseName('扎西 · 卓瑪') // { text: '扎西卓玛', pinyin: 'zhaxizhuoma', first: 'zha', syllables: ['zha', 'xi', 'zhuo', 'ma'], han: true } */
export function normaliseName(raw: string | undefined | null): NormalisedName | undefined {
  if (!raw) return undefined;
  const hit = nameCache.get(raw);
  if (hit !== undefined || nameCache.has(raw)) return hit;
  const nfkc = raw.normalize('NFKC');
  const cleaned = nfkc.replace(SEPARATORS, '');
  let result: NormalisedName | undefined;
  if (cleaned.length > 0) {
    const han = HAN.test(cleaned);
    const text = han ? toSimplified(cleaned) : cleaned.toUpperCase();
    const words = han
      ? []
      : nfkc
          .toLowerCase()
          .split(SEPARATORS)
          .filter((w) => w.length > 0);
    const tibetan = tibetanParts(han ? text : undefined, words);
    const syllables = tibetan ? tibetan.syllables : han ? toPinyin(text) : [text.toLowerCase()];
    const reversed = !han && !tibetan && words.length >= 2 ? [words.at(-1)!, ...words.slice(0, -1)].join('') : undefined;
    // Every property present (undefined when absent): one hidden class for every name (see toMatchRecord).
    result = { text, pinyin: syllables.join(''), first: syllables[0] ?? '', syllables, han, tibetan: tibetan?.parts, reversed: reversed || undefined };
  }
  if (nameCache.size > 200_000) nameCache.clear();
  nameCache.set(raw, result);
  return result;
}

const ZH_DIGITS: Readonly<Record<string, string>> = { 〇: '0', 零: '0', 一: '1', 二: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9' };

/** 二〇一二年三月十四日 -> 2012年3月14日 (Chinese numerals as written in some registers). */
function zhNumerals(s: string): string {
  if (!/[〇零一二三四五六七八九十]/.test(s)) return s;
  const small = (t: string) => {
    // 十 = 10, 十四 = 14, 二十 = 20, 二十三 = 23
    const m = /^([一二三])?十([一二三四五六七八九])?$/.exec(t);
    if (m) return String((m[1] ? Number(ZH_DIGITS[m[1]]) : 1) * 10 + (m[2] ? Number(ZH_DIGITS[m[2]]) : 0));
    return [...t].map((c) => ZH_DIGITS[c] ?? c).join('');
  };
  return s.replace(/[〇零一二三四五六七八九十]+/g, small);
}

const EXCEL_EPOCH = Date.UTC(1899, 11, 30);
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Accepted date inputs: YYYY-MM-DD, YYYY/M/D, YYYY.M.D, YYYYMMDD, YYYY年M月D日 (or 号), with a time after
 * the date, full-width digits, Chinese numerals (二〇一二年三月四日), a spreadsheet serial day number
 * (e.g. 41000), and D/M/YYYY or M/D/YYYY when only one reading is a date.
 */
export function parseDate(raw: string | undefined | null): string | undefined {
  if (!raw) return undefined;
  // Already YYYY-MM-DD (what a record holds): what the steps below would conclude.
  const iso = ISO_DATE.exec(raw);
  if (iso) return isoDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const s = zhNumerals(raw.normalize('NFKC').trim())
    .replace(/(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)$/, '')
    .trim();
  const ymd =
    /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s) ?? /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$/.exec(s);
  if (ymd) return isoDate(Number(ymd[1]), Number(ymd[2]), Number(ymd[3]));
  const dmy = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(s);
  if (dmy) {
    const [a, b, y] = [Number(dmy[1]), Number(dmy[2]), Number(dmy[3])];
    // Only when one reading is impossible: 25/3/2012 is 25 March, 3/25/2012 too; 3/4/2012 is not understood.
    if (a > 12 && b <= 12) return isoDate(y, b, a);
    if (b > 12 && a <= 12) return isoDate(y, a, b);
    return undefined;
  }
  if (/^\d{5}$/.test(s)) {
    const serial = Number(s);
    // Spreadsheet day numbers from 1927 (10000) to 2064 (60000).
    if (serial >= 10_000 && serial <= 60_000) return new Date(EXCEL_EPOCH + serial * 86_400_000).toISOString().slice(0, 10);
  }
  return undefined;
}

function isoDate(y: number, mo: number, d: number): string | undefined {
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (y < 1000 || date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export interface NormalisedId {
  /** 18 characters (legacy 15-digit numbers converted), valid or not. */
  readonly value: string;
  /** Whether the GB 11643 check character and birth date are right. */
  readonly valid: boolean;
}

/** Keeps a mistyped number (flagged invalid) so it can still count as "nearly equal". */
export function normaliseId(raw: string | undefined | null): NormalisedId | undefined {
  if (!raw) return undefined;
  const s = raw.normalize('NFKC').replace(/\s/g, '').toUpperCase();
  const result = normaliseIdNumber(s);
  if (result.ok) return { value: result.value, valid: true };
  return /^\d{17}[\dX]$/.test(s) ? { value: s, valid: false } : undefined;
}

/** Digits only, without a leading +86/86 country code. */
export function normalisePhone(raw: string | undefined | null): string | undefined {
  if (!raw) return undefined;
  let digits = raw.normalize('NFKC').replace(/\D/g, '');
  if (digits.length === 13 && digits.startsWith('86')) digits = digits.slice(2);
  return digits.length >= 7 ? digits : undefined;
}

/** School names: NFKC, simplified, no spaces or brackets. */
export function normaliseText(raw: string | undefined | null): string | undefined {
  if (!raw) return undefined;
  const s = toSimplified(raw.normalize('NFKC').replace(/[\s()（）]/g, ''));
  return s.length > 0 ? s : undefined;
}
