/**
 * Moves a records table from the first blocking layout to block items (records-table.ts): every filing item
 * `BLK#<key>` / `<recordId>` becomes an id in its key's block item `BLK#<key>` / `BLK` (version moved on), and
 * claim items `CLM#<key>` / `CLM` are removed. Until this has run, decisions do not see records filed under the
 * old layout, so it runs once after the upgrade is deployed, with publishing and list jobs paused (docs/runbook.md).
 * Idempotent: a filing is added to its block before it is deleted, so a run that stops anywhere is finished by
 * running it again.
 */
import { BatchWriteItemCommand, type DynamoDBClient, ScanCommand, UpdateItemCommand, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { guard, type Item, N, S, SS, str } from './dynamo';
import { recordKeys } from './records-table';

export interface BlockMigration {
  /** Old filing items moved into block items. */
  readonly filings: number;
  /** Block items written (one per key that had filings). */
  readonly blocks: number;
  /** Old claim items removed. */
  readonly claims: number;
}

const BATCH_WRITE = 25;

export async function migrateBlocks(client: DynamoDBClient, table: string): Promise<BlockMigration> {
  let filings = 0;
  let blocks = 0;
  let claims = 0;
  let start: Item | undefined;
  do {
    const page = await guard(
      client.send(
        new ScanCommand({
          TableName: table,
          // Old filings (any sort key but the block item's) and old claims.
          FilterExpression: '(begins_with(pk, :blk) AND sk <> :block) OR begins_with(pk, :clm)',
          ExpressionAttributeValues: { ':blk': S('BLK#'), ':block': S('BLK'), ':clm': S('CLM#') },
          ProjectionExpression: 'pk, sk',
          ConsistentRead: true,
          ...(start && { ExclusiveStartKey: start }),
        }),
      ),
    );
    const items = page.Items ?? [];
    const byKey = new Map<string, string[]>();
    for (const item of items) {
      const pk = str(item, 'pk');
      if (pk.startsWith('BLK#')) byKey.set(pk.slice('BLK#'.length), [...(byKey.get(pk.slice('BLK#'.length)) ?? []), str(item, 'sk')]);
      else claims++;
    }
    // Into the block items first, then the old items go: a stop in between leaves filings a rerun adds again (a set).
    for (const [key, ids] of byKey) {
      await guard(
        client.send(
          new UpdateItemCommand({
            TableName: table,
            Key: recordKeys.block(key),
            UpdateExpression: 'ADD ids :ids, v :one',
            ExpressionAttributeValues: { ':ids': SS([...new Set(ids)]), ':one': N(1) },
          }),
        ),
      );
      blocks++;
      filings += ids.length;
    }
    await deleteAll(
      client,
      table,
      items.map((i) => ({ pk: i.pk!, sk: i.sk! })),
    );
    start = page.LastEvaluatedKey;
  } while (start);
  return { filings, blocks, claims };
}

async function deleteAll(client: DynamoDBClient, table: string, keys: readonly Item[]): Promise<void> {
  for (let i = 0; i < keys.length; i += BATCH_WRITE) {
    let pending: WriteRequest[] | undefined = keys.slice(i, i + BATCH_WRITE).map((Key) => ({ DeleteRequest: { Key } }));
    for (let round = 0; pending && pending.length > 0; round++) {
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * 2 ** Math.min(round, 6)));
      const out: { UnprocessedItems?: Record<string, WriteRequest[]> } = await guard(
        client.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } })),
      );
      pending = out.UnprocessedItems?.[table];
    }
  }
}
