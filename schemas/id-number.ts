/**
 * Resident identity numbers (GB 11643-1999).
 *
 * 18 digits: 6-digit division code, 8-digit birth date, 3-digit sequence, and a
 * check character computed with ISO 7064 MOD 11-2 (`0-9` or `X`). Legacy
 * 15-digit numbers (GB 11643-1989) carry a 2-digit year and no check character;
 * they are normalised to 18 by inserting the century `19` and computing the check.
 *
 * Pure functions, no I/O: used by the record schema, the matching engine and tests.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

/** Computes the ISO 7064 MOD 11-2 check character for the first 17 digits. */
export function checkCharacter(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new TypeError('checkCharacter expects 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17.charCodeAt(i) - 48) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

function isRealDate(yyyymmdd: string): boolean {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  if (y < 1900 || m < 1 || m > 12 || d < 1) return false;
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** Why an identity number was refused; stable values for reports and error details. */
export type IdNumberProblem = 'FORMAT' | 'BIRTH_DATE' | 'CHECK_DIGIT';

export type IdNumberResult = { ok: true; value: string; legacy: boolean } | { ok: false; problem: IdNumberProblem };

/**
 * Validates and normalises an identity number: trims, upper-cases `x`,
 * converts legacy 15-digit numbers to 18 digits.
 *
 * @example
 * normaliseIdNumber('11010519491231002x') // { ok: true, value: '11010519491231002X', legacy: false }
 */
export function normaliseIdNumber(input: string): IdNumberResult {
  const raw = input.trim().toUpperCase();
  if (/^\d{15}$/.test(raw)) {
    const first17 = `${raw.slice(0, 6)}19${raw.slice(6)}`;
    if (!isRealDate(first17.slice(6, 14))) return { ok: false, problem: 'BIRTH_DATE' };
    return { ok: true, value: first17 + checkCharacter(first17), legacy: true };
  }
  if (!/^\d{17}[\dX]$/.test(raw)) return { ok: false, problem: 'FORMAT' };
  if (!isRealDate(raw.slice(6, 14))) return { ok: false, problem: 'BIRTH_DATE' };
  if (checkCharacter(raw.slice(0, 17)) !== raw[17]) return { ok: false, problem: 'CHECK_DIGIT' };
  return { ok: true, value: raw, legacy: false };
}

/** Birth date (YYYY-MM-DD) encoded in a valid 18-digit identity number. */
export function birthDateOf(idNumber18: string): string {
  return `${idNumber18.slice(6, 10)}-${idNumber18.slice(10, 12)}-${idNumber18.slice(12, 14)}`;
}
