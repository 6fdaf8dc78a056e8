/**
 * The one CSV writer: every export (ledger, audit events, access report, any
 * later one) goes through `csvDocument`. Built on csv-stringify: RFC 4180
 * quoting (a cell with a comma, quote, CR or LF is quoted), CRLF line ends,
 * UTF-8 with a BOM so that spreadsheet programs read the Chinese headers.
 *
 * Formula neutralisation (OWASP CSV injection): a cell that starts with `=`,
 * `+`, `-`, `@`, tab or carriage return, the full-width forms ＝＋－＠, or a
 * line feed, is written with a leading `'`, so a spreadsheet shows it as text
 * and never evaluates it. Every cell is text here, numbers included.
 */
import { stringify } from 'csv-stringify/sync';

/** What a cell may hold: arrays are joined with `;`, absent values are empty. */
export type CsvValue = string | number | boolean | readonly string[] | null | undefined;

const text = (value: CsvValue): string => (value === undefined || value === null ? '' : Array.isArray(value) ? value.join(';') : String(value));

/**
 * @example
 * csvDocument(['agencyId(机构)', 'sub(经办人)'], [['xz-education', '=1+1']]);
 * // '\uFEFFagencyId(机构),sub(经办人)\r\nxz-education,\'=1+1\r\n'
 */
export function csvDocument(header: readonly string[], rows: Iterable<readonly CsvValue[]>): string {
  const records: string[][] = [[...header]];
  for (const row of rows) records.push(row.map(text));
  return stringify(records, {
    bom: true,
    record_delimiter: 'windows',
    // With an explicit record delimiter csv-stringify quotes a lone CR or LF only when told to.
    quote_record_delimiter: true,
    // =, +, -, @, tab, CR and their full-width forms; csv-stringify leaves a leading LF alone.
    escape_formulas: true,
    cast: { string: (value) => (value.startsWith('\n') ? `'${value}` : value) },
  });
}
