/**
 * What happened to a list, for a person (名单读取摘要): rows in, rows kept,
 * values not understood per field (how many rows, which spellings), rows
 * refused per reason, in Chinese first and then English. The same summary is
 * printed by `npm run list-merge` and returned with a `POST /v1/lists` job.
 * Spellings are shown for coded columns only (category, relation, risk
 * level, sex); identity and contact values never appear in it. Pure.
 */
import type { ListSummary } from '../../../schemas/lists';
import type { ParsedList, ParsedRow } from './parse-list';
import type { RefusalReason } from './row-record';

export type { ListSummary } from '../../../schemas/lists';
type FieldNotUnderstood = ListSummary['notUnderstood'][number];

const MAX_EXAMPLES = 5;
const MAX_ROWS = 10;

export function summariseList(list: ParsedList): ListSummary {
  return summaryOf(tallyRows(list.rows), list.ignoredColumns);
}

/**
 * What a summary counts, of consecutive rows of a list (all of them, or one piece of it): the tallies of
 * a list's pieces, joined in order (`joinTallies`), give the summary of the whole list (`summaryOf`).
 * Sample rows are the first ones, in order; refusal reasons in the order they first occur.
 */
export interface RowTally {
  readonly rowsIn: number;
  readonly rowsKept: number;
  readonly rowsWithValuesNotUnderstood: number;
  readonly fields: ReadonlyMap<string, { readonly rows: number; readonly sampleRows: readonly number[]; readonly values: ReadonlyMap<string, number> }>;
  readonly refused: ReadonlyMap<RefusalReason, { readonly rows: number; readonly sampleRows: readonly number[] }>;
}

export function tallyRows(rows: readonly ParsedRow[]): RowTally {
  const fields = new Map<string, { rows: number; sampleRows: number[]; values: Map<string, number> }>();
  const refused = new Map<RefusalReason, { rows: number; sampleRows: number[] }>();
  let kept = 0;
  let withNotes = 0;
  for (const row of rows) {
    if (row.error) {
      const r = refused.get(row.error.reason) ?? refused.set(row.error.reason, { rows: 0, sampleRows: [] }).get(row.error.reason)!;
      r.rows++;
      if (r.sampleRows.length < MAX_ROWS) r.sampleRows.push(row.row);
      continue;
    }
    kept++;
    if (row.notUnderstood.length > 0) withNotes++;
    const seen = new Set<string>();
    for (const note of row.notUnderstood) {
      const f = fields.get(note.field) ?? fields.set(note.field, { rows: 0, sampleRows: [], values: new Map() }).get(note.field)!;
      if (!seen.has(note.field)) {
        f.rows++;
        if (f.sampleRows.length < MAX_ROWS) f.sampleRows.push(row.row);
      }
      seen.add(note.field);
      if (note.value !== undefined) f.values.set(note.value, (f.values.get(note.value) ?? 0) + 1);
    }
  }
  return { rowsIn: rows.length, rowsKept: kept, rowsWithValuesNotUnderstood: withNotes, fields, refused };
}

/** The tally of consecutive pieces of a list, given in order. */
export function joinTallies(tallies: readonly RowTally[]): RowTally {
  const fields = new Map<string, { rows: number; sampleRows: number[]; values: Map<string, number> }>();
  const refused = new Map<RefusalReason, { rows: number; sampleRows: number[] }>();
  for (const t of tallies) {
    for (const [field, f] of t.fields) {
      const into = fields.get(field) ?? fields.set(field, { rows: 0, sampleRows: [], values: new Map() }).get(field)!;
      into.rows += f.rows;
      into.sampleRows.push(...f.sampleRows.slice(0, MAX_ROWS - into.sampleRows.length));
      for (const [value, n] of f.values) into.values.set(value, (into.values.get(value) ?? 0) + n);
    }
    for (const [reason, r] of t.refused) {
      const into = refused.get(reason) ?? refused.set(reason, { rows: 0, sampleRows: [] }).get(reason)!;
      into.rows += r.rows;
      into.sampleRows.push(...r.sampleRows.slice(0, MAX_ROWS - into.sampleRows.length));
    }
  }
  const sum = (k: 'rowsIn' | 'rowsKept' | 'rowsWithValuesNotUnderstood') => tallies.reduce((s, t) => s + t[k], 0);
  return { rowsIn: sum('rowsIn'), rowsKept: sum('rowsKept'), rowsWithValuesNotUnderstood: sum('rowsWithValuesNotUnderstood'), fields, refused };
}

export function summaryOf(tally: RowTally, ignoredColumns: readonly string[]): ListSummary {
  return {
    rowsIn: tally.rowsIn,
    rowsKept: tally.rowsKept,
    rowsRefused: tally.rowsIn - tally.rowsKept,
    rowsWithValuesNotUnderstood: tally.rowsWithValuesNotUnderstood,
    ignoredColumns: [...ignoredColumns],
    notUnderstood: [...tally.fields.entries()]
      .map(([field, f]) => ({
        field,
        rows: f.rows,
        examples: [...f.values.entries()]
          .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
          .slice(0, MAX_EXAMPLES)
          .map(([value, rows]) => ({ value, rows })),
        sampleRows: [...f.sampleRows],
      }))
      .sort((a, b) => b.rows - a.rows || (a.field < b.field ? -1 : 1)),
    refused: [...tally.refused.entries()].map(([reason, r]) => ({ reason, rows: r.rows, sampleRows: [...r.sampleRows] })),
  };
}

const FIELD_ZH: Readonly<Record<string, string>> = {
  externalId: '原系统编号',
  name: '姓名',
  sex: '性别',
  birthDate: '出生日期',
  idNumber: '身份证号',
  householdRegion: '户籍地',
  currentRegion: '现居住地',
  address: '现住址',
  guardian: '监护人',
  'guardian.name': '监护人姓名',
  'guardian.phone': '监护人电话',
  guardianRelation: '与儿童关系',
  school: '就读学校',
  categories: '儿童类别',
  riskLevel: '风险等级',
};

const REASON: Readonly<Record<RefusalReason, { zh: string; en: string }>> = {
  NO_NAME: { zh: '没有姓名，无法识别儿童', en: 'no name: not enough to identify a child' },
  NAME_INVALID: { zh: '姓名不可用', en: 'the name cannot be used' },
  NOT_AN_OBJECT: { zh: '该行不是 JSON 对象', en: 'the line is not a JSON object' },
  DUPLICATE_ROW: { zh: '与前面某行重复（同一编号、同一儿童）', en: 'repeats an earlier row (same externalId, same child)' },
  UNREADABLE: { zh: '无法读取为儿童记录', en: 'cannot be read as a child record' },
};

const rowList = (rows: readonly number[], total: number) => `${rows.join(', ')}${total > rows.length ? ', …' : ''}`;
const examples = (f: FieldNotUnderstood) => f.examples.map((e) => `"${e.value}" ×${e.rows}`).join(', ');

/** The summary as lines a person reads: Chinese first, then English. */
export function describeList(s: ListSummary): { zh: string; en: string } {
  const zh = [
    `读入 ${s.rowsIn} 行，保留 ${s.rowsKept} 行（其中 ${s.rowsWithValuesNotUnderstood} 行有未能识别的取值，相应字段留空），拒收 ${s.rowsRefused} 行。`,
  ];
  const en = [
    `${s.rowsIn} rows in, ${s.rowsKept} kept (${s.rowsWithValuesNotUnderstood} of them with values not understood, left empty), ${s.rowsRefused} refused.`,
  ];
  if (s.ignoredColumns.length > 0) {
    zh.push(`未识别的列（已忽略）：${s.ignoredColumns.join('、')}`);
    en.push(`Columns not understood (ignored): ${s.ignoredColumns.join(', ')}`);
  }
  for (const f of s.notUnderstood) {
    const ex = f.examples.length > 0 ? examples(f) : '';
    zh.push(`未识别的取值 · ${FIELD_ZH[f.field] ?? f.field}：${f.rows} 行${ex ? `，例如 ${ex}` : ''}（第 ${rowList(f.sampleRows, f.rows)} 行）`);
    en.push(`Values not understood · ${f.field}: ${f.rows} rows${ex ? `, e.g. ${ex}` : ''} (rows ${rowList(f.sampleRows, f.rows)})`);
  }
  for (const r of s.refused) {
    zh.push(`拒收 · ${REASON[r.reason].zh}：${r.rows} 行（第 ${rowList(r.sampleRows, r.rows)} 行）`);
    en.push(`Refused · ${REASON[r.reason].en}: ${r.rows} rows (rows ${rowList(r.sampleRows, r.rows)})`);
  }
  return { zh: zh.join('\n'), en: en.join('\n') };
}
