/**
 * The block writes both linking paths put in their transactions: every placeholder an expression names is
 * defined and every one defined is used (DynamoDB refuses both), and a filing under a key the decision did
 * not claim or read is refused before anything is sent.
 */
import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { claimUpdate, releaseItems, releaseUpdate, unchangedBlockItems, unfileUpdate } from '../../../lambdas/data/linking-items';

/** The placeholders an operation's expressions use, against the names and values it defines. */
function placeholders(item: TransactWriteItem) {
  const op = (item.Update ?? item.ConditionCheck)!;
  const text = [op.ConditionExpression, 'UpdateExpression' in op ? op.UpdateExpression : undefined].filter(Boolean).join(' ');
  return {
    used: { names: [...new Set(text.match(/#\w+/g) ?? [])].sort(), values: [...new Set(text.match(/:\w+/g) ?? [])].sort() },
    defined: { names: Object.keys(op.ExpressionAttributeNames ?? {}).sort(), values: Object.keys(op.ExpressionAttributeValues ?? {}).sort() },
  };
}

const claim = { owner: 'o', now: 1_000, leaseMs: 500 };

describe('block writes', () => {
  it.each<[string, TransactWriteItem]>([
    ['a claim', claimUpdate('t', 'k', claim)],
    ['a claim that files', claimUpdate('t', 'k', claim, 'rec_1')],
    ['a release', releaseUpdate('t', 'o', 'k')],
    ['a release that files, at version 0', releaseUpdate('t', 'o', 'k', ['rec_1'], 0)],
    ['a release that files, at version 3', releaseUpdate('t', 'o', 'k', ['rec_1'], 3)],
    ['an unfiling', unfileUpdate('t', 'k', 'rec_1')],
    ['a group check at version 0', unchangedBlockItems('t', [{ key: 'k', version: 0 }], [], 1_000)[0]!],
    ['a group filing at version 2', unchangedBlockItems('t', [{ key: 'k', version: 2 }], [{ recordId: 'rec_1', keys: ['k'] }], 1_000)[0]!],
  ])('%s defines exactly the placeholders it uses', (_name, item) => {
    const { used, defined } = placeholders(item);
    expect(defined).toEqual(used);
  });

  it('conditions a release on the version read, and a group on no live claim as well', () => {
    expect(releaseUpdate('t', 'o', 'k', [], 0).Update!.ConditionExpression).toBe('#o = :owner AND attribute_not_exists(v)');
    expect(releaseUpdate('t', 'o', 'k', [], 4).Update!.ExpressionAttributeValues![':seen']).toEqual({ N: '4' });
    const [check, file] = unchangedBlockItems(
      't',
      [
        { key: 'a', version: 0 },
        { key: 'b', version: 7 },
      ],
      [{ recordId: 'rec_1', keys: ['b'] }],
      5,
    );
    expect(check!.ConditionCheck!.ConditionExpression).toBe('(attribute_not_exists(#o) OR expiresAt < :now) AND attribute_not_exists(v)');
    expect(file!.Update!.ExpressionAttributeValues).toMatchObject({ ':now': { N: '5' }, ':seen': { N: '7' }, ':ids': { SS: ['rec_1'] } });
  });

  it('files each record once under a key, whatever the filings repeat', () => {
    const [item] = releaseItems(
      't',
      'o',
      ['k'],
      [
        { recordId: 'rec_1', keys: ['k'] },
        { recordId: 'rec_1', keys: ['k'] },
        { recordId: 'rec_2', keys: ['k'] },
      ],
    );
    expect(item!.Update!.ExpressionAttributeValues![':ids']).toEqual({ SS: ['rec_1', 'rec_2'] });
  });

  it('refuses a filing under a key the decision did not claim or read', () => {
    expect(() => releaseItems('t', 'o', ['a'], [{ recordId: 'rec_1', keys: ['b'] }])).toThrow(RangeError);
    expect(() => unchangedBlockItems('t', [{ key: 'a', version: 0 }], [{ recordId: 'rec_1', keys: ['b'] }], 1)).toThrow(RangeError);
  });
});
