/**
 * One list, one row per externalId (a rule of the whole list, however it is read:
 * at once by `readList`, or in pieces by the offline merge, parse-list.ts `csvCuts`).
 * Pure.
 */
import type { ChildRecordV1 } from '../../../schemas/child-record';
import type { ParsedRow } from './parse-list';
import { derivedExternalId } from './row-record';

const identityOf = (r: ChildRecordV1) => [r.name, r.birthDate ?? '', r.idNumber ?? '', r.sex ?? ''].join('\u0000');

/** What settling duplicates needs of one kept row (`settleDuplicates`): its number, externalId and child. */
export interface RowKey {
  readonly row: number;
  readonly externalId: string;
  /** The child the row names (name, birth date, ID number, sex), as one string. */
  readonly identity: string;
}

/** The kept rows' keys, in order. */
export function rowKeys(rows: readonly ParsedRow[]): RowKey[] {
  const keys: RowKey[] = [];
  for (const r of rows) if (r.record) keys.push({ row: r.row, externalId: r.record.externalId, identity: identityOf(r.record) });
  return keys;
}

/** What becomes of a row that repeats an earlier row's externalId: refused as a repeat of that row, or kept under a derived externalId. */
export type DuplicateFix =
  | { readonly kind: 'repeat'; readonly firstRow: number }
  | { readonly kind: 'derived'; readonly firstRow: number; readonly externalId: string };

/**
 * One list, one row per externalId. A second row with the same externalId and the
 * same child (name, birth date, ID number, sex) is a repeated row and is refused
 * naming the first; a different child under the same externalId is kept under a
 * derived externalId, so no child is lost to an agency's numbering mistake.
 * `keys` are the list's kept rows in order (`rowKeys`, of the whole list or of its
 * pieces one after another); the answer is by row number, for the few rows it changes.
 */
export function duplicateFixes(keys: Iterable<RowKey>): Map<number, DuplicateFix> {
  const seen = new Map<string, RowKey>();
  const fixes = new Map<number, DuplicateFix>();
  for (const k of keys) {
    const first = seen.get(k.externalId);
    if (!first) {
      seen.set(k.externalId, k);
      continue;
    }
    if (first.identity === k.identity) {
      fixes.set(k.row, { kind: 'repeat', firstRow: first.row });
      continue;
    }
    const externalId = derivedExternalId(`${k.externalId}\u0000${k.identity}`, {});
    seen.set(externalId, k);
    fixes.set(k.row, { kind: 'derived', firstRow: first.row, externalId });
  }
  return fixes;
}

/** A row as `duplicateFixes` settled it (`fix` undefined: unchanged). */
export function settleRow(r: ParsedRow, fix: DuplicateFix | undefined): ParsedRow {
  if (!fix || !r.record) return r;
  if (fix.kind === 'repeat') {
    return {
      row: r.row,
      externalId: r.record.externalId,
      flags: r.flags,
      notUnderstood: [],
      error: {
        code: 'ROW_INVALID',
        reason: 'DUPLICATE_ROW',
        details: [{ path: 'externalId', message: `duplicate of row ${fix.firstRow} (same externalId, same child)` }],
      },
    };
  }
  const { externalId } = fix;
  return {
    ...r,
    externalId,
    record: { ...r.record, externalId },
    flags: [...r.flags, 'EXTERNAL_ID_DERIVED'],
    notUnderstood: [...r.notUnderstood, { field: 'externalId', message: `also used by row ${fix.firstRow} for a different child; a stable one was derived` }],
  };
}

/**
 * The rows of one piece of a list (`readListRows`) as they are in the whole list: numbered on from the
 * `before` rows of the pieces before it, with the list's `duplicateFixes` applied.
 */
export function settlePiece(rows: readonly ParsedRow[], before: number, fixes: ReadonlyMap<number, DuplicateFix>): ParsedRow[] {
  return rows.map((r) => settleRow(before === 0 ? r : { ...r, row: r.row + before }, fixes.get(r.row + before)));
}

/** The rows of a whole list with its duplicates settled (`duplicateFixes`). */
export function settleDuplicates(rows: ParsedRow[]): ParsedRow[] {
  const fixes = duplicateFixes(rowKeys(rows));
  return fixes.size === 0 ? rows : rows.map((r) => settleRow(r, fixes.get(r.row)));
}
