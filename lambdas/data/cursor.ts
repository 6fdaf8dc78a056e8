/**
 * Paging cursors for listings read from an index (the ledger, the review
 * queue). A cursor is the index sort key of the last item of a page, base64url;
 * the start key DynamoDB needs (index partition, sort key, table key) is
 * rebuilt from it, never taken from the client. A cursor that does not decode
 * to a well-formed position of this listing, forged or truncated, is a 400
 * VALIDATION_FAILED naming `cursor`, never a database error. A cursor is a
 * position, not a secret: a well-formed one only moves within the listing the
 * caller may read anyway.
 */
import { ValidationError } from '../shared/errors';
import { type Item, S } from './dynamo';

export interface IndexCursor {
  /** The cursor for the page after the one that stopped at `lastKey`; none on the last page. */
  encode(lastKey: Item | undefined): string | undefined;
  /** The start key for `cursor`; undefined for no cursor (the first page). */
  decode(cursor: string | undefined): Item | undefined;
}

export interface IndexCursorShape {
  /** The index partition the listing queries, e.g. `{ gsi1pk: 'LEDGER' }`. */
  readonly partition: Readonly<Record<string, string>>;
  /** The index sort key attribute, e.g. `gsi1sk`. */
  readonly sortKey: string;
  /** The table key of the item at a sort position; undefined when the position is not well formed. */
  readonly tableKeyAt: (sort: string) => Item | undefined;
}

/** At most this long once decoded; sort keys here are under 100 characters. */
const MAX_SORT_LENGTH = 512;

const invalid = () =>
  new ValidationError([{ path: 'cursor', message: 'not a cursor from a previous page of this listing' }], 'The paging cursor is invalid', '分页游标无效');

export function indexCursor(shape: IndexCursorShape): IndexCursor {
  const partition = Object.fromEntries(Object.entries(shape.partition).map(([name, value]) => [name, S(value)]));
  return {
    encode: (lastKey) => {
      const sort = lastKey?.[shape.sortKey]?.S;
      return sort === undefined ? undefined : Buffer.from(sort, 'utf8').toString('base64url');
    },
    decode: (cursor) => {
      if (cursor === undefined) return undefined;
      if (!/^[A-Za-z0-9_-]+$/.test(cursor) || cursor.length > Math.ceil((MAX_SORT_LENGTH * 4) / 3)) throw invalid();
      let sort: string;
      try {
        sort = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(cursor, 'base64url'));
      } catch {
        throw invalid();
      }
      // Base64url decoding ignores stray bits: only the canonical spelling of a position is accepted.
      if (Buffer.from(sort, 'utf8').toString('base64url') !== cursor) throw invalid();
      const tableKey = shape.tableKeyAt(sort);
      if (!tableKey) throw invalid();
      return { ...tableKey, ...partition, [shape.sortKey]: S(sort) };
    },
  };
}
