/** Care-team members in the care table: `CASE#<caseId>` / `TEAM#<memberId>`; ended once, by a conditional update. */
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { CareTeamMember, IdempotencyClaim } from '../../schemas/entities/care';
import { type CareTable, caseKey, entityOf } from './care-table';
import { isConditionFailure, mapDynamoError, plainToItem, S } from './dynamo';

export class CareTeamsTable {
  constructor(private readonly care: CareTable) {}

  create(member: CareTeamMember, claim: IdempotencyClaim) {
    return this.care.createWithClaim(claim, [{ ...plainToItem({ ...member }), pk: caseKey(member.caseId), sk: S(`TEAM#${member.memberId}`) }]);
  }

  async forCase(caseId: string): Promise<CareTeamMember[]> {
    return (await this.care.caseItems(caseId, 'TEAM#')).map((i) => entityOf<CareTeamMember>(i));
  }

  async end(caseId: string, memberId: string, ended: { at: string; by: string; reason: string }): Promise<boolean> {
    try {
      await this.care.client.send(
        new UpdateItemCommand({
          TableName: this.care.tableName,
          Key: { pk: caseKey(caseId), sk: S(`TEAM#${memberId}`) },
          UpdateExpression: 'SET endedAt = :at, endedBy = :by, endReason = :r',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(endedAt)',
          ExpressionAttributeValues: { ':at': S(ended.at), ':by': S(ended.by), ':r': S(ended.reason) },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw mapDynamoError(error);
    }
  }
}
