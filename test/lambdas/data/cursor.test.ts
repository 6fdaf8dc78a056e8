/** Paging cursors of index listings: the hub's own round-trip; anything else is a ValidationError naming `cursor`. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { indexCursor } from '../../../lambdas/data/cursor';
import { S } from '../../../lambdas/data/dynamo';
import { ValidationError } from '../../../lambdas/shared/errors';

const ID = /^\d{4}-\d{2}-\d{2}T[\d:.]+Z#(case_[0-9A-Z]{26})$/;
const ledger = indexCursor({
  partition: { gsi1pk: 'LEDGER' },
  sortKey: 'gsi1sk',
  tableKeyAt: (sort) => {
    const id = ID.exec(sort)?.[1];
    return id ? { pk: S(`CASE#${id}`), sk: S('META') } : undefined;
  },
});

const lastKey = (sort: string) => ({ pk: S(`CASE#${sort.split('#')[1]}`), sk: S('META'), gsi1pk: S('LEDGER'), gsi1sk: S(sort) });

describe('index cursor', () => {
  it('rebuilds the start key DynamoDB returned, from the sort position alone', () => {
    const key = lastKey('2026-11-23T20:00:00.000Z#case_01HZX8Y6Q2M3N4P5R6S7T8V9W0');
    expect(ledger.decode(ledger.encode(key))).toEqual(key);
    expect(ledger.encode(undefined)).toBeUndefined();
    expect(ledger.decode(undefined)).toBeUndefined();
  });

  it.each([
    ['not base64url', 'a b'],
    ['padding', 'YWJj='],
    ['not UTF-8', Buffer.from([0xc3, 0x28]).toString('base64url')],
    ['not a position', Buffer.from('{"pk":{"S":"CASE#x"}}').toString('base64url')],
    ['a non-canonical spelling', 'YWJ'],
    ['another listing’s position', Buffer.from('2026-11-23T20:00:00.000Z#rev_01HZX8Y6Q2M3N4P5R6S7T8V9W0').toString('base64url')],
  ])('refuses %s with VALIDATION_FAILED on cursor', (_name, cursor) => {
    expect(() => ledger.decode(cursor)).toThrow(ValidationError);
    try {
      ledger.decode(cursor);
    } catch (error) {
      expect((error as ValidationError).details).toEqual([{ path: 'cursor', message: expect.any(String) }]);
    }
  });

  it('never throws anything but a ValidationError, and never lets the client choose the partition', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'binary' }).map((s) => Buffer.from(s).toString('base64url')),
        ),
        (cursor) => {
          try {
            const key = ledger.decode(cursor);
            expect(key?.gsi1pk).toEqual(S('LEDGER'));
          } catch (error) {
            expect(error).toBeInstanceOf(ValidationError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
