import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { joinTallies, summariseList, summaryOf, tallyRows } from '../../../../lambdas/domain/lists/list-summary';
import { duplicateFixes, rowKeys, settlePiece } from '../../../../lambdas/domain/lists/duplicate-rows';
import { csvCuts, ListFormatError, type ParsedList, readList, readListRows } from '../../../../lambdas/domain/lists/parse-list';
import { idNumberFor } from '../../../support/records';

const utf8 = new TextEncoder();
const text = new TextDecoder();

/** A list read as the offline merge reads it: in pieces cut by `csvCuts`, settled together. */
function readInPieces(csv: string, pieces: number): { list: ParsedList; pieces: number; summary: ReturnType<typeof summariseList> } {
  const bytes = utf8.encode(csv);
  const { header, cuts } = csvCuts(bytes, pieces);
  const parts = cuts
    .slice(1)
    .map((end, k) => readListRows(text.decode(new Uint8Array([...bytes.subarray(0, header), ...bytes.subarray(cuts[k]!, end)])), 'csv'));
  const before = parts.map((_, k) => parts.slice(0, k).reduce((n, p) => n + p.rows.length, 0));
  const fixes = duplicateFixes(parts.flatMap((p, k) => rowKeys(p.rows).map((key) => ({ ...key, row: key.row + before[k]! }))));
  const settled = parts.map((p, k) => settlePiece(p.rows, before[k]!, fixes));
  const ignoredColumns = parts[0]!.ignoredColumns;
  return {
    list: { rows: settled.flat(), ignoredColumns },
    pieces: parts.length,
    summary: summaryOf(joinTallies(settled.map((rows) => tallyRows(rows))), ignoredColumns),
  };
}

const ID = idNumberFor('540102', '2012-05-06', 3);
/** Every kind of row a list reading reports, spread over the list so that pieces cut it apart. */
const MESSY = [
  '\uFEFFexternalId,name,sex,birthDate,idNumber,address,guardianName,guardianPhone,guardianRelation,categories,riskLevel,wechat',
  `E1,王伟,男,2012-05-06,${ID},"城关区\n幸福路 ""3"" 号",卓玛,13800000000,母亲,留守儿童;孤儿,高,x`,
  'E2,李娜,女,2012/5/6,,,,,,奇怪类别,,y',
  'E3,刘洋,X?,2012年13月1日,,"a,b",,,,,,',
  '',
  `E4,陈静,女,2011-02-03,${ID.slice(0, 17)}${ID[17] === '0' ? '1' : '0'},"多行
地址
第三行",,,,,,`,
  'bad id!,张伟,男,2012-01-01,,,,,,,,',
  ',王芳,女,2012-01-02,,,,,,,,',
  'E5,"王""小""明",男,2012-01-03,,,,,,,,',
  'E1,王伟,男,2012-05-06,,,,,,,,', // the same externalId, another child (no ID number): derived
  'E6,,男,2012-01-04,,,,,,,,', // no name: refused
  `E1,王伟,男,2012-05-06,${ID},"城关区\n幸福路 ""3"" 号",卓玛,13800000000,母亲,留守儿童;孤儿,高,x`, // a repeat of the first row: refused
  'E7,李明,男,2012-01-05,,,,,,奇怪类别,很高,',
  'E2,李娜,女,2012/5/6,,,,,,奇怪类别,,y', // a repeat of row 2
  'E8,"赵""四""",女,2012-01-06,,"""引号""开头",,,,,,',
  'E9,  孙七  ,女,2012-01-07,,,,,,,,',
].join('\n');

describe('a list read in pieces', () => {
  const whole = readList(MESSY, 'csv');

  it('has rows of every kind the reading reports', () => {
    const reasons = whole.rows.map((r) => r.error?.reason ?? (r.flags.length ? r.flags.join('+') : 'ok'));
    expect(reasons).toContain('DUPLICATE_ROW');
    expect(reasons).toContain('NO_NAME');
    expect(reasons).toContain('EXTERNAL_ID_DERIVED');
    expect(reasons).toContain('ID_CHECK_DIGIT');
    expect(whole.rows.filter((r) => r.error?.reason === 'DUPLICATE_ROW').map((r) => r.error!.details[0]!.message)).toEqual([
      'duplicate of row 1 (same externalId, same child)',
      'duplicate of row 2 (same externalId, same child)',
    ]);
    expect(whole.rows[0]!.record!.address).toBe('城关区\n幸福路 "3" 号');
    expect(summariseList(whole).notUnderstood.length).toBeGreaterThan(2);
  });

  it('gives the rows and the summary of the whole list, wherever it is cut', () => {
    // From one piece to a piece per line: candidate cuts fall inside quoted cells that hold line ends.
    for (const pieces of [1, 2, 3, 4, 5, 7, 10, 16, 40]) {
      const read = readInPieces(MESSY, pieces);
      expect(read.list, `${pieces} pieces`).toEqual(whole);
      expect(read.summary, `${pieces} pieces`).toEqual(summariseList(whole));
    }
    // One piece per row at most (14 rows, one of them empty, three spanning lines).
    expect(readInPieces(MESSY, 40).pieces).toBe(14);
  });

  it('cuts only at row ends: outside quotes, and at \\r\\n when the header ends with it', () => {
    const crlf = MESSY.replaceAll('\n', '\r\n');
    const { cuts } = csvCuts(utf8.encode(crlf), 100);
    for (const at of cuts.slice(1, -1)) expect(text.decode(utf8.encode(crlf).subarray(0, at)).endsWith('\r\n')).toBe(true);
    expect(readInPieces(crlf, 100).list).toEqual(readList(crlf, 'csv'));
    // A bare line feed in a \r\n list is inside a cell for csv-parse: never a cut.
    const bare = 'externalId,name,address\r\nE1,王伟,a\nb\r\nE2,李娜,c\r\n';
    const bytes = utf8.encode(bare);
    const { cuts: bareCuts } = csvCuts(bytes, 10);
    expect(bareCuts.slice(1).map((end, k) => text.decode(bytes.subarray(bareCuts[k]!, end)))).toEqual(['E1,王伟,a\nb\r\n', 'E2,李娜,c\r\n']);
    expect(readInPieces(bare, 10).list).toEqual(readList(bare, 'csv'));
  });

  it('is one piece when the first line is blank or ends with \\r alone', () => {
    for (const csv of ['\nexternalId,name\nE1,王伟\nE2,李娜\n', 'externalId,name\rE1,王伟\rE2,李娜\r', 'externalId,name']) {
      const bytes = utf8.encode(csv);
      expect(csvCuts(bytes, 4)).toEqual({ header: 0, cuts: [0, bytes.length] });
      expect(readInPieces(csv, 4).list).toEqual(readList(csv, 'csv'));
    }
  });

  it('gives the whole list’s rows for any list and any cut', () => {
    const cell = fc.oneof(
      fc.constantFrom('', '王伟', '李娜', '男', '女', '2012-05-06', '留守儿童', '奇怪', ' 张三 '),
      fc.string({ maxLength: 3 }).map((s) => s.replace(/[",\r\n]/g, '')),
      fc.constantFrom('a\nb', 'x""y', ',', '\r\n').map((s) => `"${s}"`),
    );
    const row = fc.tuple(fc.constantFrom('E1', 'E2', 'E3', '', 'E 4'), cell, cell, cell).map((cells) => cells.join(','));
    fc.assert(
      fc.property(fc.array(fc.oneof(row, fc.constant('')), { maxLength: 25 }), fc.integer({ min: 1, max: 30 }), fc.boolean(), (rows, pieces, crlf) => {
        const csv = ['externalId,name,sex,address', ...rows].join(crlf ? '\r\n' : '\n');
        let whole: ParsedList;
        try {
          whole = readList(csv, 'csv');
        } catch (error) {
          // A list that cannot be read cannot be read in pieces either.
          expect(error).toBeInstanceOf(ListFormatError);
          expect(() => readInPieces(csv, pieces)).toThrow(ListFormatError);
          return;
        }
        const read = readInPieces(csv, pieces);
        expect(read.list).toEqual(whole);
        expect(read.summary).toEqual(summariseList(whole));
      }),
      { numRuns: 300 },
    );
  });
});
