import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeListText, ListFormatError, parseList, readList } from '../../../../lambdas/domain/lists/parse-list';
import { idNumberFor } from '../../../support/records';

const ZH_HEADER = '原系统编号,姓名,性别,出生日期,身份证号,户籍地,现居住地,现住址,监护人姓名,监护人电话,与儿童关系,就读学校,儿童类别,风险等级';

describe('list parsing', () => {
  it('reads Chinese headers with a BOM, Chinese values and every date format', () => {
    const csv = [
      `\uFEFF${ZH_HEADER}`,
      'A1,次仁,男,2012-05-06,,540102,,,,,,,留守儿童;孤儿,高',
      'A2,次仁,女,2012/5/6,,540102,,,,,,,,',
      'A3,次仁,女,20120506,,540102,,,,,,,,',
      'A4,次仁,女,2012年5月6日,,540102,,,卓玛,13800000000,母亲,,,',
    ].join('\r\n');
    const rows = parseList(csv, 'csv');
    expect(rows.map((r) => r.record?.birthDate)).toEqual(['2012-05-06', '2012-05-06', '2012-05-06', '2012-05-06']);
    expect(rows[0]!.record).toMatchObject({ sex: 'M', categories: ['left_behind', 'orphan'], riskLevel: 'high' });
    expect(rows[3]!.record?.guardian).toEqual({ name: '卓玛', phone: '13800000000', relation: 'mother' });
  });

  it('reads English headers without a BOM, and quoted cells', () => {
    const rows = parseList('externalId,name,address\nE1,王伟,"拉萨市, 城关区"\n', 'csv');
    expect(rows[0]!.record).toMatchObject({ externalId: 'E1', name: '王伟', address: '拉萨市, 城关区' });
  });

  it('keeps a row whose ID number fails its check digit, flagged and without the number', () => {
    const good = idNumberFor('540102', '2012-05-06', 3);
    const bad = `${good.slice(0, 17)}${good[17] === '0' ? '1' : '0'}`;
    const [row] = parseList(`externalId,name,idNumber\nE1,王伟,${bad}\n`, 'csv');
    expect(row).toMatchObject({ flags: ['ID_CHECK_DIGIT'], unverifiedIdNumber: bad });
    expect(row!.record?.idNumber).toBeUndefined();
  });

  it('keeps every child whose values it cannot use, leaves those fields empty and says which', () => {
    const rows = parseList(
      'externalId,name,sex,householdRegion,birthDate\nE1,王伟,X?,540102,2012-01-01\n,李娜,女,540102,\nE3,刘洋,男,5401,2012年13月1日\nE4,陈静,女,540102,\nE4,陈静,女,540102,\n',
      'csv',
    );
    expect(rows.map((r) => (r.record ? r.notUnderstood.map((n) => n.field).join('+') || 'ok' : r.error!.reason))).toEqual([
      'sex',
      'externalId',
      'birthDate+householdRegion',
      'ok',
      'DUPLICATE_ROW',
    ]);
    expect(rows[0]!.notUnderstood[0]).toMatchObject({ field: 'sex', value: 'X?' });
    expect(rows[0]!.record).not.toHaveProperty('sex');
    expect(rows[1]).toMatchObject({ flags: ['EXTERNAL_ID_DERIVED'], record: { name: '李娜', externalId: expect.stringMatching(/^ROW-/) } });
    // Identity values are never echoed in the report.
    expect(rows[2]!.notUnderstood.every((n) => n.value === undefined)).toBe(true);
  });

  it('ignores and reports unknown columns, and still refuses lists without the key columns', () => {
    const list = readList('externalId,name,wechat\nE1,王伟,abc\n', 'csv');
    expect(list.ignoredColumns).toEqual(['wechat']);
    expect(list.rows[0]!.record).toEqual({ externalId: 'E1', name: '王伟', categories: [] });
    expect(() => parseList('姓名\n王伟\n', 'csv')).toThrow(ListFormatError);
  });

  it('reads JSONL records, with bad lines reported by number and unknown fields left out', () => {
    const rows = parseList('\uFEFF{"externalId":"J1","name":"王伟","categories":[]}\n\n[1]\n{"externalId":"J2","name":"李娜","x":1}\n', 'jsonl');
    expect(rows.map((r) => [r.row, r.record ? 'ok' : r.error!.details[0]!.message])).toEqual([
      [1, 'ok'],
      [3, 'line is not a JSON object'],
      [4, 'ok'],
    ]);
    expect(rows[2]!.notUnderstood).toEqual([{ field: 'x', message: 'unknown field; ignored' }]);
  });
});

describe('lists that cannot be read', () => {
  const lineOf = (read: () => unknown) => {
    try {
      read();
    } catch (error) {
      expect(error).toBeInstanceOf(ListFormatError);
      return (error as ListFormatError).problems.map((p) => p.line);
    }
    throw new Error('the list was read');
  };

  it('names the line where an unclosed quoted cell starts, not the end of the file', () => {
    const csv = 'externalId,name\r\nE1,王伟\r\n\r\nE2,"李娜\r\nE3,刘洋\r\nE4,陈静\r\n';
    expect(lineOf(() => parseList(csv, 'csv'))).toEqual([4]);
  });

  it('names the line of a stray quote', () => {
    expect(lineOf(() => parseList('externalId,name\nE1,王"伟\n', 'csv'))).toEqual([2]);
    expect(lineOf(() => parseList('externalId,name\nE1,"王伟"x\n', 'csv'))).toEqual([2]);
  });

  it('names every ragged row (up to 20), counting lines of multi-line cells', () => {
    const csv = 'externalId,name,address\nE1,王伟,"城关区\n幸福路"\nE2,李娜\nE3,刘洋,a,b\nE4,陈静,c\n';
    expect(lineOf(() => parseList(csv, 'csv'))).toEqual([4, 5]);
    const many = `externalId,name\n${'E,x,y\n'.repeat(30)}`;
    expect(lineOf(() => parseList(many, 'csv'))).toHaveLength(20);
  });

  it('names the first line that is not UTF-8 (a list saved as GBK)', () => {
    const gbk = Buffer.concat([Buffer.from('externalId,name\nE1,ok\nE2,'), Buffer.from([0xcd, 0xf5, 0xce, 0xb0]), Buffer.from('\n')]);
    expect(lineOf(() => decodeListText(gbk))).toEqual([3]);
    expect(lineOf(() => decodeListText(Buffer.from([0x61, 0x0a, 0x62, 0xe4, 0xb8])))).toEqual([2]);
    expect(decodeListText(Buffer.from('\uFEFFexternalId,name\n王伟\n'))).toBe('externalId,name\n王伟\n');
  });

  it('never fails with anything but a ListFormatError, whatever the text', () => {
    const csvish = fc.array(fc.oneof(fc.constantFrom('"', ',', '\n', '\r\n', '\r', 'externalId', 'name', '姓名', ' ', '""'), fc.string({ maxLength: 4 })), {
      maxLength: 40,
    });
    fc.assert(
      fc.property(
        csvish.map((parts) => `externalId,name\n${parts.join('')}`),
        (text) => {
          try {
            parseList(text, 'csv');
          } catch (error) {
            expect(error).toBeInstanceOf(ListFormatError);
            for (const p of (error as ListFormatError).problems) if (p.line !== undefined) expect(p.line).toBeLessThanOrEqual(text.split(/\r\n|\n|\r/).length);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('decodes any bytes or names a line that exists', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodeListText(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(ListFormatError);
          const line = (error as ListFormatError).problems[0].line!;
          expect(line).toBeGreaterThanOrEqual(1);
          expect(line).toBeLessThanOrEqual(bytes.filter((b) => b === 0x0a).length + 1);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
