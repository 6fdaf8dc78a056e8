/**
 * Worklist items in the care table: `WORK#<workItemId>` / `ITEM`, filed in two indexes while open:
 * - byAgency under `WORK#<agencyId>#<status>`, by creation time (an agency's open or done items, newest first);
 * - byCounterparty under `WORKDUE#<agencyId>`, by due time, for items that are due (what is overdue or due soon,
 *   most overdue first; the overdue job reads it per agency). Closing an item takes it out of the due listing.
 */
import { GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { WorkItem } from '../../schemas/entities/care';
import type { Page } from '../../schemas/entities/page';
import { type CareTable, entityOf } from './care-table';
import { indexCursor } from './cursor';
import { guard, isConditionFailure, type Item, mapDynamoError, plainToItem, S } from './dynamo';

const key = (workItemId: string) => ({ pk: S(`WORK#${workItemId}`), sk: S('ITEM') });
const listing = (agencyId: string, status: WorkItem['status']) => `WORK#${agencyId}#${status}`;
const dueListing = (agencyId: string) => `WORKDUE#${agencyId}`;
const POSITION = /^\d{4}-\d\d-\d\dT[\d:.]+Z#(wrk_[0-9A-Z]{26})$/;

function itemOf(item: WorkItem): Item {
  return {
    ...plainToItem({ ...item }),
    ...key(item.workItemId),
    gsi1pk: S(listing(item.agencyId, item.status)),
    gsi1sk: S(`${item.createdAt}#${item.workItemId}`),
    ...(item.due && item.status === 'open' && { gsi2pk: S(dueListing(item.agencyId)), gsi2sk: S(`${item.due}#${item.workItemId}`) }),
  };
}

export class WorklistTable {
  constructor(private readonly care: CareTable) {}

  async add(item: WorkItem): Promise<boolean> {
    try {
      await this.care.client.send(new PutItemCommand({ TableName: this.care.tableName, Item: itemOf(item), ConditionExpression: 'attribute_not_exists(pk)' }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw mapDynamoError(error);
    }
  }

  /** Opens or moves an obligation unless a scheduling with a later basis is already there; false when it lost to one. */
  async schedule(item: WorkItem & { basis: string }): Promise<boolean> {
    try {
      await this.care.client.send(
        new PutItemCommand({
          TableName: this.care.tableName,
          Item: itemOf(item),
          ConditionExpression: 'attribute_not_exists(pk) OR basis <= :b',
          ExpressionAttributeValues: { ':b': S(item.basis) },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw mapDynamoError(error);
    }
  }

  async close(workItemId: string, at: string, basis?: string): Promise<boolean> {
    const item = await this.get(workItemId);
    if (item?.status !== 'open') return false;
    try {
      await this.care.client.send(
        new UpdateItemCommand({
          TableName: this.care.tableName,
          Key: key(workItemId),
          UpdateExpression: 'SET #s = :done, closedAt = :at, gsi1pk = :listing REMOVE gsi2pk, gsi2sk',
          ConditionExpression: `#s = :open AND agencyId = :agency${basis ? ' AND (attribute_not_exists(basis) OR basis <= :b)' : ''}`,
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':done': S('done'),
            ':open': S('open'),
            ':at': S(at),
            ':agency': S(item.agencyId),
            ':listing': S(listing(item.agencyId, 'done')),
            ...(basis && { ':b': S(basis) }),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw mapDynamoError(error);
    }
  }

  async get(workItemId: string): Promise<WorkItem | undefined> {
    const out = await guard(this.care.client.send(new GetItemCommand({ TableName: this.care.tableName, Key: key(workItemId), ConsistentRead: true })));
    return out.Item ? entityOf<WorkItem>(out.Item) : undefined;
  }

  async forAgency(agencyId: string, status: WorkItem['status'], options: { limit: number; cursor?: string }): Promise<Page<WorkItem>> {
    return this.#page({ index: 'byAgency', pk: 'gsi1pk', sk: 'gsi1sk', partition: listing(agencyId, status), ascending: false }, options);
  }

  /** An agency's open items due in [from, before), most overdue first. */
  async dueFor(agencyId: string, range: { from?: string; before?: string }, options: { limit: number; cursor?: string }): Promise<Page<WorkItem>> {
    return this.#page({ index: 'byCounterparty', pk: 'gsi2pk', sk: 'gsi2sk', partition: dueListing(agencyId), ascending: true, ...range }, options);
  }

  async #page(
    q: { index: string; pk: string; sk: string; partition: string; ascending: boolean; from?: string; before?: string },
    options: { limit: number; cursor?: string },
  ): Promise<Page<WorkItem>> {
    const cursor = indexCursor({
      partition: { [q.pk]: q.partition },
      sortKey: q.sk,
      tableKeyAt: (sort) => {
        const id = POSITION.exec(sort)?.[1];
        return id ? key(id) : undefined;
      },
    });
    const values: Item = { ':p': S(q.partition) };
    let bound = '';
    if (q.from !== undefined) values[':from'] = S(q.from);
    if (q.before !== undefined) values[':before'] = S(q.before);
    if (q.from !== undefined && q.before !== undefined) bound = ` AND ${q.sk} BETWEEN :from AND :before`;
    else if (q.before !== undefined) bound = ` AND ${q.sk} < :before`;
    else if (q.from !== undefined) bound = ` AND ${q.sk} >= :from`;
    const out = await guard(
      this.care.client.send(
        new QueryCommand({
          TableName: this.care.tableName,
          IndexName: q.index,
          KeyConditionExpression: `${q.pk} = :p${bound}`,
          ExpressionAttributeValues: values,
          ScanIndexForward: q.ascending,
          Limit: options.limit,
          ExclusiveStartKey: cursor.decode(options.cursor),
        }),
      ),
    );
    const next = cursor.encode(out.LastEvaluatedKey);
    return { items: (out.Items ?? []).map((i) => entityOf<WorkItem>(i)), ...(next && { cursor: next }) };
  }
}
