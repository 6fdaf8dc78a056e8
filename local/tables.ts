/** Creates the hub's tables in DynamoDB Local from the same definitions the CDK stack uses. */
import {
  CreateTableCommand,
  DescribeTableCommand,
  UpdateTableCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type UpdateTableCommandInput,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { TABLES, type TableDefinition, type TableNames } from '../lambdas/data/tables';

export function createTableInput(def: TableDefinition, tableName: string) {
  const keyTypes = new Map<string, 'S' | 'N'>([[def.partitionKey, 'S']]);
  if (def.sortKey) keyTypes.set(def.sortKey, 'S');
  for (const i of def.indexes) for (const k of [i.partitionKey, i.sortKey]) if (k) keyTypes.set(k, i.keyType ?? 'S');
  const indexes: GlobalSecondaryIndex[] = def.indexes.map((index) => ({
    IndexName: index.name,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' },
      ...(index.sortKey ? [{ AttributeName: index.sortKey, KeyType: 'RANGE' as const }] : []),
    ],
    Projection:
      index.include === 'all'
        ? { ProjectionType: 'ALL' as const }
        : index.include?.length
          ? { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...index.include] }
          : { ProjectionType: 'KEYS_ONLY' as const },
  }));
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [...keyTypes].map(([name, type]) => ({ AttributeName: name, AttributeType: type })),
    KeySchema: [
      { AttributeName: def.partitionKey, KeyType: 'HASH' as const },
      ...(def.sortKey ? [{ AttributeName: def.sortKey, KeyType: 'RANGE' as const }] : []),
    ],
    ...(indexes.length > 0 && { GlobalSecondaryIndexes: indexes }),
  };
}

/** How long a local index change may take: DynamoDB Local backfills and drops indexes slowly when it is busy. */
const INDEX_CHANGE_BUDGET_MS = 300_000;

/** Waits until no index of the table is being created or deleted (DynamoDB takes one index change at a time). */
async function settled(client: DynamoDBClient, tableName: string): Promise<void> {
  const deadline = Date.now() + INDEX_CHANGE_BUDGET_MS;
  while (Date.now() < deadline) {
    const table = (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
    if (table?.TableStatus === 'ACTIVE' && (table.GlobalSecondaryIndexes ?? []).every((x) => x.IndexStatus === 'ACTIVE')) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`indexes of ${tableName} still changing after ${INDEX_CHANGE_BUDGET_MS / 1000} s`);
}

/** Sends one index change, waiting while DynamoDB Local is still finishing the previous one ("Index is being deleted"). */
async function changeIndex(client: DynamoDBClient, input: UpdateTableCommandInput): Promise<void> {
  const deadline = Date.now() + INDEX_CHANGE_BUDGET_MS;
  for (;;) {
    try {
      await client.send(new UpdateTableCommand(input));
      break;
    } catch (error) {
      if (!(error instanceof ResourceInUseException) || Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  await settled(client, input.TableName!);
}

/**
 * Brings an existing table's indexes to the definitions (a local database kept from an older version):
 * drops indexes whose keys or projection changed, then creates the missing ones, one per update.
 */
async function reconcileIndexes(client: DynamoDBClient, def: TableDefinition, tableName: string): Promise<void> {
  const wanted = createTableInput(def, tableName);
  const current = (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table?.GlobalSecondaryIndexes ?? [];
  const same = (a: GlobalSecondaryIndex, b: { KeySchema?: unknown; Projection?: { ProjectionType?: string; NonKeyAttributes?: string[] } }) =>
    JSON.stringify(a.KeySchema) === JSON.stringify(b.KeySchema) &&
    a.Projection?.ProjectionType === b.Projection?.ProjectionType &&
    JSON.stringify([...(a.Projection?.NonKeyAttributes ?? [])].sort()) === JSON.stringify([...(b.Projection?.NonKeyAttributes ?? [])].sort());
  for (const index of current) {
    const want = wanted.GlobalSecondaryIndexes?.find((w) => w.IndexName === index.IndexName);
    if (want && same(want, index)) continue;
    await changeIndex(client, { TableName: tableName, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: index.IndexName! } }] });
  }
  const kept = new Set(current.filter((i) => wanted.GlobalSecondaryIndexes?.some((w) => w.IndexName === i.IndexName && same(w, i))).map((i) => i.IndexName));
  for (const index of wanted.GlobalSecondaryIndexes ?? []) {
    if (kept.has(index.IndexName)) continue;
    await changeIndex(client, { TableName: tableName, AttributeDefinitions: wanted.AttributeDefinitions, GlobalSecondaryIndexUpdates: [{ Create: index }] });
  }
}

/** Creates every table that does not exist yet, with TTL where defined; brings existing tables' indexes up to date. */
export async function ensureTables(client: DynamoDBClient, names: TableNames): Promise<void> {
  for (const def of Object.values(TABLES)) {
    const tableName = names[def.id];
    try {
      await client.send(new CreateTableCommand(createTableInput(def, tableName)));
    } catch (error) {
      if (error instanceof ResourceInUseException) {
        await reconcileIndexes(client, def, tableName);
        continue;
      }
      throw error;
    }
    if (def.ttlAttribute) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: tableName,
          TimeToLiveSpecification: { AttributeName: def.ttlAttribute, Enabled: true },
        }),
      );
    }
  }
}
