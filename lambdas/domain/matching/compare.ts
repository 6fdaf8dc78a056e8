/**
 * Field comparisons for a pair of records: one agreement level per field.
 * The last level of every field is `missing` (weight 0). A pair's levels are
 * packed into one integer (`pattern`) so estimation can count patterns.
 */
import type { MatchRecord } from './match-record';
import type { NormalisedName } from './normalise';
import { canonicalChunks } from './tibetan-names';

export const FIELDS = [
  // sound: every syllable sounds alike (transliteration variants 次仁/才仁, 索朗/索南); part: one name is the
  // first or last part of the other (a hotline fragment: 格桑 for 格桑卓玛); close: one character differs in
  // sound (a typo, or a twin: 子涵/子轩).
  { field: 'name', levels: ['exact', 'pinyin', 'sound', 'part', 'close', 'different', 'missing'] },
  { field: 'birthDate', levels: ['exact', 'swapped', 'one_digit', 'different', 'missing'] },
  // different: two valid numbers differ (never the same child); mismatch: a mistyped number differs by more than one typo.
  { field: 'idNumber', levels: ['exact', 'near', 'different', 'mismatch', 'missing'] },
  { field: 'sex', levels: ['agree', 'disagree', 'missing'] },
  { field: 'region', levels: ['same', 'same_prefecture', 'different', 'missing'] },
  { field: 'guardianName', levels: ['exact', 'close', 'different', 'missing'] },
  { field: 'guardianPhone', levels: ['exact', 'different', 'missing'] },
  { field: 'school', levels: ['exact', 'different', 'missing'] },
] as const;

export type FieldName = (typeof FIELDS)[number]['field'];
export const FIELD_COUNT = FIELDS.length;
export const MISSING = FIELDS.map((f) => f.levels.length - 1);
const RADIX = FIELDS.map((f) => f.levels.length);
export const PATTERN_COUNT = RADIX.reduce((a, b) => a * b, 1);

// Level indices, named for readability.
export const NAME = { exact: 0, pinyin: 1, sound: 2, part: 3, close: 4, different: 5, missing: 6 } as const;
export const ID = { exact: 0, near: 1, different: 2, mismatch: 3, missing: 4 } as const;

const row0 = new Int32Array(64);
const row1 = new Int32Array(64);

/** Levenshtein distance, giving up (returning max + 1) once it exceeds `max`. No allocation. */
export function boundedEditDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a === b) return 0;
  if (b.length >= 63) return boundedEditDistanceSlow(a, b, max);
  let prev = row0;
  let cur = row1;
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      let v = prev[j - 1]! + cost;
      const del = prev[j]! + 1;
      const ins = cur[j - 1]! + 1;
      if (del < v) v = del;
      if (ins < v) v = ins;
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const t = prev;
    prev = cur;
    cur = t;
  }
  return prev[b.length]!;
}

function boundedEditDistanceSlow(a: string, b: string, max: number): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur.push(Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    prev = cur;
  }
  return Math.min(prev[b.length]!, max + 1);
}

/**
 * Fuzzy pinyin (模糊音), as input methods apply it: zh/z, ch/c, sh/s, n/l initials and
 * -ng/-n finals are one sound, so transcriptions of one Tibetan sound by different offices agree.
 */
function fuzzy(syllable: string): string {
  let f = fuzzyCache.get(syllable);
  if (f === undefined) {
    f = syllable
      .replace(/^([zcs])h/, '$1')
      .replace(/^n(?=[aeiouv])/, 'l')
      .replace(/ng$/, 'n');
    // Syllables are a small vocabulary (a few hundred pinyin syllables, a few thousand Latin words): cached.
    if (fuzzyCache.size < 100_000) fuzzyCache.set(syllable, f);
  }
  return f;
}
const fuzzyCache = new Map<string, string>();

/**
 * Whether two names sound alike syllable by syllable: the same number of syllables, each
 * equal under fuzzy pinyin; in names of four or more syllables (Tibetan names) a syllable
 * may also be one letter apart (ci/cai, ji/jie, ping/peng). Short Han names get no such
 * slack: 子涵/子轩 are twins' names, not one name misheard.
 */
function soundsAlike(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length || a.length < 2) return false;
  const loose = a.length >= 4;
  for (let i = 0; i < a.length; i++) {
    const x = fuzzy(a[i]!);
    const y = fuzzy(b[i]!);
    if (x === y) continue;
    if (!loose || boundedEditDistance(x, y, 1) > 1) return false;
  }
  return true;
}

/** Whether `short` is the first or last `short.length` items of `long` (and shorter). */
function headOrTail(short: readonly string[], long: readonly string[]): boolean {
  if (short.length === 0 || short.length >= long.length) return false;
  let head = true;
  for (let i = 0; head && i < short.length; i++) head = short[i] === long[i];
  if (head) return true;
  const from = long.length - short.length;
  for (let i = 0; i < short.length; i++) if (short[i] !== long[from + i]) return false;
  return true;
}

/**
 * One name is the first or last part of the other (a hotline fragment: 格桑 for 格桑多吉; 浩然 for 李浩然;
 * Tashi for 扎西卓玛; Zihan for 张子涵).
 */
function isPart(a: NormalisedName, b: NormalisedName): boolean {
  if (a.tibetan && b.tibetan) return headOrTail(a.tibetan, b.tibetan) || headOrTail(b.tibetan, a.tibetan);
  const short = a.pinyin.length <= b.pinyin.length ? a : b;
  const long = short === a ? b : a;
  if (!hanLike(short) || !hanLike(long)) {
    // Latin letters on one side: the pinyin of a given name (4 letters or more) starting or ending the other,
    // or the one-syllable given name of a two-character Han name (XIU for 陈秀).
    if (long.han && long.syllables.length === 2 && !short.han && !short.tibetan && short.pinyin === long.syllables[1]) return true;
    return (
      short.pinyin.length >= 4 && long.pinyin.length - short.pinyin.length >= 2 && (long.pinyin.startsWith(short.pinyin) || long.pinyin.endsWith(short.pinyin))
    );
  }
  // A one-character given name alone (熙 for 高熙): most Han given names of two-character names are one character.
  if (short.han && long.han && short.text.length === 1 && long.text.length === 2 && !long.tibetan) return long.text[1] === short.text;
  if (short.text.length < 2 || long.text.length - short.text.length < 1) return false;
  if (long.text.startsWith(short.text) || long.text.endsWith(short.text)) return true;
  // The same, heard: the fragment's syllables are the start or end of the longer name's (a homophone typo).
  // Only the very syllables: fuzzy sounds would make a sister's name (李艳 for 李洋萍) a fragment.
  return headOrTail(short.syllables, long.syllables);
}

/** Written in Chinese characters or in known Tibetan parts. */
const hanLike = (n: NormalisedName) => n.han || !!n.tibetan;

function compareName(a: NormalisedName | undefined, b: NormalisedName | undefined): number {
  if (!a || !b) return NAME.missing;
  if (a.text === b.text) return NAME.exact;
  // The same sound, or the same Tibetan name in another transcription (扎喜卓嘛, Tashi Dolma), or the other name order.
  if (a.pinyin === b.pinyin || a.reversed === b.pinyin || b.reversed === a.pinyin) return NAME.pinyin;
  if (a.tibetan && b.tibetan) {
    // Both written in known Tibetan parts: a part missing is a fragment; a part that differs is another
    // name (扎西次仁 and 扎西顿珠 are brothers, 卓玛 and 卓嘎 two names), never one misheard.
    return isPart(a, b) ? NAME.part : NAME.different;
  }
  if (hanLike(a) && hanLike(b)) {
    if (soundsAlike(a.syllables, b.syllables)) return NAME.sound;
    if (a.han && b.han && (a.tibetan || b.tibetan) && a.text.length === b.text.length) {
      // A Tibetan name with one part mistyped by a look-alike character (次仁欠旦 for 次仁次旦, 央古多杰 for
      // 央金多吉): each known part in its canonical form, one character apart.
      const x = canonicalChunks(a.text);
      const y = canonicalChunks(b.text);
      if (x && y && boundedEditDistance(x, y, 1) <= 1) return NAME.close;
    }
    if (isPart(a, b)) return NAME.part;
    if (a.han && b.han && a.text.length >= 2 && boundedEditDistance(a.text, b.text, 1) <= 1) return NAME.close;
    return NAME.different;
  }
  if (isPart(a, b)) return NAME.part;
  // Latin transliterations: spelling slips.
  return Math.min(a.pinyin.length, b.pinyin.length) >= 5 && boundedEditDistance(a.pinyin, b.pinyin, 2) <= 2 ? NAME.close : NAME.different;
}

const code = (s: string, i: number) => s.charCodeAt(i);

function compareDate(a: string | undefined, b: string | undefined): number {
  if (!a || !b) return 4;
  if (a === b) return 0;
  let diff = 0;
  for (let i = 0; i < 10; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) diff++;
  if (diff === 1) return 2;
  // One year off, same month and day (an age-based entry: 2019 written 2020): a typo apart too.
  if (a.slice(4) === b.slice(4) && Math.abs(Number(a.slice(0, 4)) - Number(b.slice(0, 4))) === 1) return 2;
  // Same year, month and day exchanged (YYYY-MM-DD: month at 5-6, day at 8-9).
  const c = code;
  const sameYear = c(a, 0) === c(b, 0) && c(a, 1) === c(b, 1) && c(a, 2) === c(b, 2) && c(a, 3) === c(b, 3);
  if (sameYear && c(a, 5) === c(b, 8) && c(a, 6) === c(b, 9) && c(a, 8) === c(b, 5) && c(a, 9) === c(b, 6)) return 1;
  return 3;
}

function compareId(a: MatchRecord['id'], b: MatchRecord['id']): number {
  if (!a || !b) return ID.missing;
  if (a.value === b.value) return a.valid ? ID.exact : ID.near;
  if (a.valid && b.valid) return ID.different;
  // One mistyped: a single substituted digit or two adjacent digits swapped.
  let diff = 0;
  let first = -1;
  for (let i = 0; i < 18; i++) {
    if (a.value.charCodeAt(i) !== b.value.charCodeAt(i)) {
      if (first < 0) first = i;
      diff++;
    }
  }
  if (diff === 1) return ID.near;
  if (diff === 2 && a.value[first] === b.value[first + 1] && a.value[first + 1] === b.value[first]) return ID.near;
  return ID.mismatch;
}

function samePrefecture(x: string, y: string): boolean {
  return (
    x.charCodeAt(0) === y.charCodeAt(0) && x.charCodeAt(1) === y.charCodeAt(1) && x.charCodeAt(2) === y.charCodeAt(2) && x.charCodeAt(3) === y.charCodeAt(3)
  );
}

function compareRegion(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 3;
  let best = 2;
  for (const x of a)
    for (const y of b) {
      if (x === y) return 0;
      if (samePrefecture(x, y)) best = 1;
    }
  return best;
}

function compareGuardian(a: NormalisedName | undefined, b: NormalisedName | undefined): number {
  const level = compareName(a, b);
  return level === NAME.missing ? 3 : level <= NAME.pinyin ? 0 : level <= NAME.close ? 1 : 2;
}

const eq = (a: string | undefined, b: string | undefined, missing: number) => (!a || !b ? missing : a === b ? 0 : 1);

/**
 * Whether the two rows name different guardians on purpose: both say who the guardian is, and it is not
 * the same person (the father on one list, the mother or a grandparent on another). Then a different
 * guardian's name and phone are what one child's rows look like, not evidence of two children.
 */
function otherGuardian(a: MatchRecord, b: MatchRecord): boolean {
  return !!a.guardianRelation && !!b.guardianRelation && a.guardianRelation !== b.guardianRelation;
}

/** One level per field, in FIELDS order. */
export function compareRecords(a: MatchRecord, b: MatchRecord): number[] {
  return decodePattern(comparePattern(a, b));
}

/**
 * `encodePattern(compareRecords(a, b))` without building the levels: the candidate pairs of a province
 * (tens of millions) are compared through this, so no array is allocated per pair. The one place that says
 * how two records' fields compare.
 */
export function comparePattern(a: MatchRecord, b: MatchRecord): number {
  const other = otherGuardian(a, b);
  let guardian = compareGuardian(a.guardianName, b.guardianName);
  let phone = eq(a.guardianPhone, b.guardianPhone, 2);
  if (other) {
    if (guardian === 2) guardian = 3;
    if (phone === 1) phone = 2;
  }
  let code = compareName(a.name, b.name);
  code = code * RADIX_BIRTH + compareDate(a.birthDate, b.birthDate);
  code = code * RADIX_ID + compareId(a.id, b.id);
  code = code * RADIX_SEX + (!a.sex || !b.sex ? 2 : a.sex === b.sex ? 0 : 1);
  code = code * RADIX_REGION + compareRegion(a.regions, b.regions);
  code = code * RADIX_GUARDIAN + guardian;
  code = code * RADIX_PHONE + phone;
  return code * RADIX_SCHOOL + eq(a.school, b.school, 2);
}
// The radix of every field but the first (the name's level is the highest digit).
const [RADIX_BIRTH, RADIX_ID, RADIX_SEX, RADIX_REGION, RADIX_GUARDIAN, RADIX_PHONE, RADIX_SCHOOL] = RADIX.slice(1) as [
  number,
  number,
  number,
  number,
  number,
  number,
  number,
];

export function encodePattern(levels: readonly number[]): number {
  let code = 0;
  for (let i = 0; i < FIELD_COUNT; i++) code = code * RADIX[i]! + levels[i]!;
  return code;
}

export function decodePattern(code: number): number[] {
  const levels = new Array<number>(FIELD_COUNT);
  for (let i = FIELD_COUNT - 1; i >= 0; i--) {
    levels[i] = code % RADIX[i]!;
    code = Math.floor(code / RADIX[i]!);
  }
  return levels;
}

export type Veto = 'ID_CONFLICT' | 'NAME_CONFLICT' | 'BIRTHDATE_CONFLICT' | 'SEX_CONFLICT' | 'NAME_DOUBT' | 'WEAK_EVIDENCE';

/**
 * Pairs that must never link automatically, whatever their score (they may
 * still be reviewed): two valid, different identity numbers; an entirely
 * different name (the twin pattern: same guardian, birthday, surname; or a
 * sibling's number copied onto a row), a different birth date or sex — with
 * the same valid number too, for a number can be copied wrong; without an
 * identity number agreeing, a name that differs by a character of another
 * sound or is only part of the other (`NAME_DOUBT`: a typo, or a twin), and
 * pairs with no evidence beyond name and birth date, which different children
 * with a common name share (扎西卓玛 born the same day).
 */
export function hardNegative(levels: readonly number[]): Veto | undefined {
  if (levels[2] === ID.different && !sameChildDespiteNumbers(levels)) return 'ID_CONFLICT';
  if (levels[0] === NAME.different) return 'NAME_CONFLICT';
  // A name one character apart and, on top, a contradicted birth date or sex, without a valid number agreeing:
  // a sibling sharing the generation character (王子涵, 王子轩 born two years later), not one child's row with
  // two independent mistakes.
  if (levels[0] === NAME.close && levels[2] !== ID.exact && (levels[1] === 3 || levels[3] === 1)) return 'NAME_CONFLICT';
  if (levels[1] === 3) return 'BIRTHDATE_CONFLICT';
  if (levels[3] === 1) return 'SEX_CONFLICT';
  if (levels[2] === ID.exact) return undefined;
  if (levels[0] === NAME.close && levels[2] !== ID.near) return 'NAME_DOUBT';
  const evidence = corroboration(levels);
  // A fragment of a name needs the family's own evidence: the guardian's phone, the school or a nearly equal
  // number, or the guardian's name in the same county (a guardian's name alone is shared by too many families
  // where a few names dominate).
  if (levels[0] === NAME.part && !(levels[2] === ID.near || levels[6] === 0 || levels[7] === 0 || (levels[5] === 0 && levels[4] === 0))) return 'WEAK_EVIDENCE';
  return evidence === 'none' ? 'WEAK_EVIDENCE' : undefined;
}

/**
 * Two valid, different ID numbers, and yet one child: the same name (or its sound), the same birth date and
 * sex, and the family's own evidence (the guardian's phone or name, or the school). A mistyped number passes
 * the check character about one time in eleven; a sibling's number copied onto the row comes with the
 * sibling's name or birth date, and twins never share a name.
 */
export function sameChildDespiteNumbers(levels: readonly number[]): boolean {
  return levels[0]! <= NAME.pinyin && levels[1] === 0 && levels[3] === 0 && (levels[5] === 0 || levels[6] === 0 || levels[7] === 0);
}

/**
 * The guardian's name in the same county is all that corroborates the name: no birth date, and no phone, school or
 * nearly equal number (a hotline row, or a row whose other fields changed).
 */
export function guardianNameOnly(levels: readonly number[]): boolean {
  return levels[1] === MISSING[1] && levels[5] === 0 && levels[4] === 0 && levels[2] !== ID.near && levels[6] !== 0 && levels[7] !== 0;
}

/**
 * Evidence beyond name and birth date. Strong: a nearly equal ID number, the
 * guardian's phone, the school, or the guardian's name in the same county.
 * County only: the same county and nothing else, which a province with few
 * counties shares among many children; the Scorer accepts it for rare names only.
 */
export function corroboration(levels: readonly number[]): 'strong' | 'county' | 'none' {
  if (levels[2] === ID.near || levels[6] === 0 || levels[7] === 0 || (levels[5] === 0 && levels[4] === 0)) return 'strong';
  return levels[4] === 0 || levels[5] === 0 ? 'county' : 'none';
}
