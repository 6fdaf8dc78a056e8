/**
 * `npm run bench:ddb [-- --items N]`: what one written item costs DynamoDB Local, by request
 * kind (PutItem one at a time, 4 in flight; BatchWriteItem of 25; TransactWriteItems of 25 and of 100),
 * items per second and the ratio to single puts measured in the same run. It says whether the list bulk
 * path's time is bound by items written or by round trips.
 */
import { BatchWriteItemCommand, CreateTableCommand, PutItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { parseArgs } from 'node:util';
import { localDynamoClient, startDynamoDbLocal } from '../local/dynamodb-local';
import { freePort } from '../local/free-port';

const { values } = parseArgs({ options: { items: { type: 'string', default: '6000' } } });
const n = Number(values.items);
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const ddb = await startDynamoDbLocal({ port: await freePort() });
const client = localDynamoClient(ddb.endpoint);
const table = 'costs';
await client.send(
  new CreateTableCommand({
    TableName: table,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
  }),
);
const item = (kind: string, i: number) => ({ pk: { S: `BLK#${kind}#${i % 997}` }, sk: { S: `rec_${kind}_${i}` }, recordId: { S: `rec_${i}` } });
const lanes = async (requests: number, send: (r: number) => Promise<unknown>) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < requests) await send(next++);
    }),
  );
};
const runs: { name: string; perSecond: number }[] = [];
const measure = async (name: string, size: number, send: (kind: string, from: number, size: number) => Promise<unknown>) => {
  const t = performance.now();
  await lanes(Math.ceil(n / size), (r) => send(name, r * size, size));
  const s = (performance.now() - t) / 1000;
  runs.push({ name, perSecond: n / s });
};
const put = (k: string, i: number) => client.send(new PutItemCommand({ TableName: table, Item: item(k, i) }));
// Warm the emulator's JIT first, so that the first kind measured does not pay for it.
await lanes(1000, (i) => put('warm', i));
await measure('put', 1, put);
await measure('batch25', 25, (k, i, size) =>
  client.send(new BatchWriteItemCommand({ RequestItems: { [table]: Array.from({ length: size }, (_, j) => ({ PutRequest: { Item: item(k, i + j) } })) } })),
);
for (const size of [25, 100]) {
  await measure(`transact${size}`, size, (k, i, s) =>
    client.send(new TransactWriteItemsCommand({ TransactItems: Array.from({ length: s }, (_, j) => ({ Put: { TableName: table, Item: item(k, i + j) } })) })),
  );
}
const base = runs[0]!.perSecond;
for (const r of runs)
  console.log(`${r.name.padEnd(11)} ${Math.round(r.perSecond).toString().padStart(6)} items/s  ratio to single puts ${(r.perSecond / base).toFixed(2)}x`);
client.destroy();
await ddb.stop();
