/**
 * Pending merge follow-ups in the care table (docs/care-loop.md, "Crash and retry"): `AFTERMERGE#<sourceCaseId>` /
 * `INTO#<targetCaseId>`, written by the merge's own transaction (lambdas/data/linking-table.ts) and deleted when
 * what follows the merge has run. Filed in the byAgency index under the one partition `AFTERMERGE`, by merge time,
 * so the care job finds those older than a few minutes with one Query, never a Scan. A source case is merged once,
 * so there is at most one per source; each lives from the merge's commit to the end of its follow-up (seconds, or
 * until the next sweep), which keeps the partition small. Case ids and a time only.
 */
import { DeleteItemCommand, QueryCommand, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { PendingMergeFollowUp } from '../../schemas/entities/cases';
import type { Page } from '../../schemas/entities/page';
import { type CareTable, entityOf } from './care-table';
import { indexCursor } from './cursor';
import { guard, isConditionFailure, type Item, mapDynamoError, plainToItem, S } from './dynamo';

/** The partition key prefix of every marker: the cases function and the care job may write only these (and WORK#). */
export const MERGE_FOLLOW_UP_PREFIX = 'AFTERMERGE#';
const PENDING = 'AFTERMERGE';
const key = (sourceCaseId: string, targetCaseId: string) => ({ pk: S(`${MERGE_FOLLOW_UP_PREFIX}${sourceCaseId}`), sk: S(`INTO#${targetCaseId}`) });
const POSITION = /^[^#]+#([^#]+)#([^#]+)$/;

function itemOf(followUp: PendingMergeFollowUp): Item {
  return {
    ...plainToItem({ ...followUp }),
    ...key(followUp.sourceCaseId, followUp.targetCaseId),
    gsi1pk: S(PENDING),
    gsi1sk: S(`${followUp.mergedAt}#${followUp.sourceCaseId}#${followUp.targetCaseId}`),
  };
}

/** The marker's Put, for the merge's transaction (unconditional: the merge's own conditions decide whether it commits). */
export function mergeFollowUpPut(careTable: string, followUp: PendingMergeFollowUp): TransactWriteItem {
  return { Put: { TableName: careTable, Item: itemOf(followUp) } };
}

export class MergeFollowUpsTable {
  constructor(private readonly care: CareTable) {}

  /** Pending follow-ups of merges committed before `before`, oldest first. */
  async pending(before: string, options: { limit: number; cursor?: string }): Promise<Page<PendingMergeFollowUp>> {
    const cursor = indexCursor({
      partition: { gsi1pk: PENDING },
      sortKey: 'gsi1sk',
      tableKeyAt: (sort) => {
        const at = POSITION.exec(sort);
        return at ? key(at[1]!, at[2]!) : undefined;
      },
    });
    const out = await guard(
      this.care.client.send(
        new QueryCommand({
          TableName: this.care.tableName,
          IndexName: 'byAgency',
          KeyConditionExpression: 'gsi1pk = :p AND gsi1sk < :before',
          ExpressionAttributeValues: { ':p': S(PENDING), ':before': S(before) },
          ScanIndexForward: true,
          Limit: options.limit,
          ExclusiveStartKey: cursor.decode(options.cursor),
        }),
      ),
    );
    const next = cursor.encode(out.LastEvaluatedKey);
    return { items: (out.Items ?? []).map((i) => entityOf<PendingMergeFollowUp>(i)), ...(next && { cursor: next }) };
  }

  /** Deletes the marker of a merge whose follow-up has run; false when there was none (done already, or never written). */
  async done(merge: { readonly sourceCaseId: string; readonly targetCaseId: string }): Promise<boolean> {
    try {
      await this.care.client.send(
        new DeleteItemCommand({
          TableName: this.care.tableName,
          Key: key(merge.sourceCaseId, merge.targetCaseId),
          ConditionExpression: 'attribute_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw mapDynamoError(error);
    }
  }
}
