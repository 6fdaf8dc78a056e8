/**
 * Parses an uploaded list (CSV with English or Chinese headers, UTF-8 with or
 * without BOM; or JSONL of child records) into rows. Each row is accepted as a
 * child record v1 or rejected with a reason; a bad row never stops the others.
 * An identity number that fails validation (check digit, birth date, length)
 * is dropped from the record and flagged, so a typo does not drop the child
 * from the ledger; the number as given is still offered to matching.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { childRecordV1, type ChildRecordV1 } from '../../../schemas/child-record';
import { normaliseIdNumber } from '../../../schemas/id-number';
import { CATEGORY_NAMES_ZH, HEADER_ALIASES, RELATION_NAMES_ZH, RISK_NAMES_ZH, SEX_VALUES, type ListColumn } from '../../../schemas/list-row';
import { issueDetails } from '../../http/validate';
import type { ErrorDetail } from '../../shared/errors';
import { parseDate } from '../matching/normalise';

export type ListFormat = 'csv' | 'jsonl';

/** ID_CHECK_DIGIT: wrong check character; ID_INVALID: wrong length or impossible birth date. */
export type IdFlag = 'ID_CHECK_DIGIT' | 'ID_INVALID';

export interface ParsedRow {
  /** 1-based data row number (the header is not counted). */
  readonly row: number;
  readonly externalId?: string;
  readonly record?: ChildRecordV1;
  /** The identity number as given when it failed its check digit (kept for matching only). */
  readonly unverifiedIdNumber?: string;
  readonly flags: readonly IdFlag[];
  readonly error?: { readonly code: 'ROW_INVALID'; readonly details: readonly ErrorDetail[] };
}

/** One reason a list cannot be read, at a physical line of the file (the header is line 1). */
export interface ListProblem {
  readonly line?: number;
  readonly message: string;
}

/** The list as a whole cannot be read (not UTF-8, not CSV, unknown columns, ragged rows). */
export class ListFormatError extends Error {
  override readonly name = 'ListFormatError';
  constructor(readonly problems: readonly [ListProblem, ...ListProblem[]]) {
    super(problems[0].line === undefined ? problems[0].message : `line ${problems[0].line}: ${problems[0].message}`);
  }

  static at(message: string, line?: number): ListFormatError {
    return new ListFormatError([{ message, ...(line !== undefined && { line }) }]);
  }
}

/** At most this many bad lines are named in one refusal. */
const MAX_PROBLEMS = 20;

/**
 * The list as text. A list that is not UTF-8 (an export saved as GBK, say) is
 * refused with the first line that does not decode; a line feed byte never
 * occurs inside a UTF-8 sequence, so lines can be checked one by one.
 */
export function decodeListText(body: Uint8Array): string {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    return decoder.decode(body);
  } catch {
    let start = 0;
    for (let line = 1; ; line++) {
      const end = body.indexOf(0x0a, start);
      const stop = end === -1 ? body.length : end;
      try {
        decoder.decode(body.subarray(start, stop));
      } catch {
        throw ListFormatError.at('not valid UTF-8 (save the list as UTF-8; GBK/GB18030 is not accepted)', line);
      }
      if (end === -1) throw ListFormatError.at('not valid UTF-8', line);
      start = end + 1;
    }
  }
}

const CSV_PROBLEMS: Readonly<Record<string, string>> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted cell that starts on this line is never closed',
  INVALID_OPENING_QUOTE: 'a quote inside an unquoted cell (quote the whole cell and double the quotes inside it)',
  CSV_INVALID_CLOSING_QUOTE: 'text after the closing quote of a cell (double the quotes inside a quoted cell)',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'text after the closing quote of a cell (double the quotes inside a quoted cell)',
};

interface CsvRecord {
  readonly cells: string[];
  /** The physical line the record starts on (a quoted cell may span lines). */
  readonly line: number;
}

function csvRecords(text: string): CsvRecord[] {
  const lines = text.split(/\r\n|\n|\r/);
  // The first line at or after `n` that is not empty: empty lines are skipped, not records.
  const startAt = (n: number) => {
    while (n < lines.length && lines[n - 1] === '') n++;
    return Math.min(n, lines.length);
  };
  let lastLine = 0;
  const starts: number[] = [];
  try {
    const records = parse(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      // context.lines is the line a record ends on; the next one starts after it.
      on_record: (cells, context) => {
        starts.push(startAt(lastLine + 1));
        lastLine = context.lines;
        return cells;
      },
    });
    return records.map((cells, i) => ({ cells, line: starts[i]! }));
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    // An unclosed quote is noticed only at the end of the text: name the line where its record starts.
    // (With mixed line ends csv-parse may count more lines than there are: stay within the file.)
    const line = error.code !== 'CSV_QUOTE_NOT_CLOSED' && typeof error.lines === 'number' ? error.lines : startAt(lastLine + 1);
    throw ListFormatError.at(CSV_PROBLEMS[error.code] ?? 'not readable as CSV', Math.min(line, lines.length));
  }
}

function csvObjects(text: string): Record<string, string>[] {
  const [header, ...data] = csvRecords(text);
  if (!header) throw ListFormatError.at('The list is empty');
  const columns = header.cells.map((h) => HEADER_ALIASES.get(h.trim()) ?? HEADER_ALIASES.get(h.trim().toLowerCase()));
  const unknown = header.cells.filter((_, i) => columns[i] === undefined);
  if (unknown.length > 0) throw ListFormatError.at(`Unknown columns: ${unknown.join(', ')}`, header.line);
  if (!columns.includes('externalId') || !columns.includes('name')) {
    throw ListFormatError.at('The list needs externalId (原系统编号) and name (姓名) columns', header.line);
  }
  // A row with more or fewer cells than the header would put values under the wrong column.
  const ragged = data.filter((r) => r.cells.length !== columns.length).slice(0, MAX_PROBLEMS);
  if (ragged.length > 0) {
    throw new ListFormatError(
      ragged.map((r) => ({ line: r.line, message: `${r.cells.length} cells where the header has ${columns.length}` })) as [ListProblem, ...ListProblem[]],
    );
  }
  return data.map(({ cells }) => Object.fromEntries(columns.map((c, i) => [c as ListColumn, cells[i] ?? ''])));
}

const orUndefined = (v: string | undefined) => (v === undefined || v === '' ? undefined : v);

/** Turns CSV cells into the shape of a child record, translating Chinese spellings. */
export function csvToRecordShape(cells: Record<string, string>): Record<string, unknown> {
  const get = (c: ListColumn) => orUndefined(cells[c]?.trim());
  const guardianName = get('guardianName');
  const guardianPhone = get('guardianPhone');
  const guardianRelation = get('guardianRelation');
  const categories = get('categories')
    ?.split(/[;；,，、]/)
    .map((c) => c.trim())
    .filter(Boolean)
    .map((c) => CATEGORY_NAMES_ZH[c] ?? c);
  const sex = get('sex');
  const birth = get('birthDate');
  const risk = get('riskLevel');
  const shape: Record<string, unknown> = {
    externalId: get('externalId'),
    name: get('name'),
    sex: sex === undefined ? undefined : (SEX_VALUES[sex] ?? sex),
    birthDate: birth === undefined ? undefined : (parseDate(birth) ?? birth),
    idNumber: get('idNumber'),
    householdRegion: get('householdRegion'),
    currentRegion: get('currentRegion'),
    address: get('address'),
    guardian:
      guardianName === undefined && guardianPhone === undefined
        ? undefined
        : {
            name: guardianName,
            phone: guardianPhone,
            relation: guardianRelation === undefined ? 'other' : (RELATION_NAMES_ZH[guardianRelation] ?? guardianRelation),
          },
    school: get('school'),
    categories,
    riskLevel: risk === undefined ? undefined : (RISK_NAMES_ZH[risk] ?? risk),
  };
  return Object.fromEntries(Object.entries(shape).filter(([, v]) => v !== undefined));
}

function toRow(row: number, shape: Record<string, unknown>): ParsedRow {
  const externalId = typeof shape.externalId === 'string' ? shape.externalId : undefined;
  let unverifiedIdNumber: string | undefined;
  const flags: IdFlag[] = [];
  if (typeof shape.idNumber === 'string') {
    const id = normaliseIdNumber(shape.idNumber);
    if (!id.ok) {
      // A typo must not drop the child: keep the row, flag it, match on the other fields.
      unverifiedIdNumber = shape.idNumber.trim().toUpperCase();
      flags.push(id.problem === 'CHECK_DIGIT' ? 'ID_CHECK_DIGIT' : 'ID_INVALID');
      const { idNumber: _dropped, ...rest } = shape;
      shape = rest;
    }
  }
  const parsed = childRecordV1.safeParse(shape);
  if (!parsed.success) {
    return { row, ...(externalId && { externalId }), flags, error: { code: 'ROW_INVALID', details: issueDetails(parsed.error) } };
  }
  return { row, externalId: parsed.data.externalId, record: parsed.data, ...(unverifiedIdNumber && { unverifiedIdNumber }), flags };
}

/** A second row with the same externalId is rejected: one list, one row per child. */
function rejectDuplicates(rows: ParsedRow[]): ParsedRow[] {
  const seen = new Set<string>();
  return rows.map((r) => {
    if (!r.record) return r;
    if (!seen.has(r.record.externalId)) {
      seen.add(r.record.externalId);
      return r;
    }
    return {
      row: r.row,
      externalId: r.record.externalId,
      flags: r.flags,
      error: { code: 'ROW_INVALID', details: [{ path: 'externalId', message: 'duplicate externalId in this list' }] },
    };
  });
}

export function parseList(text: string, format: ListFormat): ParsedRow[] {
  return rejectDuplicates(format === 'csv' ? csvObjects(text).map((cells, i) => toRow(i + 1, csvToRecordShape(cells))) : parseJsonl(text));
}

function parseJsonl(text: string): ParsedRow[] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((line, i) => ({ line: line.trim(), row: i + 1 }))
    .filter(({ line }) => line.length > 0)
    .map(({ line, row }) => {
      try {
        const json: unknown = JSON.parse(line);
        if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new Error('not an object');
        return toRow(row, { ...(json as Record<string, unknown>) });
      } catch {
        return { row, flags: [], error: { code: 'ROW_INVALID' as const, details: [{ message: 'line is not a JSON object' }] } };
      }
    });
}
