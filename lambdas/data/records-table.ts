/**
 * The records table. Item kinds (keys built by `recordKeys`, pure and tested):
 * - head    `REC#<recordId>` / `HEAD`: the current version, sealed fields, blind indexes;
 * - version `REC#<recordId>` / `V#<10 digits>`: every version ever published (history);
 * - lookup  `EXT#<blind(agency, externalId)>` / `EXT`: makes (agency, externalId) unique.
 * Every personal value is sealed (FieldCipher) or blind-indexed (BlindIndexer) before it gets here.
 */
import {
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  TransactWriteItemsCommand,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { guard, isConditionFailure, type Item, M, mapDynamoError, N, num, optStr, S, str, strMap } from './dynamo';
import type { StoredRecord } from '../../schemas/entities/records';

export const recordKeys = {
  head: (recordId: string) => ({ pk: S(`REC#${recordId}`), sk: S('HEAD') }),
  version: (recordId: string, version: number) => ({ pk: S(`REC#${recordId}`), sk: S(`V#${String(version).padStart(10, '0')}`) }),
  external: (externalIndex: string) => ({ pk: S(`EXT#${externalIndex}`), sk: S('EXT') }),
  idNumber: (idNumberIndex: string) => `IDN#${idNumberIndex}`,
  block: (blindKey: string, recordId: string) => ({ pk: S(`BLK#${blindKey}`), sk: S(recordId) }),
  counter: (blindKey: string) => ({ pk: S(`CNT#${blindKey}`), sk: S('CNT') }),
};

function contentAttributes(record: StoredRecord): Item {
  const link: Item = {};
  if (record.caseId) link.caseId = S(record.caseId);
  if (record.linkStatus) link.linkStatus = S(record.linkStatus);
  return {
    ...link,
    recordId: S(record.recordId),
    agencyId: S(record.agencyId),
    version: N(record.version),
    schemaVersion: N(record.schemaVersion),
    contentMac: S(record.contentMac),
    edk: S(record.sealed.edk),
    enc: M(record.sealed.fields),
    createdAt: S(record.createdAt),
    updatedAt: S(record.updatedAt),
  };
}

/** The head item of a record: its current version plus the index keys. */
export function headItem(record: StoredRecord): Item {
  const item: Item = { ...recordKeys.head(record.recordId), ...contentAttributes(record) };
  if (record.idNumberIndex) {
    item.gsi1pk = S(recordKeys.idNumber(record.idNumberIndex));
    item.gsi1sk = S(record.recordId);
  }
  return item;
}

export function versionItem(record: StoredRecord): Item {
  return { ...recordKeys.version(record.recordId, record.version), ...contentAttributes(record) };
}

function fromItem(item: Item): StoredRecord {
  const idn = optStr(item, 'gsi1pk');
  return {
    recordId: str(item, 'recordId'),
    agencyId: str(item, 'agencyId'),
    version: num(item, 'version'),
    schemaVersion: num(item, 'schemaVersion'),
    contentMac: str(item, 'contentMac'),
    sealed: { edk: str(item, 'edk'), fields: strMap(item, 'enc') },
    ...(idn && { idNumberIndex: idn.slice('IDN#'.length) }),
    createdAt: str(item, 'createdAt'),
    updatedAt: str(item, 'updatedAt'),
    ...(optStr(item, 'caseId') && { caseId: optStr(item, 'caseId') }),
    ...(optStr(item, 'linkStatus') && { linkStatus: optStr(item, 'linkStatus') as StoredRecord['linkStatus'] }),
  };
}

export class RecordsTable {
  constructor(
    private readonly client: DynamoDBClient,
    readonly tableName: string,
  ) {}

  /** The record id registered for a blind (agency, externalId), if any. */
  async findByExternal(externalIndex: string): Promise<string | undefined> {
    const out = await guard(this.client.send(new GetItemCommand({ TableName: this.tableName, Key: recordKeys.external(externalIndex), ConsistentRead: true })));
    return out.Item ? str(out.Item, 'recordId') : undefined;
  }

  async getHead(recordId: string): Promise<StoredRecord | undefined> {
    const out = await guard(this.client.send(new GetItemCommand({ TableName: this.tableName, Key: recordKeys.head(recordId), ConsistentRead: true })));
    return out.Item ? fromItem(out.Item) : undefined;
  }

  /** All versions, oldest first. */
  async listVersions(recordId: string): Promise<StoredRecord[]> {
    const out = await guard(
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :v)',
          ExpressionAttributeValues: { ':pk': S(`REC#${recordId}`), ':v': S('V#') },
          ConsistentRead: true,
        }),
      ),
    );
    return (out.Items ?? []).map(fromItem);
  }

  /** Creates lookup, head and first version atomically; 'exists' when another request won the race. */
  async create(record: StoredRecord, externalIndex: string): Promise<'created' | 'exists'> {
    return this.#transact([
      {
        Put: {
          TableName: this.tableName,
          Item: { ...recordKeys.external(externalIndex), recordId: S(record.recordId), agencyId: S(record.agencyId) },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      { Put: { TableName: this.tableName, Item: headItem(record), ConditionExpression: 'attribute_not_exists(pk)' } },
      { Put: { TableName: this.tableName, Item: versionItem(record), ConditionExpression: 'attribute_not_exists(pk)' } },
    ]).then((ok) => (ok ? 'created' : 'exists'));
  }

  /** Replaces the head and appends a version, if the head is still at `expectedVersion`. */
  async appendVersion(record: StoredRecord, expectedVersion: number): Promise<'ok' | 'conflict'> {
    return this.#transact([
      {
        Put: {
          TableName: this.tableName,
          Item: headItem(record),
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': N(expectedVersion) },
        },
      },
      { Put: { TableName: this.tableName, Item: versionItem(record), ConditionExpression: 'attribute_not_exists(pk)' } },
    ]).then((ok) => (ok ? 'ok' : 'conflict'));
  }

  async #transact(items: TransactWriteItem[]): Promise<boolean> {
    try {
      await this.client.send(new TransactWriteItemsCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw mapDynamoError(error);
    }
  }

  /** Files a record under its blind blocking keys. */
  async putBlockingKeys(recordId: string, blindKeys: readonly string[]): Promise<void> {
    await Promise.all(
      blindKeys.map((key) =>
        guard(this.client.send(new PutItemCommand({ TableName: this.tableName, Item: { ...recordKeys.block(key, recordId), recordId: S(recordId) } }))),
      ),
    );
  }

  /** Record ids filed under a blind blocking key (at most `limit`). */
  async blockMembers(blindKey: string, limit: number): Promise<string[]> {
    const out = await guard(
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': S(`BLK#${blindKey}`) },
          Limit: limit,
        }),
      ),
    );
    return (out.Items ?? []).map((i) => str(i, 'recordId'));
  }

  /** Points a record (head) at its case. */
  async setCase(recordId: string, caseId: string, linkStatus: NonNullable<StoredRecord['linkStatus']>): Promise<void> {
    await guard(
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: recordKeys.head(recordId),
          UpdateExpression: 'SET caseId = :c, linkStatus = :l',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':c': S(caseId), ':l': S(linkStatus) },
        }),
      ),
    );
  }

  /** Adds 1 to blind counters (name frequencies). */
  async bump(blindKeys: readonly string[]): Promise<void> {
    await Promise.all(
      blindKeys.map((key) =>
        guard(
          this.client.send(
            new UpdateItemCommand({
              TableName: this.tableName,
              Key: recordKeys.counter(key),
              UpdateExpression: 'ADD n :one',
              ExpressionAttributeValues: { ':one': N(1) },
            }),
          ),
        ),
      ),
    );
  }

  async counts(blindKeys: readonly string[]): Promise<number[]> {
    return Promise.all(
      blindKeys.map(async (key) => {
        const out = await guard(this.client.send(new GetItemCommand({ TableName: this.tableName, Key: recordKeys.counter(key) })));
        return out.Item ? num(out.Item, 'n') : 0;
      }),
    );
  }
}
