/**
 * Synthetic agency lists with ground truth, for tests and the matching benchmark.
 * A population of children (Tibetan and Han names, twins, migrants) is sampled
 * into five agency lists, each with its own data quality: civil affairs best,
 * the 12355 hotline (youth league) poorest. Noise: homophone and look-alike
 * typos, traditional characters, transliteration variants, missing and
 * mistyped ID numbers, date formats, swapped day/month, one-digit dates,
 * changed phones, missing guardians. Deterministic for a given seed.
 */
import * as OpenCC from 'opencc-js/cn2t';
import { checkCharacter } from '../../schemas/id-number';
import type { AgencyType } from '../../schemas/child-record';
import {
  HAN_GIVEN,
  HAN_SURNAMES,
  HOMOPHONES,
  LOOKALIKES,
  MIGRANT_DESTINATIONS,
  PLACE_NAMES,
  SCHOOL_SUFFIXES,
  TIBET_COUNTIES,
  TIBETAN_PARTS,
  TIBETAN_VARIANTS,
} from './names';

const toTraditional: (s: string) => string = (OpenCC as unknown as { Converter: (o: object) => (t: string) => string }).Converter({ from: 'cn', to: 't' });

/** mulberry32: small, fast, seedable. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Child {
  id: number;
  name: string;
  tibetan: boolean;
  sex: 'M' | 'F';
  birthDate: string;
  idNumber: string;
  householdRegion: string;
  currentRegion: string;
  guardianName: string;
  guardianPhone: string;
  guardianRelation: string;
  school: string;
  address: string;
  twinOf?: number;
}

export interface AgencyProfile {
  type: AgencyType;
  prefix: string;
  header: 'en' | 'zh';
  bom: boolean;
  sexStyle: 'MF' | 'zh';
  dateFormat: 'iso' | 'slash' | 'compact' | 'zh' | 'mixed';
  idMissing: number;
  idTypo: number;
  homophone: number;
  lookalike: number;
  traditional: number;
  variant: number;
  dateSwap: number;
  dateDigit: number;
  dateMissing: number;
  sexMissing: number;
  phoneChanged: number;
  guardianMissing: number;
  schoolMissing: number;
}

export const PROFILES: readonly AgencyProfile[] = [
  {
    type: 'civil_affairs',
    prefix: 'MZ',
    header: 'zh',
    bom: true,
    sexStyle: 'zh',
    dateFormat: 'iso',
    idMissing: 0.03,
    idTypo: 0.01,
    homophone: 0.01,
    lookalike: 0.005,
    traditional: 0.005,
    variant: 0.03,
    dateSwap: 0.003,
    dateDigit: 0.003,
    dateMissing: 0,
    sexMissing: 0,
    phoneChanged: 0.05,
    guardianMissing: 0.02,
    schoolMissing: 0.2,
  },
  {
    type: 'education',
    prefix: 'JY',
    header: 'en',
    bom: false,
    sexStyle: 'MF',
    dateFormat: 'slash',
    idMissing: 0.08,
    idTypo: 0.02,
    homophone: 0.02,
    lookalike: 0.01,
    traditional: 0.01,
    variant: 0.05,
    dateSwap: 0.01,
    dateDigit: 0.01,
    dateMissing: 0,
    sexMissing: 0,
    phoneChanged: 0.1,
    guardianMissing: 0.05,
    schoolMissing: 0.02,
  },
  {
    type: 'health',
    prefix: 'WJ',
    header: 'en',
    bom: true,
    sexStyle: 'MF',
    dateFormat: 'compact',
    idMissing: 0.1,
    idTypo: 0.02,
    homophone: 0.03,
    lookalike: 0.01,
    traditional: 0.02,
    variant: 0.05,
    dateSwap: 0.01,
    dateDigit: 0.01,
    dateMissing: 0.01,
    sexMissing: 0.01,
    phoneChanged: 0.15,
    guardianMissing: 0.1,
    schoolMissing: 0.6,
  },
  {
    type: 'womens_federation',
    prefix: 'FL',
    header: 'zh',
    bom: false,
    sexStyle: 'zh',
    dateFormat: 'zh',
    idMissing: 0.3,
    idTypo: 0.03,
    homophone: 0.03,
    lookalike: 0.01,
    traditional: 0.02,
    variant: 0.06,
    dateSwap: 0.015,
    dateDigit: 0.015,
    dateMissing: 0.02,
    sexMissing: 0.02,
    phoneChanged: 0.15,
    guardianMissing: 0.05,
    schoolMissing: 0.5,
  },
  {
    type: 'youth_league',
    prefix: 'TW',
    header: 'zh',
    bom: true,
    sexStyle: 'zh',
    dateFormat: 'mixed',
    idMissing: 0.7,
    idTypo: 0.05,
    homophone: 0.06,
    lookalike: 0.02,
    traditional: 0.03,
    variant: 0.1,
    dateSwap: 0.02,
    dateDigit: 0.02,
    dateMissing: 0.08,
    sexMissing: 0.1,
    phoneChanged: 0.25,
    guardianMissing: 0.4,
    schoolMissing: 0.5,
  },
];

function weighted<T>(r: () => number, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let x = r() * total;
  for (const [v, w] of items) {
    x -= w;
    if (x < 0) return v;
  }
  return items[items.length - 1]![0];
}
const pick = <T>(r: () => number, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;

function tibetanName(r: () => number): string {
  const a = weighted(r, TIBETAN_PARTS);
  let b = weighted(r, TIBETAN_PARTS);
  while (b === a) b = weighted(r, TIBETAN_PARTS);
  return a + b;
}
function hanGiven(r: () => number): string {
  return r() < 0.3 ? pick(r, HAN_GIVEN) : pick(r, HAN_GIVEN) + pick(r, HAN_GIVEN);
}
const phone = (r: () => number) => `1${pick(r, ['3', '5', '7', '8', '9'])}${String(Math.floor(r() * 1e9)).padStart(9, '0')}`;

/** A unique identity number (like the real register): odd sequence for boys, even for girls. */
function idNumber(region: string, birth: string, sex: 'M' | 'F', r: () => number, used: Set<string>): string {
  for (;;) {
    const seq = Math.floor(r() * 500) * 2 + (sex === 'M' ? 1 : 0);
    const first17 = `${region}${birth.replaceAll('-', '')}${String(seq).padStart(3, '0')}`;
    if (used.has(first17)) continue;
    used.add(first17);
    return first17 + checkCharacter(first17);
  }
}

/** The population: `count` children, about 2% of them twins. */
export function population(count: number, seed: number): Child[] {
  const r = rng(seed);
  const children: Child[] = [];
  const usedIds = new Set<string>();
  const start = Date.UTC(2008, 0, 1);
  const span = Date.UTC(2021, 0, 1) - start;
  while (children.length < count) {
    const tibetan = r() < 0.7;
    const region = pick(r, TIBET_COUNTIES);
    const migrant = r() < 0.1;
    const birthDate = new Date(start + Math.floor(r() * (span / 86_400_000)) * 86_400_000).toISOString().slice(0, 10);
    const surname = weighted(r, HAN_SURNAMES);
    const guardianTibetan = tibetan || r() < 0.1;
    const guardianName = guardianTibetan ? tibetanName(r) : (r() < 0.7 ? surname : weighted(r, HAN_SURNAMES)) + hanGiven(r);
    const place = PLACE_NAMES[region] ?? '';
    const family = {
      tibetan,
      birthDate,
      householdRegion: region,
      currentRegion: migrant ? pick(r, MIGRANT_DESTINATIONS) : region,
      guardianName,
      guardianPhone: phone(r),
      guardianRelation: pick(r, ['father', 'mother', 'grandparent', 'grandparent', 'other_relative', 'entrusted_carer']),
      school: `${place}${pick(r, SCHOOL_SUFFIXES)}`,
      address: `${place}${pick(r, ['幸福', '团结', '和平', '吉祥', '雪域', '康桑'])}路${1 + Math.floor(r() * 200)}号`,
    };
    const siblings = r() < 0.02 ? 2 : 1;
    const usedNames = new Set<string>();
    const firstId = children.length;
    for (let s = 0; s < siblings && children.length < count; s++) {
      const sex: 'M' | 'F' = r() < 0.5 ? 'M' : 'F';
      let name: string;
      do name = tibetan ? tibetanName(r) : surname + hanGiven(r);
      while (usedNames.has(name));
      usedNames.add(name);
      children.push({
        id: children.length,
        name,
        sex,
        idNumber: idNumber(region, birthDate, sex, r, usedIds),
        ...family,
        ...(s > 0 && { twinOf: firstId }),
      });
    }
  }
  return children;
}

function mutateChar(name: string, table: Record<string, string | string[]>, r: () => number): string {
  const positions = [...name].map((c, i) => (table[c] ? i : -1)).filter((i) => i >= 0);
  if (positions.length === 0) return name;
  const i = pick(r, positions);
  const chars = [...name];
  const options = table[chars[i]!]!;
  chars[i] = Array.isArray(options) ? pick(r, options) : options;
  return chars.join('');
}

function typoId(id: string, r: () => number): string {
  const chars = id.split('');
  if (r() < 0.5) {
    const i = Math.floor(r() * 17);
    chars[i] = String((Number(chars[i]) + 1 + Math.floor(r() * 9)) % 10);
  } else {
    const i = Math.floor(r() * 16);
    if (chars[i] === chars[i + 1]) chars[i] = String((Number(chars[i]) + 1) % 10);
    else [chars[i], chars[i + 1]] = [chars[i + 1]!, chars[i]!];
  }
  return chars.join('');
}

function formatDate(iso: string, format: AgencyProfile['dateFormat'], r: () => number): string {
  const [y, m, d] = iso.split('-') as [string, string, string];
  const f = format === 'mixed' ? pick(r, ['iso', 'slash', 'compact', 'zh'] as const) : format;
  if (f === 'slash') return `${y}/${Number(m)}/${Number(d)}`;
  if (f === 'compact') return `${y}${m}${d}`;
  if (f === 'zh') return `${y}年${Number(m)}月${Number(d)}日`;
  return iso;
}

function noisyDate(iso: string, p: AgencyProfile, r: () => number): string {
  const [y, m, d] = iso.split('-') as [string, string, string];
  if (r() < p.dateSwap && Number(d) <= 12 && m !== d) return `${y}-${d}-${m}`;
  if (r() < p.dateDigit) {
    // One digit off in the day (keeps the date valid).
    const day = Number(d);
    const other = day >= 20 ? day - 10 : day + 10 <= 28 ? day + 10 : day - 1;
    return `${y}-${m}-${String(other).padStart(2, '0')}`;
  }
  return iso;
}

export interface ListRow {
  externalId: string;
  name: string;
  sex: string;
  birthDate: string;
  idNumber: string;
  householdRegion: string;
  currentRegion: string;
  address: string;
  guardianName: string;
  guardianPhone: string;
  guardianRelation: string;
  school: string;
  categories: string;
  riskLevel: string;
}

const CATEGORY_ZH: Record<string, string> = { orphan: '孤儿', de_facto_unsupported: '事实无人抚养儿童', left_behind: '留守儿童', migrant: '流动儿童' };
const RISK = ['low', 'medium', 'high', 'none'];

/** One agency's row for a child, with that agency's noise. */
export function rowFor(child: Child, p: AgencyProfile, serial: number, r: () => number): ListRow {
  let name = child.name;
  if (child.tibetan && r() < p.variant) {
    const parts = [name.slice(0, 2), name.slice(2)];
    const k = r() < 0.5 ? 0 : 1;
    parts[k] = TIBETAN_VARIANTS[parts[k]!] ?? parts[k]!;
    name = parts.join('');
  }
  if (r() < p.homophone) name = mutateChar(name, HOMOPHONES, r);
  if (r() < p.lookalike) name = mutateChar(name, LOOKALIKES, r);
  if (r() < p.traditional) name = toTraditional(name);
  if (child.tibetan && r() < 0.02) name = `${name.slice(0, 2)}·${name.slice(2)}`;
  const id = r() < p.idMissing ? '' : r() < p.idTypo ? typoId(child.idNumber, r) : child.idNumber;
  const birth = r() < p.dateMissing ? '' : formatDate(noisyDate(child.birthDate, p, r), p.dateFormat, r);
  const guardianMissing = r() < p.guardianMissing;
  const category = child.twinOf !== undefined || r() < 0.5 ? 'left_behind' : pick(r, ['orphan', 'de_facto_unsupported', 'migrant']);
  return {
    externalId: `${p.prefix}-${String(serial).padStart(7, '0')}`,
    name,
    sex: r() < p.sexMissing ? '' : p.sexStyle === 'zh' ? (child.sex === 'M' ? '男' : '女') : child.sex,
    birthDate: birth,
    idNumber: id,
    householdRegion: child.householdRegion,
    currentRegion: r() < 0.1 ? '' : child.currentRegion,
    address: r() < 0.2 ? '' : child.address,
    guardianName: guardianMissing ? '' : child.guardianName,
    guardianPhone: guardianMissing ? '' : r() < p.phoneChanged ? phone(r) : child.guardianPhone,
    guardianRelation: guardianMissing ? '' : child.guardianRelation,
    school: r() < p.schoolMissing ? '' : child.school,
    categories: p.header === 'zh' ? CATEGORY_ZH[category]! : category,
    riskLevel: pick(r, RISK),
  };
}

export interface GeneratedList {
  profile: AgencyProfile;
  rows: ListRow[];
  /** childId per row. */
  truth: number[];
}

/**
 * Five lists of `perAgency` rows each, drawn from a population of
 * `children` (default 1.75 x perAgency, so most children are on several lists).
 */
export function generateLists(options: { perAgency: number; children?: number; seed?: number }): { children: Child[]; lists: GeneratedList[] } {
  const seed = options.seed ?? 20231026;
  const children = population(options.children ?? Math.ceil(options.perAgency * 1.75), seed);
  const lists = PROFILES.map((profile, k) => {
    const r = rng(seed * 31 + k + 1);
    // Sample perAgency distinct children (partial Fisher-Yates on an index array).
    const idx = Int32Array.from({ length: children.length }, (_, i) => i);
    const take = Math.min(options.perAgency, children.length);
    for (let i = 0; i < take; i++) {
      const j = i + Math.floor(r() * (idx.length - i));
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    const chosen = Array.from(idx.subarray(0, take));
    return { profile, rows: chosen.map((c, serial) => rowFor(children[c]!, profile, serial, r)), truth: chosen };
  });
  return { children, lists };
}
