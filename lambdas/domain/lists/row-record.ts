/**
 * One list row -> one child record, losing no child (名单行不丢儿童). A value
 * the hub cannot use (a category, relation, risk level or sex spelling the
 * synonym tables do not know, a date in no known format, a malformed region
 * code or phone, an unknown JSONL field) is left out of the record and
 * reported; the child is kept. Only a row that does not name a child is
 * refused. A missing or malformed externalId is replaced by a stable one
 * derived from the row, so that uploading the list again changes nothing.
 * Pure: no I/O.
 */
import { createHash } from 'node:crypto';
import type * as z from 'zod';
import { childRecordV1, type ChildRecordV1 } from '../../../schemas/child-record';
import { normaliseIdNumber } from '../../../schemas/id-number';
import type { REFUSAL_REASONS } from '../../../schemas/lists';
import { parseDate } from '../matching/normalise';
import type { ListValueMaps, NotUnderstood } from './list-values';

/** ID_CHECK_DIGIT: wrong check character; ID_INVALID: wrong length or impossible birth date; EXTERNAL_ID_DERIVED: the row had no usable externalId. */
export type RowFlag = 'ID_CHECK_DIGIT' | 'ID_INVALID' | 'EXTERNAL_ID_DERIVED';

/** Why a row was refused (stable codes, grouped in the list summary). */
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export interface RowOutcome {
  readonly record?: ChildRecordV1;
  readonly unverifiedIdNumber?: string;
  readonly flags: RowFlag[];
  readonly notUnderstood: NotUnderstood[];
  readonly refused?: { readonly reason: RefusalReason; readonly path?: string; readonly message: string };
}

const EXTERNAL_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const SPELLING = 'spelling not understood; left empty (a province can add it to listSynonyms)';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** A stable externalId for a row that has none (or an unusable one): from what it gave, else from the child's identity. */
export function derivedExternalId(given: string | undefined, shape: Record<string, unknown>): string {
  const basis = given ?? ['name', 'birthDate', 'idNumber', 'sex'].map((k) => String(shape[k] ?? '')).join('\u0000');
  const digest = createHash('sha256').update(basis).digest('base64url').replace(/[-_]/g, '').slice(0, 16);
  return `${given === undefined ? 'ROW' : 'ID'}-${digest}`;
}

/** Coded fields through the synonym tables; unknown spellings left out and reported (with the spelling). */
function mapCodedFields(shape: Record<string, unknown>, values: ListValueMaps, notes: NotUnderstood[]): void {
  const sex = str(shape.sex);
  if (sex !== undefined) {
    const m = values.map('sex', sex);
    if ('code' in m && m.code) shape.sex = m.code;
    else {
      delete shape.sex;
      if ('unknown' in m) notes.push({ field: 'sex', message: SPELLING, value: m.unknown });
    }
  } else delete shape.sex;
  const risk = str(shape.riskLevel);
  if (risk !== undefined) {
    const m = values.map('riskLevel', risk);
    if ('code' in m && m.code) shape.riskLevel = m.code;
    else {
      delete shape.riskLevel;
      if ('unknown' in m) notes.push({ field: 'riskLevel', message: SPELLING, value: m.unknown });
    }
  } else delete shape.riskLevel;
  const cats = shape.categories;
  if (typeof cats === 'string' || Array.isArray(cats)) {
    const codes: string[] = [];
    for (const cell of typeof cats === 'string' ? [cats] : cats) {
      if (typeof cell !== 'string') {
        notes.push({ field: 'categories', message: 'not a category name; left out' });
        continue;
      }
      const mapped = values.categories(cell);
      for (const c of mapped.codes) if (!codes.includes(c)) codes.push(c);
      for (const u of mapped.unknown) notes.push({ field: 'categories', message: SPELLING, value: u });
    }
    shape.categories = codes;
  }
  const guardian = shape.guardian;
  if (guardian && typeof guardian === 'object' && !Array.isArray(guardian)) {
    const g = guardian as Record<string, unknown>;
    const relation = str(g.relation);
    const m = relation === undefined ? undefined : values.map('guardianRelation', relation);
    g.relation = m && 'code' in m && m.code ? m.code : 'other';
    if (m && 'unknown' in m) notes.push({ field: 'guardianRelation', message: `${SPELLING} (recorded as other)`, value: m.unknown });
  }
  const birth = str(shape.birthDate);
  if (birth !== undefined) {
    const iso = parseDate(birth);
    if (iso) shape.birthDate = iso;
    else {
      delete shape.birthDate;
      notes.push({ field: 'birthDate', message: 'not a date in a known format (YYYY-MM-DD, YYYY/M/D, YYYYMMDD, YYYY年M月D日); left empty' });
    }
  } else if (shape.birthDate !== undefined) delete shape.birthDate;
}

/** Removes what one zod issue points at (the field, or the sub-field of the guardian); false if it cannot. */
function dropIssue(shape: Record<string, unknown>, issue: z.core.$ZodIssue, notes: NotUnderstood[]): boolean {
  if (issue.code === 'unrecognized_keys' && issue.path.length === 0) {
    for (const key of issue.keys) {
      delete shape[key];
      notes.push({ field: key, message: 'unknown field; ignored' });
    }
    return issue.keys.length > 0;
  }
  const [top, sub] = issue.path as (string | number)[];
  if (typeof top !== 'string' || !(top in shape)) return false;
  const parent = shape[top];
  const field = sub === undefined || typeof sub === 'number' ? top : `${top}.${sub}`;
  // A guardian keeps its other fields when only its phone is unusable; without a name it goes.
  if (top === 'guardian' && sub === 'phone' && parent && typeof parent === 'object') delete (parent as Record<string, unknown>).phone;
  else if (top === 'categories' && typeof sub === 'number' && Array.isArray(parent)) parent.splice(sub, 1);
  else delete shape[top];
  notes.push({ field, message: `${issue.message}; left empty` });
  return true;
}

/** Shapes one row (CSV cells already named, or a JSONL object) into a child record without dropping the child. */
export function rowToRecord(input: Record<string, unknown>, values: ListValueMaps): RowOutcome {
  const shape: Record<string, unknown> = { ...input };
  const flags: RowFlag[] = [];
  const notes: NotUnderstood[] = [];
  const name = str(shape.name);
  if (name === undefined) {
    return { flags, notUnderstood: notes, refused: { reason: 'NO_NAME', path: 'name', message: 'no name: a row must at least name the child (姓名)' } };
  }
  shape.name = name;
  mapCodedFields(shape, values, notes);
  const given = typeof shape.externalId === 'string' ? shape.externalId.trim() : undefined;
  if (!given || !EXTERNAL_ID.test(given)) {
    shape.externalId = derivedExternalId(given || undefined, shape);
    flags.push('EXTERNAL_ID_DERIVED');
    notes.push({
      field: 'externalId',
      message: given ? 'not a usable externalId (letters, digits . _ : - up to 64); a stable one was derived' : 'missing; a stable one was derived',
    });
  }
  let unverifiedIdNumber: string | undefined;
  const id = str(shape.idNumber);
  if (id !== undefined) {
    const checked = normaliseIdNumber(id);
    if (!checked.ok) {
      // A typo must not drop the child: keep the row, flag it, match on the other fields.
      unverifiedIdNumber = id.toUpperCase();
      flags.push(checked.problem === 'CHECK_DIGIT' ? 'ID_CHECK_DIGIT' : 'ID_INVALID');
      delete shape.idNumber;
    }
  } else delete shape.idNumber;
  for (let attempt = 0; attempt < 32; attempt++) {
    const parsed = childRecordV1.safeParse(shape);
    if (parsed.success) return { record: parsed.data, ...(unverifiedIdNumber && { unverifiedIdNumber }), flags, notUnderstood: notes };
    const nameIssue = parsed.error.issues.find((i) => i.path[0] === 'name');
    if (nameIssue) return { flags, notUnderstood: notes, refused: { reason: 'NAME_INVALID', path: 'name', message: nameIssue.message } };
    if (!parsed.error.issues.some((issue) => dropIssue(shape, issue, notes))) break;
  }
  // Not reachable with the child record schema (every other field is optional); refuse rather than guess.
  return { flags, notUnderstood: notes, refused: { reason: 'UNREADABLE', message: 'the row could not be read as a child record' } };
}
