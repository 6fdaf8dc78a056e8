/** CSV as agency staff open it: RFC 4180 quoting, CRLF lines, UTF-8 with a BOM so spreadsheets read the Chinese headers. */

/** One cell: arrays joined with `;`, absent values empty, quoted when needed. */
export function csvCell(value: unknown): string {
  const s = value === undefined || value === null ? '' : Array.isArray(value) ? value.join(';') : String(value);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function csvDocument(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return `\uFEFF${[header.map(csvCell).join(','), ...rows.map((r) => r.map(csvCell).join(','))].join('\r\n')}\r\n`;
}
