/**
 * The care table (docs/care-loop.md): one partition per case (`CASE#<caseId>`) holding its care-loop items, and
 * the idempotency claims of creates (`IDEM#<agencyId>#<key>` / `IDEM`). Every create writes its items and its
 * claim in one transaction, so a crash leaves either both or neither, and a retry finds the claim.
 * Entity fields are stored as plain attributes (`plainToItem`); keys and index keys are added here.
 */
import { GetItemCommand, TransactWriteItemsCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { IdempotencyClaim } from '../../schemas/entities/care';
import { guard, isConditionFailure, type Item, itemToPlain, mapDynamoError, plainToItem, queryAll, S } from './dynamo';

export const caseKey = (caseId: string) => S(`CASE#${caseId}`);
const claimKey = (agencyId: string, key: string) => ({ pk: S(`IDEM#${agencyId}#${key}`), sk: S('IDEM') });

/** Entity attributes of an item, without its keys. */
export function entityOf<T>(item: Item): T {
  const { pk: _pk, sk: _sk, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, ...rest } = item;
  return itemToPlain(rest) as T;
}

export class CareTable {
  constructor(
    readonly client: DynamoDBClient,
    readonly tableName: string,
  ) {}

  async claim(agencyId: string, key: string): Promise<IdempotencyClaim | undefined> {
    const out = await guard(this.client.send(new GetItemCommand({ TableName: this.tableName, Key: claimKey(agencyId, key), ConsistentRead: true })));
    return out.Item ? entityOf<IdempotencyClaim>(out.Item) : undefined;
  }

  /**
   * Writes new items (each must not exist) and the create's claim in one transaction. When the claim exists (a
   * retry, or the key reused), writes nothing and returns the earlier claim; when an item exists without the claim
   * (another request wrote that version first), writes nothing and says `taken`.
   */
  async createWithClaim(
    claim: IdempotencyClaim,
    items: readonly Item[],
  ): Promise<{ created: true } | { created: false; earlier: IdempotencyClaim } | { created: false; taken: true }> {
    const put = (Item: Item) => ({ Put: { TableName: this.tableName, Item, ConditionExpression: 'attribute_not_exists(pk)' } });
    try {
      await this.client.send(
        new TransactWriteItemsCommand({ TransactItems: [put({ ...plainToItem({ ...claim }), ...claimKey(claim.agencyId, claim.key) }), ...items.map(put)] }),
      );
      return { created: true };
    } catch (error) {
      if (!isConditionFailure(error)) throw mapDynamoError(error);
      const earlier = await this.claim(claim.agencyId, claim.key);
      // Without a claim, one of the items existed already: written by another request; never overwritten.
      return earlier ? { created: false, earlier } : { created: false, taken: true };
    }
  }

  /** Items of a case whose sort key starts with `prefix`, in sort-key order (strongly consistent). */
  async caseItems(caseId: string, prefix: string): Promise<Item[]> {
    return queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': caseKey(caseId), ':p': S(prefix) },
      ConsistentRead: true,
    });
  }
}
