/**
 * Moves a records table from the first blocking layout to block items (records-table.ts): every filing item
 * `BLK#<key>` / `<recordId>` becomes an id in its key's block item `BLK#<key>` / `BLK` (version moved on), and
 * claim items `CLM#<key>` / `CLM` are removed. Until this has run, decisions do not see records filed under the
 * old layout, so it runs once after the upgrade is deployed, with publishing and list jobs stopped
 * (docs/runbook.md, "Upgrade to block items").
 * - A block takes at most `cap` ids (the first layout had no limit, and a block item must stay under 400 KB):
 *   the lowest ids of each page first; the filings left out are counted, never silently lost.
 * - Idempotent: a filing is added to its block before its old item is deleted, so a run that stops anywhere is
 *   finished by running it again; a run that finds nothing to move reports zeros.
 * - Parallel: `segments` scan segments at once (a key's items are all in one segment, so no two writers
 *   touch one block item), and the keys of a page `concurrency` at a time.
 */
import { type DynamoDBClient, GetItemCommand, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { batchWrite, guard, type Item, N, S, SS, str } from './dynamo';
import { recordKeys } from './records-table';

export interface BlockMigration {
  /** Old filing items moved into block items. */
  readonly filings: number;
  /** Old filing items not moved because their block was full (`cap`). */
  readonly overCap: number;
  /** Old claim items removed. */
  readonly claims: number;
}

export interface MigrationOptions {
  /** Most ids a block item takes. */
  readonly cap: number;
  readonly segments?: number;
  readonly concurrency?: number;
}

export async function migrateBlocks(client: DynamoDBClient, table: string, options: MigrationOptions): Promise<BlockMigration> {
  const segments = options.segments ?? 8;
  const done = await Promise.all(Array.from({ length: segments }, (_, segment) => migrateSegment(client, table, options, segment, segments)));
  return {
    filings: done.reduce((n, d) => n + d.filings, 0),
    overCap: done.reduce((n, d) => n + d.overCap, 0),
    claims: done.reduce((n, d) => n + d.claims, 0),
  };
}

async function migrateSegment(client: DynamoDBClient, table: string, options: MigrationOptions, segment: number, segments: number): Promise<BlockMigration> {
  let filings = 0;
  let overCap = 0;
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
          Segment: segment,
          TotalSegments: segments,
          ...(start && { ExclusiveStartKey: start }),
        }),
      ),
    );
    const items = page.Items ?? [];
    const byKey = new Map<string, string[]>();
    for (const item of items) {
      const pk = str(item, 'pk');
      if (!pk.startsWith('BLK#')) {
        claims++;
        continue;
      }
      const key = pk.slice('BLK#'.length);
      byKey.set(key, [...(byKey.get(key) ?? []), str(item, 'sk')]);
    }
    // Into the block items first, then the old items go: a stop in between leaves filings a rerun adds again (a set).
    const keys = [...byKey.keys()];
    const concurrency = options.concurrency ?? 16;
    for (let i = 0; i < keys.length; i += concurrency) {
      const moved = await Promise.all(keys.slice(i, i + concurrency).map((key) => fileUnderCap(client, table, key, byKey.get(key)!, options.cap)));
      for (const m of moved) {
        filings += m.filed;
        overCap += m.left;
      }
    }
    await deleteAll(
      client,
      table,
      items.map((i) => ({ pk: i.pk!, sk: i.sk! })),
      concurrency,
    );
    start = page.LastEvaluatedKey;
  } while (start);
  return { filings, overCap, claims };
}

/** Adds `ids` to the key's block, the lowest first, as far as the cap allows: how many went in, and how many did not. */
async function fileUnderCap(client: DynamoDBClient, table: string, key: string, ids: readonly string[], cap: number): Promise<{ filed: number; left: number }> {
  const current = await guard(client.send(new GetItemCommand({ TableName: table, Key: recordKeys.block(key), ConsistentRead: true })));
  const there = new Set(current.Item?.ids?.SS ?? []);
  const fresh = [...new Set(ids)].filter((id) => !there.has(id)).sort();
  const add = fresh.slice(0, Math.max(0, cap - there.size));
  if (add.length > 0) {
    await guard(
      client.send(
        new UpdateItemCommand({
          TableName: table,
          Key: recordKeys.block(key),
          UpdateExpression: 'ADD ids :ids, v :one',
          ExpressionAttributeValues: { ':ids': SS(add), ':one': N(1) },
        }),
      ),
    );
  }
  return { filed: ids.length - (fresh.length - add.length), left: fresh.length - add.length };
}

async function deleteAll(client: DynamoDBClient, table: string, keys: readonly Item[], concurrency: number): Promise<void> {
  const chunk = 25 * concurrency;
  for (let i = 0; i < keys.length; i += chunk) {
    const requests = keys.slice(i, i + chunk).map((Key) => ({ DeleteRequest: { Key } }));
    await Promise.all(Array.from({ length: Math.ceil(requests.length / 25) }, (_, b) => batchWrite(client, table, requests.slice(b * 25, b * 25 + 25))));
  }
}
