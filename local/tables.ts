/** Creates the hub's tables in DynamoDB Local from the same definitions the CDK stack uses. */
import { CreateTableCommand, type DynamoDBClient, type GlobalSecondaryIndex, ResourceInUseException, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
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

/** Creates every table that does not exist yet, with TTL where defined. */
export async function ensureTables(client: DynamoDBClient, names: TableNames): Promise<void> {
  for (const def of Object.values(TABLES)) {
    const tableName = names[def.id];
    try {
      await client.send(new CreateTableCommand(createTableInput(def, tableName)));
    } catch (error) {
      if (error instanceof ResourceInUseException) continue;
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
