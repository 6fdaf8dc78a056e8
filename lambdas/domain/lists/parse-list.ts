/**
 * Parses an uploaded list (CSV with English or Chinese headers, UTF-8 with or
 * without BOM; or JSONL of child records) into rows. Every row that names a
 * child is kept as a child record v1 (row-record.ts): values the hub cannot use
 * are left out and reported, never a reason to drop the child. An identity
 * number that fails validation is dropped from the record and flagged; the
 * number as given is still offered to matching. Unknown columns are ignored
 * and reported. Only a list that cannot be read as a whole is refused.
 */
import { CsvError, parse } from 'csv-parse/sync';
import type { ChildRecordV1 } from '../../../schemas/child-record';
import { columnOf, type ListColumn } from '../../../schemas/list-row';
import type { ErrorDetail } from '../../shared/errors';
import { ListValueMaps, type NotUnderstood } from './list-values';
import { settleDuplicates } from './duplicate-rows';
import { type RefusalReason, type RowFlag, rowToRecord } from './row-record';

export type ListFormat = 'csv' | 'jsonl';

export type { RowFlag } from './row-record';

export interface ParsedRow {
  /** 1-based data row number (the header is not counted). */
  readonly row: number;
  readonly externalId?: string;
  readonly record?: ChildRecordV1;
  /** The identity number as given when it failed its check digit (kept for matching only). */
  readonly unverifiedIdNumber?: string;
  readonly flags: readonly RowFlag[];
  /** Values left out of the record because the hub could not use them (the child is kept). */
  readonly notUnderstood: readonly NotUnderstood[];
  /** The row was refused: it does not name a child, repeats an earlier row, or is not a record at all. */
  readonly error?: { readonly code: 'ROW_INVALID'; readonly reason: RefusalReason; readonly details: readonly ErrorDetail[] };
}

/** One reason a list cannot be read, at a physical line of the file (the header is line 1). */
export interface ListProblem {
  readonly line?: number;
  readonly message: string;
  /** The same for agency staff, in Chinese. */
  readonly message_zh: string;
}

/** The list as a whole cannot be read (not UTF-8, not CSV, no name column, ragged rows). */
export class ListFormatError extends Error {
  override readonly name = 'ListFormatError';
  constructor(readonly problems: readonly [ListProblem, ...ListProblem[]]) {
    super(problems[0].line === undefined ? problems[0].message : `line ${problems[0].line}: ${problems[0].message}`);
  }

  static at(message: string, messageZh: string, line?: number): ListFormatError {
    return new ListFormatError([{ message, message_zh: messageZh, ...(line !== undefined && { line }) }]);
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
        throw ListFormatError.at(
          'not valid UTF-8 (save the list as UTF-8; GBK/GB18030 is not accepted)',
          '不是有效的 UTF-8 编码（请将名单另存为 UTF-8；不接受 GBK/GB18030）',
          line,
        );
      }
      if (end === -1) throw ListFormatError.at('not valid UTF-8', '不是有效的 UTF-8 编码', line);
      start = end + 1;
    }
  }
}

const AFTER_CLOSING_QUOTE = [
  'text after the closing quote of a cell (double the quotes inside a quoted cell)',
  '单元格的结束引号后还有文字（引号内的引号须写两次）',
] as const;
/** csv-parse's codes as the uploader reads them: [English, Chinese]. */
const CSV_PROBLEMS: Readonly<Record<string, readonly [string, string]>> = {
  CSV_QUOTE_NOT_CLOSED: ['a quoted cell that starts on this line is never closed', '从此行开始的带引号单元格没有结束引号'],
  INVALID_OPENING_QUOTE: [
    'a quote inside an unquoted cell (quote the whole cell and double the quotes inside it)',
    '未加引号的单元格中出现引号（请给整个单元格加引号，并将其中的引号写两次）',
  ],
  CSV_INVALID_CLOSING_QUOTE: AFTER_CLOSING_QUOTE,
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: AFTER_CLOSING_QUOTE,
};

interface CsvRecords {
  readonly records: string[][];
  /** The physical line record i starts on (a quoted cell may span lines). */
  readonly lineOf: (i: number) => number;
}

const CSV_OPTIONS = { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true } as const;

function csvRecords(text: string): CsvRecords {
  // The physical lines, split only when a line is to be named.
  let split: string[] | undefined;
  const lines = () => {
    split ??= text.split(/\r\n|\n|\r/);
    return split;
  };
  // The first line at or after `n` that is not empty: empty lines are skipped, not records.
  const startAt = (n: number) => {
    const all = lines();
    while (n < all.length && all[n - 1] === '') n++;
    return Math.min(n, all.length);
  };
  // The line each record ends on (context.lines; the next one starts after it), from reading the text again
  // with csv-parse's context, which costs a little on every record: only when a line is to be named.
  let ends: number[] | undefined;
  const endsOf = () => {
    if (ends) return ends;
    const found: number[] = [];
    try {
      parse(text, {
        ...CSV_OPTIONS,
        on_record: (cells, context) => {
          found.push(context.lines);
          return cells;
        },
      });
    } catch (error) {
      if (!(error instanceof CsvError)) throw error;
    }
    ends = found;
    return ends;
  };
  try {
    const records = parse(text, CSV_OPTIONS);
    return { records, lineOf: (i) => startAt((i === 0 ? 0 : endsOf()[i - 1]!) + 1) };
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    // An unclosed quote is noticed only at the end of the text: name the line where its record starts.
    // (With mixed line ends csv-parse may count more lines than there are: stay within the file.)
    const line = error.code !== 'CSV_QUOTE_NOT_CLOSED' && typeof error.lines === 'number' ? error.lines : startAt((endsOf().at(-1) ?? 0) + 1);
    const [en, zh] = CSV_PROBLEMS[error.code] ?? ['not readable as CSV', '无法按 CSV 读取'];
    throw ListFormatError.at(en, zh, Math.min(line, lines().length));
  }
}

/**
 * Where a CSV list (its bytes) may be cut into about `pieces` parts of similar size, to be read apart
 * (`readListRows`, each part with the header line before it) and give the rows of the whole list:
 * only at a line end that ends a row. In a list csv-parse accepts, a quoted cell runs from its opening
 * quote to its closing one with any quote inside it doubled, so a line end is outside every cell when
 * the quotes before it are even in number (a quote and a line feed are single bytes that UTF-8 never
 * uses inside a character). Rows end with the line end the header ends with (`\n` or `\r\n`: csv-parse
 * takes the first one it meets); a list whose first line is blank or ends otherwise is one piece.
 * Returns the length of the header line (0 when the list is one piece) and the pieces' bounds: piece k
 * is the header then bytes cuts[k] .. cuts[k + 1].
 */
export function csvCuts(bytes: Uint8Array, pieces: number): { header: number; cuts: number[] } {
  const whole = { header: 0, cuts: [0, bytes.length] };
  const QUOTE = 0x22;
  const LF = 0x0a;
  const CR = 0x0d;
  let i = 0;
  let quotes = 0;
  let blank = true;
  for (; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === QUOTE) quotes++;
    else if ((b === LF || b === CR) && quotes % 2 === 0) break;
    // Not a space, tab or the BOM's bytes: the line has a cell.
    if (b !== 0x20 && b !== 0x09 && b !== 0xef && b !== 0xbb && b !== 0xbf) blank = false;
  }
  if (blank || bytes[i] === undefined) return whole;
  const crlf = bytes[i] === CR && bytes[i + 1] === LF;
  if (bytes[i] === CR && !crlf) return whole;
  const header = i + (crlf ? 2 : 1);
  const size = (bytes.length - header) / Math.max(1, Math.floor(pieces));
  const cuts = [header];
  // The first line feed at or after where the next piece may end, with the quotes before it counted (both by indexOf).
  const from = (at: number) => bytes.indexOf(LF, Math.max(at, Math.ceil(at + size - 1)));
  let quote = bytes.indexOf(QUOTE, header);
  let lf = from(header);
  while (lf !== -1 && lf + 1 < bytes.length) {
    while (quote !== -1 && quote < lf) {
      quotes++;
      quote = bytes.indexOf(QUOTE, quote + 1);
    }
    if (quotes % 2 === 0 && (!crlf || bytes[lf - 1] === CR)) {
      cuts.push(lf + 1);
      lf = from(lf + 1);
    } else lf = bytes.indexOf(LF, lf + 1);
  }
  cuts.push(bytes.length);
  return { header, cuts };
}

/**
 * Rows as named cells. A column the hub does not know is ignored and reported
 * (its values are not stored); two columns that mean the same field refuse the list.
 */
function csvObjects(text: string): { rows: Record<string, string>[]; ignoredColumns: string[] } {
  const { records, lineOf } = csvRecords(text);
  const header = records[0];
  if (!header) throw ListFormatError.at('The list is empty', '名单为空');
  const columns = header.map((h) => columnOf(h));
  const ignoredColumns = header.filter((h, i) => columns[i] === undefined && h.trim() !== '').map((h) => h.trim().slice(0, 40));
  const twice = columns.filter((c, i) => c !== undefined && columns.indexOf(c) !== i);
  if (twice.length > 0) throw ListFormatError.at(`Columns given twice: ${twice.join(', ')}`, `列重复：${twice.join('、')}`, lineOf(0));
  if (!columns.includes('externalId') || !columns.includes('name')) {
    throw ListFormatError.at('The list needs externalId (原系统编号) and name (姓名) columns', '名单须有“原系统编号”和“姓名”两列', lineOf(0));
  }
  // A row with more or fewer cells than the header would put values under the wrong column.
  const ragged: ListProblem[] = [];
  for (let i = 1; i < records.length && ragged.length < MAX_PROBLEMS; i++) {
    const cells = records[i]!;
    if (cells.length === columns.length) continue;
    ragged.push({
      line: lineOf(i),
      message: `${cells.length} cells where the header has ${columns.length}`,
      message_zh: `本行 ${cells.length} 个单元格，表头为 ${columns.length} 列`,
    });
  }
  if (ragged.length > 0) throw new ListFormatError(ragged as [ListProblem, ...ListProblem[]]);
  const rows: Record<string, string>[] = new Array(records.length - 1);
  for (let i = 1; i < records.length; i++) {
    const cells = records[i]!;
    const row: Record<string, string> = {};
    columns.forEach((c, k) => {
      if (c !== undefined) row[c] = cells[k] ?? '';
    });
    rows[i - 1] = row;
  }
  return { rows, ignoredColumns };
}

/** Turns CSV cells into the raw shape of a child record (values still as spelled; `rowToRecord` maps them). */
export function csvToRecordShape(cells: Record<string, string>): Record<string, unknown> {
  const get = (c: ListColumn) => {
    const v = cells[c]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  // Only the fields the row gives, in this order.
  const shape: Record<string, unknown> = {};
  const put = (target: Record<string, unknown>, field: string, value: unknown) => {
    if (value !== undefined) target[field] = value;
  };
  put(shape, 'externalId', get('externalId'));
  put(shape, 'name', get('name'));
  put(shape, 'sex', get('sex'));
  put(shape, 'birthDate', get('birthDate'));
  put(shape, 'idNumber', get('idNumber'));
  put(shape, 'householdRegion', get('householdRegion'));
  put(shape, 'currentRegion', get('currentRegion'));
  put(shape, 'address', get('address'));
  const guardianName = get('guardianName');
  const guardianPhone = get('guardianPhone');
  if (guardianName !== undefined || guardianPhone !== undefined) {
    const guardian: Record<string, unknown> = {};
    put(guardian, 'name', guardianName);
    put(guardian, 'phone', guardianPhone);
    put(guardian, 'relation', get('guardianRelation'));
    shape.guardian = guardian;
  }
  put(shape, 'school', get('school'));
  shape.categories = get('categories') ?? [];
  put(shape, 'riskLevel', get('riskLevel'));
  return shape;
}

function toRow(row: number, shape: Record<string, unknown>, values: ListValueMaps): ParsedRow {
  const given = typeof shape.externalId === 'string' ? shape.externalId.trim() : undefined;
  const out = rowToRecord(shape, values);
  if (out.refused) {
    const { reason, path, message } = out.refused;
    return {
      row,
      ...(given && { externalId: given }),
      flags: out.flags,
      notUnderstood: out.notUnderstood,
      error: { code: 'ROW_INVALID', reason, details: [{ ...(path && { path }), message }] },
    };
  }
  return {
    row,
    externalId: out.record!.externalId,
    record: out.record!,
    ...(out.unverifiedIdNumber && { unverifiedIdNumber: out.unverifiedIdNumber }),
    flags: out.flags,
    notUnderstood: out.notUnderstood,
  };
}

export interface ParseOptions {
  /** Value spellings (defaults plus the province's own); the defaults when omitted. */
  readonly values?: ListValueMaps;
}

let defaultMaps: ListValueMaps | undefined;
/** The default spellings, built on first use. */
function defaultValueMaps(): ListValueMaps {
  if (!defaultMaps) defaultMaps = new ListValueMaps();
  return defaultMaps;
}

export interface ParsedList {
  readonly rows: ParsedRow[];
  /** CSV headers the hub does not know: their cells were ignored. */
  readonly ignoredColumns: string[];
}

/** Every row of a list, each kept as a child record (with what was not understood) or refused with its reason. */
export function readList(text: string, format: ListFormat, options: ParseOptions = {}): ParsedList {
  const list = readListRows(text, format, options);
  return { rows: settleDuplicates(list.rows), ignoredColumns: list.ignoredColumns };
}

/**
 * The rows of `readList` before duplicates are settled: what reading a piece of a list gives (`csvPieces`),
 * rows numbered from 1 within the piece. Its `rowKeys` and those of the list's other pieces, numbered on
 * from the rows before it, give the list's `duplicateFixes` (duplicate-rows.ts); `settlePiece` applies them.
 */
export function readListRows(text: string, format: ListFormat, options: ParseOptions = {}): ParsedList {
  const values = options.values ?? defaultValueMaps();
  if (format === 'jsonl') return { rows: parseJsonl(text, values), ignoredColumns: [] };
  const { rows, ignoredColumns } = csvObjects(text);
  return { rows: rows.map((cells, i) => toRow(i + 1, csvToRecordShape(cells), values)), ignoredColumns };
}

/**
 * Whether the list can be read as a whole (the same refusals as `readList`: not CSV, no name column,
 * ragged rows), and how many data rows it has, without turning rows into records: what the upload
 * checks before it answers, leaving the rows to the worker.
 */
export function checkList(text: string, format: ListFormat): { rows: number } {
  if (format === 'jsonl')
    return {
      rows: text
        .replace(/^\uFEFF/, '')
        .split(/\r?\n/)
        .filter((line) => line.trim().length > 0).length,
    };
  return { rows: csvObjects(text).rows.length };
}

/** The rows of `readList`. */
export function parseList(text: string, format: ListFormat, options: ParseOptions = {}): ParsedRow[] {
  return readList(text, format, options).rows;
}

function parseJsonl(text: string, values: ListValueMaps): ParsedRow[] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((line, i) => ({ line: line.trim(), row: i + 1 }))
    .filter(({ line }) => line.length > 0)
    .map(({ line, row }) => {
      try {
        const json: unknown = JSON.parse(line);
        if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new Error('not an object');
        return toRow(row, { ...(json as Record<string, unknown>) }, values);
      } catch {
        return {
          row,
          flags: [],
          notUnderstood: [],
          error: { code: 'ROW_INVALID' as const, reason: 'NOT_AN_OBJECT' as const, details: [{ message: 'line is not a JSON object' }] },
        };
      }
    });
}
