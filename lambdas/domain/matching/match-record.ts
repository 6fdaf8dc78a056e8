/** The normalised view of one record that matching works on. */
import { DEFAULT_LIST_SYNONYMS, spellingKey } from '../../../schemas/list-synonyms';
import { normaliseId, normaliseName, normalisePhone, normaliseText, parseDate, type NormalisedId, type NormalisedName } from './normalise';

/** Raw fields as an agency sends them (API record or list row); all optional but the keys. */
export interface MatchInput {
  readonly agency: string;
  readonly externalId: string;
  readonly name?: string | undefined;
  readonly sex?: string | undefined;
  readonly birthDate?: string | undefined;
  readonly idNumber?: string | undefined;
  readonly householdRegion?: string | undefined;
  readonly currentRegion?: string | undefined;
  readonly guardianName?: string | undefined;
  readonly guardianPhone?: string | undefined;
  /** Who the guardian is to the child (father, mother, grandparent, ...: the record schema's values). */
  readonly guardianRelation?: string | undefined;
  readonly school?: string | undefined;
}

export interface MatchRecord {
  readonly agency: string;
  readonly externalId: string;
  readonly name?: NormalisedName;
  readonly sex?: 'M' | 'F';
  /** YYYY-MM-DD */
  readonly birthDate?: string;
  readonly id?: NormalisedId;
  readonly regions: readonly string[];
  readonly guardianName?: NormalisedName;
  readonly guardianPhone?: string;
  readonly guardianRelation?: string;
  readonly school?: string;
}

/** Sex as agencies spell it (男, M, 男性, 1, ...): the default list spellings. */
function sexOf(raw: string): 'M' | 'F' | undefined {
  return DEFAULT_LIST_SYNONYMS.sex[spellingKey(raw)] ?? undefined;
}

export function toMatchRecord(input: MatchInput): MatchRecord {
  const name = normaliseName(input.name);
  const guardianName = normaliseName(input.guardianName);
  const id = normaliseId(input.idNumber);
  // A valid 18-digit number encodes the birth date (digits 7-14) and the sex (digit 17, odd for boys):
  // a row that left the fields empty still has them (GB 11643). Never overrides what the row says.
  const birthDate = parseDate(input.birthDate) ?? (id?.valid ? `${id.value.slice(6, 10)}-${id.value.slice(10, 12)}-${id.value.slice(12, 14)}` : undefined);
  const sex = (input.sex ? sexOf(input.sex) : undefined) ?? (id?.valid ? (Number(id.value[16]) % 2 === 1 ? 'M' : 'F') : undefined);
  const guardianPhone = normalisePhone(input.guardianPhone);
  const school = normaliseText(input.school);
  const regions = [input.householdRegion, input.currentRegion].filter((r): r is string => !!r && /^\d{6}$/.test(r));
  // Every property present, in one order (undefined when absent): every record then has one hidden class, so
  // the comparison of millions of pairs reads its fields through monomorphic property loads.
  return {
    agency: input.agency,
    externalId: input.externalId,
    name,
    sex,
    birthDate,
    id,
    regions: [...new Set(regions)],
    guardianName,
    guardianPhone,
    guardianRelation: input.guardianRelation || undefined,
    school,
  };
}
