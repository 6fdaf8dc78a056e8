/** Noise an agency adds to a child's row: name typos and transcriptions, Latin spellings, ID number and date mistakes. */
import * as OpenCC from 'opencc-js/cn2t';
import { toPinyin } from '../../lambdas/domain/matching/normalise';
import { checkCharacter } from '../../schemas/id-number';
import type { Child } from './generate';
import { HOMOPHONES, LOOKALIKES, TIBETAN_LATIN, TIBETAN_VARIANTS } from './names';
import type { AgencyProfile } from './profiles';

const toTraditional: (s: string) => string = (OpenCC as unknown as { Converter: (o: object) => (t: string) => string }).Converter({ from: 'cn', to: 't' });

export const pick = <T>(r: () => number, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;

function mutateChar(name: string, table: Record<string, string | string[]>, r: () => number): string {
  const positions = [...name].map((c, i) => (table[c] ? i : -1)).filter((i) => i >= 0);
  if (positions.length === 0) return name;
  const i = pick(r, positions);
  const chars = [...name];
  const options = table[chars[i]!]!;
  chars[i] = Array.isArray(options) ? pick(r, options) : options;
  return chars.join('');
}

export function typoId(id: string, r: () => number): string {
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

/** A valid number that is not the child's: the sibling's, or a sequence-digit typo with its check digit recomputed. */
export function wrongId(child: Child, r: () => number): string {
  if (child.siblingId && r() < 0.5) return child.siblingId;
  const first17 = child.idNumber.slice(0, 17).split('');
  const i = 14 + Math.floor(r() * 2);
  first17[i] = String((Number(first17[i]) + 1 + Math.floor(r() * 9)) % 10);
  const body = first17.join('');
  return body + checkCharacter(body);
}

/** How an ID number is written: legacy 15 digits, lower-case x, spaces. */
export function idStyle(id: string, r: () => number): string {
  const x = r();
  if (x < 0.4 && /^\d{6}(19)\d{9}[\dX]$/.test(id)) return id.slice(0, 6) + id.slice(8, 17);
  if (x < 0.7) return id.toLowerCase();
  return `${id.slice(0, 6)} ${id.slice(6, 14)} ${id.slice(14)}`;
}

export function formatDate(iso: string, format: AgencyProfile['dateFormat'], r: () => number): string {
  const [y, m, d] = iso.split('-') as [string, string, string];
  const f = format === 'mixed' ? pick(r, ['iso', 'slash', 'compact', 'zh'] as const) : format;
  if (f === 'slash') return `${y}/${Number(m)}/${Number(d)}`;
  if (f === 'compact') return `${y}${m}${d}`;
  if (f === 'zh') return `${y}年${Number(m)}月${Number(d)}日`;
  return iso;
}

export function noisyDate(iso: string, p: AgencyProfile, r: () => number): string {
  const [y, m, d] = iso.split('-') as [string, string, string];
  if (r() < p.dateSwap && Number(d) <= 12 && m !== d) return `${y}-${d}-${m}`;
  if (r() < p.dateDigit) {
    // One digit off in the day (keeps the date valid).
    const day = Number(d);
    const other = day >= 20 ? day - 10 : day + 10 <= 28 ? day + 10 : day - 1;
    return `${y}-${m}-${String(other).padStart(2, '0')}`;
  }
  if (r() < p.yearOff) return `${Number(y) + (r() < 0.5 ? -1 : 1)}-${m}-${d}`;
  return iso;
}

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const pinyinWord = (han: string) => capitalised(toPinyin(han).join(''));

/** The name in Latin letters: a Tibetan name in its English romanisation or pinyin, a Han name in pinyin. */
function latinName(child: Child, partial: boolean, r: () => number): string {
  if (child.tibetan) {
    const parts = partial ? [child.parts[r() < 0.5 ? 0 : 1]!] : child.parts;
    const name = parts.map((part) => (TIBETAN_LATIN[part] ? pick(r, TIBETAN_LATIN[part]!) : pinyinWord(part))).join(' ');
    return r() < 0.2 ? name.toUpperCase() : name;
  }
  const surname = child.name.slice(0, child.name.length - child.parts[0]!.length);
  const given = pinyinWord(child.parts[0]!);
  const name = partial ? given : r() < 0.8 ? `${pinyinWord(surname)} ${given}` : `${given} ${pinyinWord(surname)}`;
  return r() < 0.3 ? name.toUpperCase() : name;
}

export function noisyName(child: Child, p: AgencyProfile, r: () => number): string {
  if (r() < p.latin) return latinName(child, r() < p.partialName, r);
  let name = child.name;
  if (child.tibetan) {
    const parts = [...child.parts];
    if (r() < p.variant) {
      const k = r() < 0.5 ? 0 : 1;
      const options = TIBETAN_VARIANTS[parts[k]!];
      if (options) parts[k] = pick(r, options);
      // Sometimes both halves are transcribed differently.
      if (r() < 0.25) {
        const other = TIBETAN_VARIANTS[parts[1 - k]!];
        if (other) parts[1 - k] = pick(r, other);
      }
    }
    // Hotline fragments: the caller gives one half of the name.
    name = r() < p.partialName ? parts[r() < 0.5 ? 0 : 1]! : parts.join('');
  } else if (r() < p.partialName) name = child.parts[0]!;
  if (r() < p.homophone) name = mutateChar(name, HOMOPHONES, r);
  if (r() < p.lookalike) name = mutateChar(name, LOOKALIKES, r);
  if (r() < p.traditional) name = toTraditional(name);
  if (child.tibetan && name.length === 4 && r() < 0.03) name = `${name.slice(0, 2)}·${name.slice(2)}`;
  return name;
}
