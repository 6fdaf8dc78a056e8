/**
 * The write items both linking paths put in their transactions (the single path, linking-table.ts, and the
 * list jobs' bulk path, list-linking-table.ts), so that a claim, a filing, a release and a ledger write mean
 * the same on both. Records table: one block item per blind key, `BLK#<blind key>` / `BLK`, holding the ids
 * filed under the key (`ids`), its version (`v`: filings and unfilings) and, while a record of the single path
 * decides its link, the claim (`owner`, `expiresAt` in epoch ms). A list job's group claims nothing: it
 * commits on condition that its blocks are unclaimed and unchanged. Cases table: ledger rows and events.
 */
import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { CaseEvent } from '../../schemas/entities/cases';
import type { LedgerWrite } from '../../schemas/entities/linking';
import { eventItem, ledgerItem } from './cases-table';
import { N, S, SS } from './dynamo';
import { recordKeys } from './records-table';

/**
 * Claims a key's block item: free, expired, or already ours. The item stays (it holds the block's record ids);
 * only its owner and lease change, unless `file` (a record id) is filed there in the same write.
 */
export function claimUpdate(
  table: string,
  key: string,
  claim: { readonly owner: string; readonly now: number; readonly leaseMs: number },
  file?: string,
): TransactWriteItem {
  return {
    Update: {
      TableName: table,
      Key: recordKeys.block(key),
      UpdateExpression: `SET #o = :owner, expiresAt = :until${file ? ' ADD ids :ids, v :one' : ''}`,
      ConditionExpression: 'attribute_not_exists(#o) OR expiresAt < :now OR #o = :owner',
      ExpressionAttributeNames: { '#o': 'owner' },
      ExpressionAttributeValues: {
        ':now': N(claim.now),
        ':owner': S(claim.owner),
        ':until': N(claim.now + claim.leaseMs),
        ...(file && { ':ids': SS([file]), ':one': N(1) }),
      },
    },
  };
}

/**
 * Releases a claim on condition that it is still `owner`'s (a lease that ran out may be another record's now),
 * filing `file` (record ids) under the key in the same write: a record becomes findable exactly when the
 * decision that linked it lets the next one read the block. A filing adds one to the block's version.
 */
export function releaseUpdate(table: string, owner: string, key: string, file: readonly string[] = [], version?: number): TransactWriteItem {
  return {
    Update: {
      TableName: table,
      Key: recordKeys.block(key),
      UpdateExpression: file.length > 0 ? 'REMOVE #o, expiresAt ADD ids :ids, v :one' : 'REMOVE #o, expiresAt',
      ConditionExpression: `#o = :owner${version === undefined ? '' : ` AND ${unchanged(version)}`}`,
      ExpressionAttributeNames: { '#o': 'owner' },
      ExpressionAttributeValues: {
        ':owner': S(owner),
        ...(file.length > 0 && { ':ids': SS(file), ':one': N(1) }),
        ...(version !== undefined && version > 0 && { ':seen': N(version) }),
      },
    },
  };
}

/** The condition that a block is still at the version read (`:seen`; a block never filed under has none). */
const unchanged = (version: number) => (version === 0 ? 'attribute_not_exists(v)' : 'v = :seen');

/** Takes a record out of a key's block (a key an earlier version had and this one has not); one more version. */
export function unfileUpdate(table: string, key: string, recordId: string): TransactWriteItem {
  return {
    Update: {
      TableName: table,
      Key: recordKeys.block(key),
      UpdateExpression: 'DELETE ids :id ADD v :one',
      ExpressionAttributeValues: { ':id': SS([recordId]), ':one': N(1) },
    },
  };
}

/** The record ids filed under each key, from filings by record. */
function filingsByKey(filings: readonly { readonly recordId: string; readonly keys: readonly string[] }[]): Map<string, string[]> {
  const byKey = new Map<string, string[]>();
  for (const f of filings) for (const key of f.keys) byKey.set(key, [...new Set([...(byKey.get(key) ?? []), f.recordId])]);
  return byKey;
}

/**
 * Claims and filings by key: the release of each claimed key, filing there the records `filings` name, on
 * condition that the block is at the version the decision read (`versions`, where given).
 */
export function releaseItems(
  table: string,
  owner: string,
  keys: readonly string[],
  filings: readonly { readonly recordId: string; readonly keys: readonly string[] }[],
  versions: ReadonlyMap<string, number> = new Map(),
): TransactWriteItem[] {
  const byKey = filingsByKey(filings);
  const claimed = new Set(keys);
  for (const key of byKey.keys()) if (!claimed.has(key)) throw new RangeError('a record is filed only under a key its decision claimed');
  return keys.map((key) => releaseUpdate(table, owner, key, byKey.get(key), versions.get(key)));
}

/**
 * A decision taken without claims (the list jobs' groups) commits on condition that every block it read is
 * as it read it: no filing or unfiling since (same version), and no record holding a live claim on it (one
 * deciding now). Filings go in the same writes; a block read but not filed under is only checked.
 */
export function unchangedBlockItems(
  table: string,
  blocks: readonly { readonly key: string; readonly version: number }[],
  filings: readonly { readonly recordId: string; readonly keys: readonly string[] }[],
  now: number,
): TransactWriteItem[] {
  const byKey = filingsByKey(filings);
  const read = new Set(blocks.map((b) => b.key));
  for (const key of byKey.keys()) if (!read.has(key)) throw new RangeError('a record is filed only under a key its decision read');
  return blocks.map(({ key, version }) => {
    const condition = {
      TableName: table,
      Key: recordKeys.block(key),
      ConditionExpression: `(attribute_not_exists(#o) OR expiresAt < :now) AND ${unchanged(version)}`,
      ExpressionAttributeNames: { '#o': 'owner' },
      ExpressionAttributeValues: { ':now': N(now), ...(version > 0 && { ':seen': N(version) }) },
    };
    const file = byKey.get(key);
    if (!file) return { ConditionCheck: condition };
    return {
      Update: {
        ...condition,
        UpdateExpression: 'ADD ids :ids, v :one',
        ExpressionAttributeValues: { ...condition.ExpressionAttributeValues, ':ids': SS(file), ':one': N(1) },
      },
    };
  });
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
