/**
 * Blocking keys: a record is compared only with records sharing at least one
 * key. Several independent keys keep true pairs from being missed when one
 * field is wrong (a typo in the name, a swapped date, a missing ID number),
 * while each key stays selective. In the hub the keys are blind-indexed.
 */
import type { MatchRecord } from './match-record';

function sortedMonthDay(date: string): string {
  const m = date.slice(5, 7);
  const d = date.slice(8, 10);
  return m < d ? `${m}${d}` : `${d}${m}`;
}

export function blockingKeys(r: MatchRecord): string[] {
  const keys: string[] = [];
  if (r.id) {
    keys.push(`id:${r.id.value}`);
    // A mistyped number still agrees on region + birth date (first 14) or on the rest.
    keys.push(`idh:${r.id.value.slice(0, 14)}|${r.name?.first ?? ''}`);
  }
  if (r.name && r.birthDate) {
    keys.push(`nd:${r.name.pinyin}|${r.birthDate}`);
    // First syllable + date: a typo after the first character, or the first part of a name only.
    keys.push(`fd:${r.name.first}|${r.birthDate}`);
    // Last syllable + date: the first part transcribed differently (次仁/才仁), or the last part only.
    const last = r.name.syllables.at(-1);
    if (r.name.han && last && r.name.syllables.length > 1) keys.push(`ld:${last}|${r.birthDate}`);
    // Whole name + year + month and day in either order: swapped day and month.
    keys.push(`ns:${r.name.pinyin}|${r.birthDate.slice(0, 4)}|${sortedMonthDay(r.birthDate)}`);
    // Whole name + year + month + sex: a wrong day.
    if (r.sex) keys.push(`ny:${r.name.pinyin}|${r.birthDate.slice(0, 7)}|${r.sex}`);
    // Whole name + month and day: a wrong year (an age-based entry, 2012 written for 2013).
    keys.push(`nm:${r.name.pinyin}|${r.birthDate.slice(5)}`);
  }
  // Whole name + county, whole name + school: rows without a birth date (hotline and outreach lists
  // often have none); blocks of common names grow past the block limit and are skipped, rare names remain.
  if (r.name && r.regions[0]) keys.push(`nr:${r.name.pinyin}|${r.regions[0]}`);
  if (r.name && r.school) keys.push(`nc:${r.name.pinyin}|${r.school}`);
  // Household county + date: every name field mistyped at once (a county has a few children per birthday).
  if (r.regions[0] && r.birthDate) keys.push(`rd:${r.regions[0]}|${r.birthDate}`);
  if (r.guardianPhone) keys.push(`gp:${r.guardianPhone}`);
  if (r.guardianName && r.birthDate) keys.push(`gd:${r.guardianName.pinyin}|${r.birthDate}`);
  if (r.name && r.guardianName) {
    keys.push(`ng:${r.name.pinyin}|${r.guardianName.pinyin}`);
    // Guardian + first or last syllable: a hotline fragment (尼玛 for 多吉尼玛, 博文 for 张博文) with no birth date.
    keys.push(`gf:${r.guardianName.pinyin}|${r.name.first}`);
    const last = r.name.syllables.at(-1);
    if (last && r.name.syllables.length > 1) keys.push(`gl:${r.guardianName.pinyin}|${last}`);
  }
  return keys;
}
