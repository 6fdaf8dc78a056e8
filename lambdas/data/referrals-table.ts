/**
 * Referrals in the care table, beside their case:
 * - head        `CASE#<caseId>` / `REFERRAL#<referralId>`: the current state, filed under its requester (byAgency,
 *   `REFREQ#<agencyId>`) and its owner (byCounterparty, `REFOWN#<agencyId>`), newest first;
 * - transition  `CASE#<caseId>` / `REFTRANS#<referralId>#<seq, 6 digits>`: one per move, immutable;
 * - pointer     `REFERRALID#<referralId>` / `PTR`: referral id -> case id.
 * A transition replaces the head only on the version it read and adds its record, in one transaction.
 */
import { GetItemCommand, QueryCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import type { IdempotencyClaim, Referral, ReferralTransition } from '../../schemas/entities/care';
import type { Page } from '../../schemas/entities/page';
import { type CareTable, caseKey, entityOf } from './care-table';
import { indexCursor } from './cursor';
import { guard, isLostRace, type Item, mapDynamoError, plainToItem, S } from './dynamo';

const headKey = (caseId: string, referralId: string) => ({ pk: caseKey(caseId), sk: S(`REFERRAL#${referralId}`) });
const pointerKey = (referralId: string) => ({ pk: S(`REFERRALID#${referralId}`), sk: S('PTR') });
const POSITION = /^\d{4}-\d\d-\d\dT[\d:.]+Z#(ref_[0-9A-Z]{26})#(case_[0-9A-Z]{26})$/;

function headItem(r: Referral): Item {
  const position = S(`${r.createdAt}#${r.referralId}#${r.caseId}`);
  return {
    ...plainToItem({ ...r }),
    ...headKey(r.caseId, r.referralId),
    gsi1pk: S(`REFREQ#${r.requester}`),
    gsi1sk: position,
    gsi2pk: S(`REFOWN#${r.owner}`),
    gsi2sk: position,
  };
}

export class ReferralsTable {
  constructor(private readonly care: CareTable) {}

  create(referral: Referral, claim: IdempotencyClaim) {
    return this.care.createWithClaim(claim, [headItem(referral), { ...pointerKey(referral.referralId), caseId: S(referral.caseId) }]);
  }

  async caseOf(referralId: string): Promise<string | undefined> {
    const out = await guard(this.care.client.send(new GetItemCommand({ TableName: this.care.tableName, Key: pointerKey(referralId), ConsistentRead: true })));
    return out.Item?.caseId?.S;
  }

  async get(caseId: string, referralId: string): Promise<Referral | undefined> {
    const out = await guard(
      this.care.client.send(new GetItemCommand({ TableName: this.care.tableName, Key: headKey(caseId, referralId), ConsistentRead: true })),
    );
    return out.Item ? entityOf<Referral>(out.Item) : undefined;
  }

  async forCase(caseId: string): Promise<Referral[]> {
    return (await this.care.caseItems(caseId, 'REFERRAL#')).map((i) => entityOf<Referral>(i));
  }

  async transitions(caseId: string, referralId: string): Promise<ReferralTransition[]> {
    return (await this.care.caseItems(caseId, `REFTRANS#${referralId}#`)).map((i) => entityOf<ReferralTransition>(i));
  }

  /** Writes the new head and the move's record if the head is still at `expectedVersion`; false when another move won. */
  async transition(next: Referral, move: ReferralTransition, expectedVersion: number): Promise<boolean> {
    try {
      await this.care.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.care.tableName,
                Item: headItem(next),
                ConditionExpression: 'version = :v',
                ExpressionAttributeValues: { ':v': { N: String(expectedVersion) } },
              },
            },
            {
              Put: {
                TableName: this.care.tableName,
                Item: {
                  ...plainToItem({ ...move }),
                  pk: caseKey(next.caseId),
                  sk: S(`REFTRANS#${move.referralId}#${String(move.seq).padStart(6, '0')}`),
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (isLostRace(error)) return false;
      throw mapDynamoError(error);
    }
  }

  /** An agency's referrals as requester or owner, newest first; with `status`, only those (pages may be short; follow the cursor). */
  async list(agencyId: string, as: 'requester' | 'owner', options: { status?: string; limit: number; cursor?: string }): Promise<Page<Referral>> {
    const [index, pk, sk, partition] =
      as === 'requester' ? ['byAgency', 'gsi1pk', 'gsi1sk', `REFREQ#${agencyId}`] : ['byCounterparty', 'gsi2pk', 'gsi2sk', `REFOWN#${agencyId}`];
    const cursor = indexCursor({
      partition: { [pk]: partition },
      sortKey: sk,
      tableKeyAt: (sort) => {
        const m = POSITION.exec(sort);
        return m ? headKey(m[2]!, m[1]!) : undefined;
      },
    });
    const out = await guard(
      this.care.client.send(
        new QueryCommand({
          TableName: this.care.tableName,
          IndexName: index,
          KeyConditionExpression: `${pk} = :p`,
          ...(options.status && { FilterExpression: '#s = :s', ExpressionAttributeNames: { '#s': 'status' } }),
          ExpressionAttributeValues: { ':p': S(partition), ...(options.status && { ':s': S(options.status) }) },
          ScanIndexForward: false,
          Limit: options.limit,
          ExclusiveStartKey: cursor.decode(options.cursor),
        }),
      ),
    );
    const next = cursor.encode(out.LastEvaluatedKey);
    return { items: (out.Items ?? []).map((i) => entityOf<Referral>(i)), ...(next && { cursor: next }) };
  }
}
