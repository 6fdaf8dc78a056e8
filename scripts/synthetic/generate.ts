/**
 * Synthetic agency lists with ground truth, for tests and the matching benchmark.
 * A population of children (profile `tibet`: Tibetan names from a few dominant
 * parts, few counties; `shanghai`: Han names with popular given names, migrant
 * families) with twins and siblings (same guardians, phone and address) is
 * sampled into five agency lists, each with its own data quality: civil affairs
 * best, the 12355 hotline (youth league) poorest. Noise: homophone and
 * look-alike typos, traditional characters, transliteration variants of
 * Tibetan names, partial names (hotline fragments), missing, mistyped, legacy
 * and wrong (another child's) ID numbers, date formats, swapped day/month,
 * one-digit and one-year dates, the other parent as guardian, changed phones,
 * category and sex spellings (some that no table knows), names in Latin letters
 * (pinyin, or the English romanisation of a Tibetan name: Tashi Dolma), near-
 * homonym Tibetan names that are different names (卓玛/卓嘎), twins sharing a
 * name part and siblings sharing a generation character, and hotline fragments
 * carrying only a name and a phone. Deterministic for a seed.
 */
import { checkCharacter } from '../../schemas/id-number';
import {
  CATEGORY_SPELLINGS,
  HAN_GIVEN,
  HAN_SURNAMES,
  MIGRANT_DESTINATIONS,
  MIGRANT_ORIGINS,
  PLACE_NAMES,
  POPULAR_GIVEN,
  SCHOOL_SUFFIXES,
  SEX_SPELLINGS,
  SHANGHAI_DISTRICTS,
  TIBET_COUNTIES,
  TIBETAN_PARTS,
} from './names';
import { formatDate, idStyle, noisyDate, noisyName, pick, typoId, wrongId } from './noise';
import { type AgencyProfile, type PopulationProfile, PROFILES } from './profiles';

export { PROFILES, POPULATION_PROFILES, type AgencyProfile, type PopulationProfile } from './profiles';

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

export interface Guardian {
  name: string;
  phone: string;
  relation: string;
}

export interface Child {
  id: number;
  name: string;
  tibetan: boolean;
  /** The given name (Han) or the two parts (Tibetan), for partial names. */
  parts: string[];
  /** Other guardians an agency may list instead (the other parent, a grandparent). */
  otherGuardians: Guardian[];
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
  /** Another child of the family (twin or sibling), whose ID number a careless row may carry. */
  siblingId?: string;
}

function weighted<T>(r: () => number, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let x = r() * total;
  for (const [v, w] of items) {
    x -= w;
    if (x < 0) return v;
  }
  return items[items.length - 1]![0];
}

function tibetanParts(r: () => number): [string, string] {
  const a = weighted(r, TIBETAN_PARTS);
  let b = weighted(r, TIBETAN_PARTS);
  while (b === a) b = weighted(r, TIBETAN_PARTS);
  return [a, b];
}
function hanGiven(r: () => number, popular: number): string {
  if (r() < popular) return weighted(r, POPULAR_GIVEN);
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

const DAY = 86_400_000;

/** The population: `count` children of the profile, about 4% of families with twins or siblings. */
export function population(count: number, seed: number, profile: PopulationProfile = 'tibet'): Child[] {
  const r = rng(seed);
  const children: Child[] = [];
  const usedIds = new Set<string>();
  const start = Date.UTC(2008, 0, 1);
  const span = Date.UTC(2021, 0, 1) - start;
  const shanghai = profile === 'shanghai';
  while (children.length < count) {
    const tibetan = r() < (shanghai ? 0.03 : 0.7);
    const migrant = r() < (shanghai ? 0.6 : 0.1);
    const region = shanghai ? (migrant ? pick(r, MIGRANT_ORIGINS) : pick(r, SHANGHAI_DISTRICTS)) : pick(r, TIBET_COUNTIES);
    const current = shanghai ? pick(r, SHANGHAI_DISTRICTS) : migrant ? pick(r, MIGRANT_DESTINATIONS) : region;
    const surname = weighted(r, HAN_SURNAMES);
    const father = tibetan ? tibetanParts(r).join('') : surname + hanGiven(r, 0.05);
    const mother = tibetan || r() < 0.05 ? tibetanParts(r).join('') : weighted(r, HAN_SURNAMES) + hanGiven(r, 0.05);
    const grand = tibetan ? tibetanParts(r).join('') : surname + hanGiven(r, 0);
    const guardians: Guardian[] = [
      { name: father, phone: phone(r), relation: 'father' },
      { name: mother, phone: phone(r), relation: 'mother' },
      { name: grand, phone: phone(r), relation: 'grandparent' },
    ];
    // Left-behind children live with grandparents: the first-listed guardian varies by family.
    const order = r() < 0.5 ? [0, 1, 2] : r() < 0.5 ? [1, 0, 2] : [2, 0, 1];
    const place = PLACE_NAMES[current] ?? '';
    const family = {
      tibetan,
      householdRegion: region,
      currentRegion: current,
      guardianName: guardians[order[0]!]!.name,
      guardianPhone: guardians[order[0]!]!.phone,
      guardianRelation: guardians[order[0]!]!.relation,
      otherGuardians: [guardians[order[1]!]!, guardians[order[2]!]!],
      school: `${place}${pick(r, SCHOOL_SUFFIXES)}`,
      address: `${place}${pick(r, ['幸福', '团结', '和平', '吉祥', '雪域', '康桑', '人民', '建设'])}路${1 + Math.floor(r() * 200)}号`,
    };
    const firstBirth = start + Math.floor(r() * (span / DAY)) * DAY;
    const kind = r();
    const siblings = kind < 0.02 ? 2 : kind < 0.04 ? 2 + Math.floor(r() * 2) : 1;
    const twins = kind < 0.02;
    const usedNames = new Set<string>();
    const firstId = children.length;
    // Han twins often share one character of the given name (子涵/子轩), siblings a generation character;
    // Tibetan twins and siblings often share one part of the name (扎西次仁/扎西顿珠).
    const sharedGiven = !tibetan && r() < (twins ? 0.6 : 0.3) ? pick(r, HAN_GIVEN) : undefined;
    const sharedPart = tibetan && r() < (twins ? 0.5 : 0.3) ? weighted(r, TIBETAN_PARTS) : undefined;
    for (let s = 0; s < siblings && children.length < count; s++) {
      const sex: 'M' | 'F' = r() < 0.5 ? 'M' : 'F';
      const birthDate = new Date(twins || s === 0 ? firstBirth : firstBirth - (1 + Math.floor(r() * 5)) * 365 * DAY - Math.floor(r() * 200) * DAY)
        .toISOString()
        .slice(0, 10);
      let name: string;
      let parts: string[];
      do {
        if (tibetan) {
          parts = tibetanParts(r);
          if (sharedPart && siblings > 1 && !parts.includes(sharedPart)) parts[r() < 0.5 ? 0 : 1] = sharedPart;
        } else {
          const given = sharedGiven && siblings > 1 ? sharedGiven + pick(r, HAN_GIVEN) : hanGiven(r, shanghai ? 0.45 : 0.2);
          parts = [given];
        }
        name = tibetan ? parts.join('') : surname + parts[0]!;
      } while (usedNames.has(name));
      usedNames.add(name);
      children.push({
        id: children.length,
        name,
        parts,
        sex,
        birthDate,
        idNumber: idNumber(region, birthDate, sex, r, usedIds),
        ...family,
        ...(s > 0 && { twinOf: firstId }),
      });
    }
    for (let s = firstId; s < children.length && children.length - firstId > 1; s++) {
      children[s]!.siblingId = children[s === firstId ? firstId + 1 : firstId]!.idNumber;
    }
  }
  return children;
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
const RISK_ZH: Record<string, string> = { low: '低', medium: '中', high: '高风险', none: '无' };
const RELATION_ZH: Record<string, string> = { father: '父亲', mother: '母亲', grandparent: '祖父母' };

function categoryCell(category: string, p: AgencyProfile, r: () => number): string {
  if (r() < p.unmapped) return pick(r, CATEGORY_SPELLINGS.unmapped!);
  if (r() < p.spellingNoise) return pick(r, CATEGORY_SPELLINGS[category]!);
  return p.header === 'zh' ? CATEGORY_ZH[category]! : category;
}

/**
 * A hotline fragment: the caller gives the child's name (often part of it), their own name and phone,
 * nothing else (the record schema keeps a phone only with the guardian's name and relation).
 */
function fragmentRow(child: Child, p: AgencyProfile, serial: number, r: () => number): ListRow {
  const name = noisyName(child, { ...p, partialName: 0.5 }, r);
  const guardian =
    r() < p.otherGuardian ? pick(r, child.otherGuardians) : { name: child.guardianName, phone: child.guardianPhone, relation: child.guardianRelation };
  return {
    externalId: `${p.prefix}-${String(serial).padStart(7, '0')}`,
    name,
    sex: '',
    birthDate: '',
    idNumber: '',
    householdRegion: '',
    currentRegion: r() < 0.5 ? child.currentRegion : '',
    address: '',
    guardianName: guardian.name,
    guardianPhone: r() < p.phoneChanged ? phone(r) : guardian.phone,
    guardianRelation: p.header === 'zh' ? (RELATION_ZH[guardian.relation] ?? guardian.relation) : guardian.relation,
    school: '',
    categories: '',
    riskLevel: '',
  };
}

/** One agency's row for a child, with that agency's noise. */
export function rowFor(child: Child, p: AgencyProfile, serial: number, r: () => number): ListRow {
  if (r() < p.fragmentOnly) return fragmentRow(child, p, serial, r);
  const name = noisyName(child, p, r);
  const idRaw = r() < p.idMissing ? '' : r() < p.idTypo ? typoId(child.idNumber, r) : r() < p.idWrong ? wrongId(child, r) : child.idNumber;
  const id = idRaw && r() < p.idLegacy ? idStyle(idRaw, r) : idRaw;
  const birth = r() < p.dateMissing ? '' : formatDate(noisyDate(child.birthDate, p, r), p.dateFormat, r);
  const guardianMissing = r() < p.guardianMissing;
  const guardian =
    r() < p.otherGuardian ? pick(r, child.otherGuardians) : { name: child.guardianName, phone: child.guardianPhone, relation: child.guardianRelation };
  const category =
    child.twinOf !== undefined || r() < 0.4
      ? 'left_behind'
      : pick(r, ['orphan', 'de_facto_unsupported', 'migrant', 'low_income_family', 'serious_illness_or_disability']);
  const sex =
    r() < p.sexMissing
      ? ''
      : r() < p.spellingNoise * 0.3
        ? pick(r, SEX_SPELLINGS[child.sex])
        : p.sexStyle === 'zh'
          ? child.sex === 'M'
            ? '男'
            : '女'
          : child.sex;
  const risk = pick(r, RISK);
  return {
    externalId: `${p.prefix}-${String(serial).padStart(7, '0')}`,
    name,
    sex,
    birthDate: birth,
    idNumber: id,
    householdRegion: child.householdRegion,
    currentRegion: r() < 0.1 ? '' : child.currentRegion,
    address: r() < 0.2 ? '' : child.address,
    guardianName: guardianMissing ? '' : guardian.name,
    guardianPhone: guardianMissing ? '' : r() < p.phoneChanged ? phone(r) : guardian.phone,
    guardianRelation: guardianMissing ? '' : p.header === 'zh' ? (RELATION_ZH[guardian.relation] ?? guardian.relation) : guardian.relation,
    school: r() < p.schoolMissing ? '' : child.school,
    categories: categoryCell(category, p, r),
    riskLevel: p.header === 'zh' ? RISK_ZH[risk]! : risk,
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
export function generateLists(options: { perAgency: number; children?: number; seed?: number; profile?: PopulationProfile }): {
  children: Child[];
  lists: GeneratedList[];
} {
  const seed = options.seed ?? 20231026;
  const children = population(options.children ?? Math.ceil(options.perAgency * 1.75), seed, options.profile ?? 'tibet');
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
