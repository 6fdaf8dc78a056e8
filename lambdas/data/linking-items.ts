/**
 * The write items both linking paths put in their transactions (the single path, linking-table.ts, and the
 * list jobs' bulk path, list-linking-table.ts), so that a claim, a filing, a release and a ledger write mean
 * the same on both. Records table: claim `CLM#<blind key>` / `CLM` (owner, lease expiry in epoch ms) while a
 * record decides its link; filing `BLK#<blind key>` / `<recordId>`. Cases table: ledger rows and events.
 */
import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { CaseEvent } from '../../schemas/entities/cases';
import type { LedgerWrite } from '../../schemas/entities/linking';
import { eventItem, ledgerItem } from './cases-table';
import { N, S } from './dynamo';
import { recordKeys } from './records-table';

export const claimKey = (blindKey: string) => ({ pk: S(`CLM#${blindKey}`), sk: S('CLM') });

/** Takes a claim on a key: free, expired, or already ours. */
export function claimPut(table: string, key: string, claim: { readonly owner: string; readonly now: number; readonly leaseMs: number }): TransactWriteItem {
  return {
    Put: {
      TableName: table,
      Item: { ...claimKey(key), owner: S(claim.owner), expiresAt: N(claim.now + claim.leaseMs) },
      ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now OR #o = :owner',
      ExpressionAttributeNames: { '#o': 'owner' },
      ExpressionAttributeValues: { ':now': N(claim.now), ':owner': S(claim.owner) },
    },
  };
}

/** Releases a claim on condition that it is still `owner`'s (a lease that ran out may be another record's now). */
export function releaseDelete(table: string, owner: string, key: string): TransactWriteItem {
  return {
    Delete: {
      TableName: table,
      Key: claimKey(key),
      ConditionExpression: '#o = :owner',
      ExpressionAttributeNames: { '#o': 'owner' },
      ExpressionAttributeValues: { ':owner': S(owner) },
    },
  };
}

/** Files a record under a blind blocking key (what `blockMembers` reads). */
export function filingPut(table: string, key: string, recordId: string): TransactWriteItem {
  return { Put: { TableName: table, Item: { ...recordKeys.block(key, recordId), recordId: S(recordId) } } };
}

/** A ledger row: new (must not exist) or a change to an open row as it was read (`expectedUpdatedAt`). */
export function ledgerPut(table: string, w: LedgerWrite): TransactWriteItem {
  return {
    Put: {
      TableName: table,
      Item: ledgerItem(w.row),
      ...(w.expectedUpdatedAt === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: 'updatedAt = :seen AND #s = :open',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':seen': S(w.expectedUpdatedAt), ':open': S('open') },
          }),
    },
  };
}

/** A case event; the suffix keeps events of one instant apart (position in the change, then random). */
export function eventPut(table: string, e: CaseEvent, position: number): TransactWriteItem {
  return { Put: { TableName: table, Item: eventItem(e, `${position}${Math.random().toString(36).slice(2, 8)}`) } };
}
