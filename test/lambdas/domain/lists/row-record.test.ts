/** The never-drop rule: a row that names a child is kept, whatever else it carries; the summary says what was not understood. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeList, summariseList } from '../../../../lambdas/domain/lists/list-summary';
import { ListValueMaps } from '../../../../lambdas/domain/lists/list-values';
import { readList } from '../../../../lambdas/domain/lists/parse-list';
import { rowToRecord } from '../../../../lambdas/domain/lists/row-record';
import { LIST_COLUMNS } from '../../../../schemas/list-row';

const maps = new ListValueMaps();

describe('never drop a child', () => {
  it.each([
    ['a category spelling', { categories: 'LowInc' }, 'categories'],
    ['a relation spelling', { guardian: { name: '卓玛', relation: '干妈' } }, 'guardianRelation'],
    ['a risk level spelling', { riskLevel: '三级' }, 'riskLevel'],
    ['a sex spelling', { sex: '?' }, 'sex'],
    ['a date format', { birthDate: '12年3月' }, 'birthDate'],
    ['a future birth date', { birthDate: '2999-01-01' }, 'birthDate'],
    ['a region code', { householdRegion: '5401' }, 'householdRegion'],
    ['a phone', { guardian: { name: '卓玛', phone: 'call me' } }, 'guardian.phone'],
    ['an unknown JSONL field', { nickname: '小明' }, 'nickname'],
    ['a category that is not text', { categories: [42] }, 'categories'],
  ])('keeps the row over %s, leaves the field empty and names it', (_what, extra, field) => {
    const out = rowToRecord({ externalId: 'E1', name: '次仁', ...extra }, maps);
    expect(out.refused).toBeUndefined();
    expect(out.record).toMatchObject({ externalId: 'E1', name: '次仁' });
    expect(out.notUnderstood.map((n) => n.field)).toContain(field);
  });

  it('keeps the guardian when only the relation is not understood (recorded as other)', () => {
    const out = rowToRecord({ externalId: 'E1', name: '次仁', guardian: { name: '卓玛', phone: '13800000000', relation: '干妈' } }, maps);
    expect(out.record?.guardian).toEqual({ name: '卓玛', phone: '13800000000', relation: 'other' });
    expect(out.notUnderstood).toEqual([expect.objectContaining({ field: 'guardianRelation', value: '干妈' })]);
  });

  it('refuses a row without a name, with the reason', () => {
    for (const row of [{ externalId: 'E1' }, { externalId: 'E1', name: '  ', idNumber: '540102201203040011', birthDate: '2012-03-04' }]) {
      expect(rowToRecord(row, maps).refused).toMatchObject({ reason: 'NO_NAME', path: 'name' });
    }
  });

  it('derives a stable externalId for a row without a usable one', () => {
    const a = rowToRecord({ name: '次仁', birthDate: '2012-03-04' }, maps);
    const b = rowToRecord({ name: '次仁', birthDate: '2012-03-04' }, maps);
    const c = rowToRecord({ externalId: '民政 001', name: '次仁' }, maps);
    expect(a.record?.externalId).toBe(b.record?.externalId);
    expect(a.flags).toEqual(['EXTERNAL_ID_DERIVED']);
    expect(c.record?.externalId).toMatch(/^ID-[A-Za-z0-9]{16}$/);
  });

  it('keeps every row with a name, whatever the other cells hold (property)', () => {
    const cells = fc.record(Object.fromEntries(LIST_COLUMNS.filter(([c]) => c !== 'name').map(([c]) => [c, fc.string({ maxLength: 30 })])));
    fc.assert(
      fc.property(fc.stringMatching(/^[\u4e00-\u9fa5]{2,4}$/), cells, (name, rest) => {
        const header = LIST_COLUMNS.map(([c]) => c).join(',');
        const quote = (v: string) => `"${v.replaceAll('"', '""')}"`;
        const line = LIST_COLUMNS.map(([c]) => quote(c === 'name' ? name : String((rest as Record<string, string>)[c]))).join(',');
        const [row] = readList(`${header}\n${line}\n`, 'csv').rows;
        expect(row?.error).toBeUndefined();
        expect(row?.record?.name).toBe(name);
      }),
      { numRuns: 500 },
    );
  });
});

describe('the list summary', () => {
  it('counts rows in, kept and refused, values not understood by field with examples, in Chinese then English', () => {
    const csv = [
      '原系统编号,姓名,性别,儿童类别,出生日期',
      'A1,次仁,男,LowInc,2012-01-01',
      'A2,卓玛,女,LowInc;留守,2012-13-01',
      'A3,,男,孤儿,2012-01-01',
      'A4,达瓦,X,Orphanage,',
    ].join('\n');
    const summary = summariseList(readList(csv, 'csv'));
    expect(summary).toMatchObject({ rowsIn: 4, rowsKept: 3, rowsRefused: 1, rowsWithValuesNotUnderstood: 3 });
    expect(summary.notUnderstood.find((f) => f.field === 'categories')).toEqual({
      field: 'categories',
      rows: 3,
      examples: [
        { value: 'LowInc', rows: 2 },
        { value: 'Orphanage', rows: 1 },
      ],
      sampleRows: [1, 2, 4],
    });
    expect(summary.notUnderstood.find((f) => f.field === 'birthDate')).toMatchObject({ rows: 1, examples: [], sampleRows: [2] });
    expect(summary.refused).toEqual([{ reason: 'NO_NAME', rows: 1, sampleRows: [3] }]);
    const text = describeList(summary);
    expect(text.zh.split('\n')[0]).toBe('读入 4 行，保留 3 行（其中 3 行有未能识别的取值，相应字段留空），拒收 1 行。');
    expect(text.zh).toContain('儿童类别：3 行，例如 "LowInc" ×2');
    expect(text.en).toContain('Values not understood · categories: 3 rows, e.g. "LowInc" ×2, "Orphanage" ×1 (rows 1, 2, 4)');
    expect(text.en).toContain('Refused · no name: not enough to identify a child: 1 rows (rows 3)');
  });
});
