/**
 * The upgrade to block items (DynamoDB Local, real tables): filings of the first layout become ids in their
 * keys' block items, old claims go, nothing else is touched, and a run that stopped halfway is finished by
 * running it again.
 */
import { randomUUID } from 'node:crypto';
import { PutItemCommand, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrateBlocks } from '../../lambdas/data/block-migration';
import { RecordsTable, recordKeys } from '../../lambdas/data/records-table';
import { localTableNames, type TableNames } from '../../lambdas/data/tables';
import { localDynamoClient } from '../../local/dynamodb-local';
import { ensureTables } from '../../local/tables';

const client = localDynamoClient(inject('dynamoEndpoint'));
let tables: TableNames;
let records: RecordsTable;

beforeAll(async () => {
  tables = localTableNames('540000', `blockmig${randomUUID().slice(0, 8)}`);
  await ensureTables(client, tables);
  records = new RecordsTable(client, tables.records);
});
afterAll(() => client.destroy());

const put = (item: Record<string, string>) =>
  client.send(new PutItemCommand({ TableName: tables.records, Item: Object.fromEntries(Object.entries(item).map(([k, v]) => [k, { S: v }])) }));
const all = async () => (await client.send(new ScanCommand({ TableName: tables.records, ConsistentRead: true }))).Items ?? [];

describe('migrateBlocks', () => {
  it('moves old filings into block items, removes old claims, keeps everything else, and finishes a stopped run', async () => {
    // Prepare: the first layout (cap 3 here). Key a has three records, key b one (already half-migrated: a run stopped after
    // adding it to its block item and before deleting the old item); a claim left behind; a head and a counter.
    for (const id of ['rec_3', 'rec_1', 'rec_2']) await put({ pk: 'BLK#a', sk: id, recordId: id });
    await put({ pk: 'BLK#b', sk: 'rec_9', recordId: 'rec_9' });
    await client.send(
      new UpdateItemCommand({
        TableName: tables.records,
        Key: recordKeys.block('b'),
        UpdateExpression: 'ADD ids :ids, v :one',
        ExpressionAttributeValues: { ':ids': { SS: ['rec_9'] }, ':one': { N: '1' } },
      }),
    );
    // Key c has more filings than a block takes (the first layout had no limit).
    for (const id of ['rec_c5', 'rec_c1', 'rec_c4', 'rec_c2', 'rec_c3']) await put({ pk: 'BLK#c', sk: id, recordId: id });
    await put({ pk: 'CLM#a', sk: 'CLM', owner: 'rec_1#clm_x' });
    await put({ pk: 'REC#rec_1', sk: 'HEAD', recordId: 'rec_1' });
    await put({ pk: 'CNT#n', sk: 'CNT' });
    // Act
    const first = await migrateBlocks(client, tables.records, { cap: 3, segments: 3, concurrency: 2 });
    const again = await migrateBlocks(client, tables.records, { cap: 3, segments: 3, concurrency: 2 });
    // Assess
    expect(first).toEqual({ filings: 7, overCap: 2, claims: 1 });
    expect(again).toEqual({ filings: 0, overCap: 0, claims: 0 });
    const [a, b, c] = await records.blocks(['a', 'b', 'c'], 50);
    expect(a).toEqual({ ids: ['rec_1', 'rec_2', 'rec_3'], size: 3, version: 1 });
    // b was in its block already: not added twice, its version not moved again.
    expect(b).toEqual({ ids: ['rec_9'], size: 1, version: 1 });
    // c: the lowest ids up to the cap.
    expect(c).toEqual({ ids: ['rec_c1', 'rec_c2', 'rec_c3'], size: 3, version: 1 });
    const keys = (await all()).map((i) => `${i.pk!.S}/${i.sk!.S}`).sort();
    expect(keys).toEqual(['BLK#a/BLK', 'BLK#b/BLK', 'BLK#c/BLK', 'CNT#n/CNT', 'REC#rec_1/HEAD']);
  });
});
