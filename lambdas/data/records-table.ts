/**
 * The records table. Item kinds (keys built by `recordKeys`, pure and tested):
 * - head    `REC#<recordId>` / `HEAD`: the current version, sealed fields, blind indexes;
 * - version `REC#<recordId>` / `V#<10 digits>`: every version ever published (history);
 * - lookup  `EXT#<blind(agency, externalId)>` / `EXT`: makes (agency, externalId) unique;
 * - block   `BLK#<blind key>` / `BLK`: the ids of the records filed under a blocking key (`ids`, a string set),
 *           its version (`v`, one more for every filing or unfiling) and, while a record decides its link, its
 *           claim on the key (`owner`, `expiresAt`; linking-items.ts);
 * - counter `CNT#<blind key>` / `CNT`: name-frequency counters (the total in shards).
 * Implements the records domain's RecordsStore port.
 * Every personal value is sealed (FieldCipher) or blind-indexed (BlindIndexer) before it gets here.
 */
import { BatchGetItemCommand, GetItemCommand, QueryCommand, type DynamoDBClient, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { guard, type Item, M, N, num, optStr, S, SS, str, strMap, transactOrLost } from './dynamo';
import type { BlockRead, StoredRecord } from '../../schemas/entities/records';

export const recordKeys = {
  head: (recordId: string) => ({ pk: S(`REC#${recordId}`), sk: S('HEAD') }),
  version: (recordId: string, version: number) => ({ pk: S(`REC#${recordId}`), sk: S(`V#${String(version).padStart(10, '0')}`) }),
  external: (externalIndex: string) => ({ pk: S(`EXT#${externalIndex}`), sk: S('EXT') }),
  idNumber: (idNumberIndex: string) => `IDN#${idNumberIndex}`,
  block: (blindKey: string) => ({ pk: S(`BLK#${blindKey}`), sk: S('BLK') }),
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
  if (record.linkedVersion !== undefined) item.linkedVersion = N(record.linkedVersion);
  if (record.blockKeys && record.blockKeys.length > 0) item.blockKeys = SS(record.blockKeys);
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
    ...(item.linkedVersion?.N !== undefined && { linkedVersion: Number(item.linkedVersion.N) }),
    ...(item.blockKeys?.SS && { blockKeys: [...item.blockKeys.SS].sort() }),
  };
}

/** BatchGetItem takes at most 100 keys. */
const BATCH_GET = 100;

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

  /** Heads of several records, in batches of 100 read in parallel (consistent); missing ones are left out. */
  async getHeads(recordIds: readonly string[]): Promise<StoredRecord[]> {
    const items = await this.#batchGet([...new Set(recordIds)].map((id) => recordKeys.head(id)));
    return items.map(fromItem);
  }

  /** Every item of `keys` that exists, following UnprocessedKeys. */
  async #batchGet(keys: Item[]): Promise<Item[]> {
    const chunks: Item[][] = [];
    for (let i = 0; i < keys.length; i += BATCH_GET) chunks.push(keys.slice(i, i + BATCH_GET));
    const pages = await Promise.all(
      chunks.map(async (chunk) => {
        const found: Item[] = [];
        let pending: Item[] | undefined = chunk;
        for (let round = 0; pending && pending.length > 0; round++) {
          if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * 2 ** Math.min(round, 6)));
          const out = await guard(this.client.send(new BatchGetItemCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } })));
          found.push(...(out.Responses?.[this.tableName] ?? []));
          pending = out.UnprocessedKeys?.[this.tableName]?.Keys as Item[] | undefined;
        }
        return found;
      }),
    );
    return pages.flat();
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

  /**
   * Replaces the head and appends a version, if the head is still at `expectedVersion` and its link
   * (case, decided version) is still the one `record` carries over: a link committed since the read wins.
   */
  async appendVersion(record: StoredRecord, expectedVersion: number): Promise<'ok' | 'conflict'> {
    const values: Item = { ':expected': N(expectedVersion) };
    const conditions = ['version = :expected'];
    if (record.caseId) {
      conditions.push('caseId = :case');
      values[':case'] = S(record.caseId);
    } else conditions.push('attribute_not_exists(caseId)');
    if (record.linkedVersion !== undefined) {
      conditions.push('linkedVersion = :linked');
      values[':linked'] = N(record.linkedVersion);
    } else conditions.push('attribute_not_exists(linkedVersion)');
    return this.#transact([
      {
        Put: {
          TableName: this.tableName,
          Item: headItem(record),
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeValues: values,
        },
      },
      { Put: { TableName: this.tableName, Item: versionItem(record), ConditionExpression: 'attribute_not_exists(pk)' } },
    ]).then((ok) => (ok ? 'ok' : 'conflict'));
  }

  #transact(items: TransactWriteItem[]): Promise<boolean> {
    return transactOrLost(this.client, items); // false: a condition failed, or another request's transaction won: read again
  }

  /**
   * The blocks of several blind keys in one batch (consistent: a record filed just before this read must be
   * seen, which is what serialising on claims relies on): per key, in the order given, the first `limit`
   * record ids in id order, how many are filed and the block's version.
   */
  async blocks(blindKeys: readonly string[], limit: number): Promise<BlockRead[]> {
    const items = await this.#batchGet([...new Set(blindKeys)].map((key) => recordKeys.block(key)));
    const byKey = new Map(items.map((i) => [str(i, 'pk'), i]));
    return blindKeys.map((key) => {
      const item = byKey.get(`BLK#${key}`);
      const ids = item?.ids?.SS ?? [];
      return { ids: [...ids].sort().slice(0, limit), size: ids.length, version: item?.v ? num(item, 'v') : 0 };
    });
  }

  /** Blind counters (0 when absent), read in one batch. */
  async counts(blindKeys: readonly string[]): Promise<number[]> {
    const items = await this.#batchGet([...new Set(blindKeys)].map((key) => recordKeys.counter(key)));
    const byKey = new Map(items.map((i) => [str(i, 'pk'), num(i, 'n')]));
    return blindKeys.map((key) => byKey.get(`CNT#${key}`) ?? 0);
  }
}
