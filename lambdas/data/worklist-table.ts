/**
 * Worklist items in the care table: `WORK#<agencyId>` / `ITEM#<workItemId>`, filed in the byAgency index under
 * `WORK#<agencyId>#<status>`, sorted by creation time, so an agency lists its open (or done) items newest first
 * and closing an item moves it between the two listings in the same write.
 */
import { GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { WorkItem } from '../../schemas/entities/care';
import type { Page } from '../../schemas/entities/page';
import { type CareTable, entityOf } from './care-table';
import { indexCursor } from './cursor';
import { guard, isConditionFailure, mapDynamoError, plainToItem, S } from './dynamo';

const key = (agencyId: string, workItemId: string) => ({ pk: S(`WORK#${agencyId}`), sk: S(`ITEM#${workItemId}`) });
const listing = (agencyId: string, status: WorkItem['status']) => `WORK#${agencyId}#${status}`;
const POSITION = /^\d{4}-\d\d-\d\dT[\d:.]+Z#(wrk_[0-9A-Z]{26})$/;

export class WorklistTable {
  constructor(private readonly care: CareTable) {}

  async add(item: WorkItem): Promise<boolean> {
    try {
      await this.care.client.send(
        new PutItemCommand({
          TableName: this.care.tableName,
          Item: {
            ...plainToItem({ ...item }),
            ...key(item.agencyId, item.workItemId),
            gsi1pk: S(listing(item.agencyId, item.status)),
            gsi1sk: S(`${item.createdAt}#${item.workItemId}`),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw mapDynamoError(error);
    }
  }

  async close(agencyId: string, workItemId: string, at: string): Promise<boolean> {
    try {
      await this.care.client.send(
        new UpdateItemCommand({
          TableName: this.care.tableName,
          Key: key(agencyId, workItemId),
          UpdateExpression: 'SET #s = :done, closedAt = :at, gsi1pk = :listing',
          ConditionExpression: '#s = :open',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':done': S('done'), ':open': S('open'), ':at': S(at), ':listing': S(listing(agencyId, 'done')) },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw mapDynamoError(error);
    }
  }

  async get(agencyId: string, workItemId: string): Promise<WorkItem | undefined> {
    const out = await guard(
      this.care.client.send(new GetItemCommand({ TableName: this.care.tableName, Key: key(agencyId, workItemId), ConsistentRead: true })),
    );
    return out.Item ? entityOf<WorkItem>(out.Item) : undefined;
  }

  async forAgency(agencyId: string, status: WorkItem['status'], options: { limit: number; cursor?: string }): Promise<Page<WorkItem>> {
    const cursor = indexCursor({
      partition: { gsi1pk: listing(agencyId, status) },
      sortKey: 'gsi1sk',
      tableKeyAt: (sort) => {
        const id = POSITION.exec(sort)?.[1];
        return id ? key(agencyId, id) : undefined;
      },
    });
    const out = await guard(
      this.care.client.send(
        new QueryCommand({
          TableName: this.care.tableName,
          IndexName: 'byAgency',
          KeyConditionExpression: 'gsi1pk = :p',
          ExpressionAttributeValues: { ':p': S(listing(agencyId, status)) },
          ScanIndexForward: false,
          Limit: options.limit,
          ExclusiveStartKey: cursor.decode(options.cursor),
        }),
      ),
    );
    const next = cursor.encode(out.LastEvaluatedKey);
    return { items: (out.Items ?? []).map((i) => entityOf<WorkItem>(i)), ...(next && { cursor: next }) };
  }
}
