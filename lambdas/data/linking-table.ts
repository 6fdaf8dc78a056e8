/**
 * Claims on blind blocking keys and the linking transaction, across the
 * records and cases tables (the claim, filing and release writes are in linking-items.ts).
 * Implements the cases domain's LinkingStore port. A change spans the records, cases and
 * notifications tables in one TransactWriteItems (at most 100 items), and the care table for a merge's pending
 * follow-up (merge-follow-ups-table.ts).
 */
import type { DynamoDBClient, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { CaseChange, Claim } from '../../schemas/entities/linking';
import { caseKeys, memberItem, reviewItem } from './cases-table';
import { N, S, SS, transactOrLost } from './dynamo';
import { claimUpdate, eventPut, ledgerPut, releaseItems, releaseUpdate, unfileUpdate } from './linking-items';
import { mergeFollowUpPut } from './merge-follow-ups-table';
import { notificationItem } from './notifications-table';
import { recordKeys } from './records-table';

export class LinkingTable {
  constructor(
    private readonly client: DynamoDBClient,
    readonly recordsTable: string,
    readonly casesTable: string,
    readonly notificationsTable: string,
    /** Only for case changes that leave a merge's follow-up pending (the cases function's, not the linking paths'). */
    readonly careTable?: string,
  ) {}

  async claim(claim: Claim): Promise<boolean> {
    if (claim.keys.length === 0 && claim.unfile.length === 0) return true; // nothing can find this record, nor it anything
    const items: TransactWriteItem[] = [
      ...claim.keys.map((key) => claimUpdate(this.recordsTable, key, claim, claim.fileNow ? claim.recordId : undefined)),
      ...claim.unfile.map((key) => unfileUpdate(this.recordsTable, key, claim.recordId)),
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
    return releaseUpdate(this.recordsTable, owner, key);
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
      ...(change.ledger ?? []).map((w) => ledgerPut(this.casesTable, w)),
      ...(change.events ?? []).map((e, i) => eventPut(this.casesTable, e, i)),
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
      ...(change.followUp ? [mergeFollowUpPut(this.#careTable(), change.followUp)] : []),
      ...(change.release ? releaseItems(this.recordsTable, change.release.owner, change.release.keys, change.file ? [change.file] : [], change.versions) : []),
    ];
    if (items.length > 100) throw new RangeError(`a case change of ${items.length} items does not fit one transaction`);
    return this.#transact(items);
  }

  #careTable(): string {
    if (this.careTable === undefined) throw new TypeError('a case change with a merge follow-up needs the care table');
    return this.careTable;
  }

  #transact(items: TransactWriteItem[]): Promise<boolean> {
    return transactOrLost(this.client, items);
  }
}
