/** The one CSV writer: quoting round trips, CRLF and BOM, and spreadsheet formulas neutralised (OWASP CSV injection). */
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvDocument } from '../../../lambdas/shared/csv';
import { CSV_INJECTION_PAYLOADS } from '../../support/csv-payloads';

const TRIGGERS = ['=', '+', '-', '@', '\t', '\r', '\n', '＝', '＋', '－', '＠'];
const isTrigger = (cell: string) => TRIGGERS.some((t) => cell.startsWith(t));

/** Reads a document back as a spreadsheet would: BOM, CRLF records, RFC 4180 quotes. */
const read = (doc: string): string[][] => parse(doc, { bom: true, record_delimiter: '\r\n', relax_column_count: false }) as string[][];

describe('CSV writer', () => {
  it('starts with a UTF-8 BOM and ends every record with CRLF', () => {
    const doc = csvDocument(
      ['a(甲)', 'b'],
      [
        ['1', '2'],
        ['3', '4'],
      ],
    );
    expect(doc).toBe('\uFEFFa(甲),b\r\n1,2\r\n3,4\r\n');
  });

  it('joins arrays with ; and writes absent values as empty cells', () => {
    const doc = csvDocument(['a', 'b', 'c', 'd'], [[['x', 'y'], undefined, null, 7]]);
    expect(read(doc)[1]).toEqual(['x;y', '', '', '7']);
  });

  it.each(CSV_INJECTION_PAYLOADS)('neutralises the payload %j: the cell reads back as text that no spreadsheet evaluates', (payload) => {
    const cells = read(csvDocument(['sub'], [[payload]]));
    expect(cells).toHaveLength(2);
    const cell = cells[1]![0]!;
    expect(cell).toBe(isTrigger(payload) ? `'${payload}` : payload);
    expect(isTrigger(cell)).toBe(false);
  });

  it('keeps a leading minus of a number as text too', () => {
    expect(read(csvDocument(['n'], [[-2]]))[1]).toEqual(["'-2"]);
  });

  it('round-trips any cells: same shape, each cell the value or the value after a neutralising quote', () => {
    const cell = fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom(...CSV_INJECTION_PAYLOADS), fc.constantFrom('"', ',', '\r\n', '\n', '\r', ';'));
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((width) => fc.array(fc.array(cell, { minLength: width, maxLength: width }), { maxLength: 8 })),
        (rows) => {
          const header = rows[0]?.map((_, i) => `c${i}`) ?? ['c0'];
          const back = read(csvDocument(header, rows));
          expect(back).toHaveLength(rows.length + 1);
          for (const [r, row] of rows.entries()) {
            for (const [c, value] of row.entries()) {
              const got = back[r + 1]![c]!;
              expect(got).toBe(isTrigger(value) ? `'${value}` : value);
              expect(isTrigger(got)).toBe(false);
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('does not change its input rows', () => {
    const rows = [[['a', '=b'], '+c']] as const;
    const copy = JSON.parse(JSON.stringify(rows));
    csvDocument(['x', 'y'], rows);
    expect(rows).toEqual(copy);
  });
});
