/**
 * The identification and assessment history in the care table: `CASE#<caseId>` / `ASSESS#<assessedOn>#<recordedAt>#<id>`
 * (append-only), and where the child stands, `CASE#<caseId>` / `STATE` (`assessment`, moved only by a later entry:
 * `assessmentBasis` orders them), read by the ledger, the case view and the follow-up interval.
 */
import { GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { Assessment, AssessmentState, IdempotencyClaim } from '../../schemas/entities/care';
import { type CareTable, caseKey, entityOf } from './care-table';
import { guard, isConditionFailure, itemToPlain, mapDynamoError, plainToItem, S } from './dynamo';

const stateKey = (caseId: string) => ({ pk: caseKey(caseId), sk: S('STATE') });

export class AssessmentsTable {
  constructor(private readonly care: CareTable) {}

  create(a: Assessment, claim: IdempotencyClaim) {
    return this.care.createWithClaim(claim, [
      { ...plainToItem({ ...a }), pk: caseKey(a.caseId), sk: S(`ASSESS#${a.assessedOn}#${a.recordedAt}#${a.assessmentId}`) },
    ]);
  }

  /** Newest first (by the day it was made, then when it was recorded). */
  async forCase(caseId: string): Promise<Assessment[]> {
    return (await this.care.caseItems(caseId, 'ASSESS#')).map((i) => entityOf<Assessment>(i)).reverse();
  }

  async state(caseId: string): Promise<AssessmentState> {
    const out = await guard(this.care.client.send(new GetItemCommand({ TableName: this.care.tableName, Key: stateKey(caseId), ConsistentRead: true })));
    const m = out.Item?.assessment?.M;
    return m ? (itemToPlain(m) as unknown as AssessmentState) : { state: 'never_assessed' };
  }

  /** Moves where the child stands unless a later entry already did; false when it lost to one. */
  async setState(caseId: string, state: AssessmentState, basis: string): Promise<boolean> {
    try {
      await this.care.client.send(
        new UpdateItemCommand({
          TableName: this.care.tableName,
          Key: stateKey(caseId),
          UpdateExpression: 'SET assessment = :s, assessmentBasis = :b',
          ConditionExpression: 'attribute_not_exists(assessmentBasis) OR assessmentBasis <= :b',
          ExpressionAttributeValues: { ':s': { M: plainToItem({ ...state }) }, ':b': S(basis) },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw mapDynamoError(error);
    }
  }

  /** The child's latest risk level: set only when the latest entry is an assessment. */
  async latestLevel(caseId: string): Promise<string | undefined> {
    const s = await this.state(caseId);
    return s.state === 'assessed' ? s.riskLevel : undefined;
  }
}
