/** Local tables follow the shared definitions, including a database kept from a version with other indexes. */
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localTableNames, TABLES } from '../../lambdas/data/tables';
import { type DynamoDbLocal, localDynamoClient, startDynamoDbLocal } from '../../local/dynamodb-local';
import { freePort } from '../../local/free-port';
import { ensureTables } from '../../local/tables';

// Its own DynamoDB Local: index backfills on the emulator shared by the other test files can stall under their load.
let dynamo: DynamoDbLocal;
beforeAll(async () => {
  dynamo = await startDynamoDbLocal({ port: await freePort() });
}, 120_000);
afterAll(async () => {
  await dynamo?.stop();
});

describe('ensureTables', () => {
  it('brings an existing audit table up to the defined indexes (an older byDay projection replaced, missing ones created)', async () => {
    const client = localDynamoClient(dynamo.endpoint);
    const names = localTableNames('540000', `r${randomUUID().slice(0, 8)}`);
    await client.send(
      new CreateTableCommand({
        TableName: names.audit,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'day', AttributeType: 'S' },
          { AttributeName: 'time', AttributeType: 'S' },
        ],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'byDay',
            KeySchema: [
              { AttributeName: 'day', KeyType: 'HASH' },
              { AttributeName: 'time', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['agencyId'] },
          },
        ],
      }),
    );
    await ensureTables(client, names);
    const indexes = (await client.send(new DescribeTableCommand({ TableName: names.audit }))).Table!.GlobalSecondaryIndexes!;
    expect(indexes.map((i) => i.IndexName).sort()).toEqual(TABLES.audit.indexes.map((i) => i.name).sort());
    expect(indexes.every((i) => i.Projection?.ProjectionType === 'ALL')).toBe(true);
    client.destroy();
  }, 600_000);
});
