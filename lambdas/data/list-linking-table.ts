/**
 * The bulk side of linking, for list jobs: lookups of many (agency, externalId) at once, and the one
 * transaction that creates a group's records already linked, writes their cases, finishes their list rows and
 * files the records under their keys, on condition that no block the group read has changed or is claimed. Same items as the single path (records-table.ts,
 * linking-table.ts, cases-table.ts, notifications-table.ts), spanning the records, cases, notifications and
 * lists tables. Implements the lists domain's BulkLinkStore port.
 */
import { BatchGetItemCommand, type DynamoDBClient, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { memberItem, reviewItem } from './cases-table';
import { guard, type Item, N, S, str, transactOrLost } from './dynamo';
import { eventPut, ledgerPut, unchangedBlockItems } from './linking-items';
import { finishRowWrite, tallyWrite } from './lists-table';
import { notificationItem } from './notifications-table';
import { headItem, recordKeys, versionItem } from './records-table';
import type { TableNames } from './tables';
import type { BulkChange, RowOutcome } from '../../schemas/entities/lists';

const TRANSACTION_ITEMS = 100;
const BATCH_GET = 100;

export class ListLinkingTable {
  readonly #records: string;
  readonly #cases: string;
  readonly #notifications: string;
  readonly #lists: string;

  constructor(
    private readonly client: DynamoDBClient,
    tables: Pick<TableNames, 'records' | 'cases' | 'notifications' | 'lists'>,
  ) {
    this.#records = tables.records;
    this.#cases = tables.cases;
    this.#notifications = tables.notifications;
    this.#lists = tables.lists;
  }

  /** Lookups in batches of 100, read in parallel (consistent), following UnprocessedKeys. */
  async recordIdsByExternal(externalIndexes: readonly string[]): Promise<Map<string, string>> {
    const keys = [...new Set(externalIndexes)].map((x) => recordKeys.external(x));
    const chunks: Item[][] = [];
    for (let i = 0; i < keys.length; i += BATCH_GET) chunks.push(keys.slice(i, i + BATCH_GET));
    const found = new Map<string, string>();
    await Promise.all(
      chunks.map(async (chunk) => {
        let pending: Item[] | undefined = chunk;
        for (let round = 0; pending && pending.length > 0; round++) {
          if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * 2 ** Math.min(round, 6)));
          const out = await guard(this.client.send(new BatchGetItemCommand({ RequestItems: { [this.#records]: { Keys: pending, ConsistentRead: true } } })));
          for (const item of out.Responses?.[this.#records] ?? []) found.set(str(item, 'pk').slice('EXT#'.length), str(item, 'recordId'));
          pending = out.UnprocessedKeys?.[this.#records]?.Keys as Item[] | undefined;
        }
      }),
    );
    return found;
  }

  async commit(change: BulkChange): Promise<'ok' | 'conflict' | 'too-large'> {
    const counts: Partial<Record<RowOutcome, number>> = {};
    for (const r of change.rows) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
    const items: TransactWriteItem[] = [
      ...change.created.flatMap(({ record, externalIndex }): TransactWriteItem[] => [
        {
          Put: {
            TableName: this.#records,
            Item: { ...recordKeys.external(externalIndex), recordId: S(record.recordId), agencyId: S(record.agencyId) },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        { Put: { TableName: this.#records, Item: headItem(record), ConditionExpression: 'attribute_not_exists(pk)' } },
        { Put: { TableName: this.#records, Item: versionItem(record), ConditionExpression: 'attribute_not_exists(pk)' } },
      ]),
      ...change.members.map((m) => ({ Put: { TableName: this.#cases, Item: memberItem(m) } })),
      ...change.ledger.map((w) => ledgerPut(this.#cases, w)),
      ...change.events.map((e, i) => eventPut(this.#cases, e, i)),
      ...change.reviews.map((r) => ({ Put: { TableName: this.#cases, Item: reviewItem(r), ConditionExpression: 'attribute_not_exists(pk)' } })),
      ...[...change.counters].map(([key, n]) => ({
        Update: { TableName: this.#records, Key: recordKeys.counter(key), UpdateExpression: 'ADD n :n', ExpressionAttributeValues: { ':n': N(n) } },
      })),
      ...change.notify.map((n) => ({ Put: { TableName: this.#notifications, Item: notificationItem(n) } })),
      ...change.rows.map((r) => finishRowWrite(this.#lists, r.row, change.tally.createdAt)),
      ...(change.rows.length > 0 ? [tallyWrite(this.#lists, change.tally, counts)] : []),
      ...unchangedBlockItems(this.#records, change.blocks, change.filings, change.now),
    ];
    if (items.length > TRANSACTION_ITEMS) return 'too-large';
    return (await this.#transact(items)) ? 'ok' : 'conflict';
  }

  #transact(items: TransactWriteItem[]): Promise<boolean> {
    return transactOrLost(this.client, items);
  }
}
