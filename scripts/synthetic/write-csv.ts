/** Writes generated lists as CSV files (English or Chinese headers, optional BOM) plus ground truth. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LIST_COLUMNS } from '../../schemas/list-row';
import type { GeneratedList } from './generate';

const quote = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

export function listToCsv(list: GeneratedList): string {
  const header = LIST_COLUMNS.map(([en, zh]) => (list.profile.header === 'zh' ? zh : en));
  const lines = [header.join(',')];
  for (const row of list.rows) lines.push(LIST_COLUMNS.map(([col]) => quote(row[col])).join(','));
  return `${list.profile.bom ? '\uFEFF' : ''}${lines.join('\n')}\n`;
}

/** Writes <dir>/<agency>.csv for each list and <dir>/truth.csv (agency,externalId,childId). */
export function writeLists(dir: string, lists: readonly GeneratedList[]): string[] {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const truth = ['agency,externalId,childId'];
  for (const list of lists) {
    const file = join(dir, `${list.profile.type}.csv`);
    writeFileSync(file, listToCsv(list));
    files.push(file);
    for (const [i, row] of list.rows.entries()) truth.push(`${list.profile.type},${row.externalId},${list.truth[i]}`);
  }
  writeFileSync(join(dir, 'truth.csv'), `${truth.join('\n')}\n`);
  return files;
}
