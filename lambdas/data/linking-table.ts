/**
 * Claims on blind blocking keys and the linking transaction, across the
 * records and cases tables. Item kinds (records table):
 * - claim `CLM#<blind key>` / `CLM`: owner and lease expiry (epoch ms) while a record decides its link;
 * - block `BLK#<blind key>` / `<recordId>`: the record is filed under the key.
 * Implements the cases domain's LinkingStore port. A change spans the records, cases and
 * notifications tables in one TransactWriteItems (at most 100 items).
 */
import { type DynamoDBClient, TransactWriteItemsCommand, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { CaseChange, Claim } from '../../schemas/entities/linking';
import { caseKeys, eventItem, ledgerItem, memberItem, reviewItem } from './cases-table';
import { isLostRace, mapDynamoError, N, S, SS } from './dynamo';
import { notificationItem } from './notifications-table';
import { recordKeys } from './records-table';

export const claimKey = (blindKey: string) => ({ pk: S(`CLM#${blindKey}`), sk: S('CLM') });

export class LinkingTable {
  constructor(
    private readonly client: DynamoDBClient,
    readonly recordsTable: string,
    readonly casesTable: string,
    readonly notificationsTable: string,
  ) {}

  async claim(claim: Claim): Promise<boolean> {
    if (claim.keys.length === 0 && claim.unfile.length === 0) return true; // nothing can find this record, nor it anything
    const items: TransactWriteItem[] = [
      ...claim.keys.map((key) => ({
        Put: {
          TableName: this.recordsTable,
          Item: { ...claimKey(key), owner: S(claim.owner), expiresAt: N(claim.now + claim.leaseMs) },
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now OR #o = :owner',
          ExpressionAttributeNames: { '#o': 'owner' },
          ExpressionAttributeValues: { ':now': N(claim.now), ':owner': S(claim.owner) },
        },
      })),
      ...claim.keys.map((key) => ({ Put: { TableName: this.recordsTable, Item: { ...recordKeys.block(key, claim.recordId), recordId: S(claim.recordId) } } })),
      ...claim.unfile.map((key) => ({ Delete: { TableName: this.recordsTable, Key: recordKeys.block(key, claim.recordId) } })),
    ];
    return this.#transact(items);
  }

  async release(owner: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    if (await this.#transact(keys.map((key) => this.#releaseItem(owner, key)))) return;
    // Some claim is no longer ours (our lease ran out and another record took it): release the others one by one.
    await Promise.all(keys.map((key) => this.#transact([this.#releaseItem(owner, key)])));
  }

  #releaseItem(owner: string, key: string): TransactWriteItem {
    return {
      Delete: {
        TableName: this.recordsTable,
        Key: claimKey(key),
        ConditionExpression: '#o = :owner',
        ExpressionAttributeNames: { '#o': 'owner' },
        ExpressionAttributeValues: { ':owner': S(owner) },
      },
    };
  }

  async commit(change: CaseChange): Promise<boolean> {
    const items: TransactWriteItem[] = [
      ...change.heads.map((h): TransactWriteItem => {
        const values: Record<string, ReturnType<typeof S>> = { ':c': S(h.caseId), ':l': S(h.linkStatus) };
        const set = ['caseId = :c', 'linkStatus = :l'];
        const conditions = ['attribute_exists(pk)'];
        if (h.expectedCaseId) {
          conditions.push('caseId = :expected');
          values[':expected'] = S(h.expectedCaseId);
        } else conditions.push('attribute_not_exists(caseId)');
        if (h.linkedVersion !== undefined) {
          set.push('linkedVersion = :v');
          conditions.push('version = :v');
          values[':v'] = N(h.linkedVersion);
        }
        if (h.blockKeys && h.blockKeys.length > 0) {
          set.push('blockKeys = :k');
          values[':k'] = SS(h.blockKeys);
        }
        return {
          Update: {
            TableName: this.recordsTable,
            Key: recordKeys.head(h.recordId),
            UpdateExpression: `SET ${set.join(', ')}`,
            ConditionExpression: conditions.join(' AND '),
            ExpressionAttributeValues: values,
          },
        };
      }),
      ...(change.remove ?? []).map((r) => ({ Delete: { TableName: this.casesTable, Key: caseKeys.member(r.caseId, r.recordId) } })),
      ...(change.put ?? []).map((m) => ({ Put: { TableName: this.casesTable, Item: memberItem(m) } })),
      ...(change.ledger ?? []).map(
        (w): TransactWriteItem => ({
          Put: {
            TableName: this.casesTable,
            Item: ledgerItem(w.row),
            ...(w.expectedUpdatedAt === undefined
              ? { ConditionExpression: 'attribute_not_exists(pk)' }
              : {
                  ConditionExpression: 'updatedAt = :seen AND #s = :open',
                  ExpressionAttributeNames: { '#s': 'status' },
                  ExpressionAttributeValues: { ':seen': S(w.expectedUpdatedAt), ':open': S('open') },
                }),
          },
        }),
      ),
      ...(change.events ?? []).map((e, i) => ({ Put: { TableName: this.casesTable, Item: eventItem(e, `${i}${Math.random().toString(36).slice(2, 8)}`) } })),
      ...(change.review ? [{ Put: { TableName: this.casesTable, Item: reviewItem(change.review), ConditionExpression: 'attribute_not_exists(pk)' } }] : []),
      ...(change.counters ?? []).map((key) => ({
        Update: {
          TableName: this.recordsTable,
          Key: recordKeys.counter(key),
          UpdateExpression: 'ADD n :one',
          ExpressionAttributeValues: { ':one': N(1) },
        },
      })),
      ...(change.notify ?? []).map((n) => ({ Put: { TableName: this.notificationsTable, Item: notificationItem(n) } })),
      ...(change.release ? change.release.keys.map((key) => this.#releaseItem(change.release!.owner, key)) : []),
    ];
    if (items.length > 100) throw new RangeError(`a case change of ${items.length} items does not fit one transaction`);
    return this.#transact(items);
  }

  async #transact(items: TransactWriteItem[]): Promise<boolean> {
    try {
      await this.client.send(new TransactWriteItemsCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      if (isLostRace(error)) return false;
      throw mapDynamoError(error);
    }
  }
}
