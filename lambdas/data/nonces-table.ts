/** Replay protection: one item per (agency, jti), written once, expiring by TTL after the token does. */
import { randomUUID } from 'node:crypto';
import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { isConditionFailure, mapDynamoError, N, S } from './dynamo';

/** Partition key of a nonce item. */
export const nonceKey = (agencyId: string, jti: string) => `${agencyId}#${jti}`;

export class NoncesTable {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  /**
   * Records a token id; false when it was already recorded (a replay).
   * `expiresAt` (epoch seconds) is when the item may be removed.
   */
  async claim(agencyId: string, jti: string, expiresAt: number): Promise<boolean> {
    // Marks this claim, so that the SDK's retry of a write whose answer was lost (a reset connection)
    // recognises its own item instead of calling the request a replay.
    const claimId = randomUUID();
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: { pk: S(nonceKey(agencyId, jti)), expiresAt: N(expiresAt), claimId: S(claimId) },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return (error as { Item?: Record<string, { S?: string }> }).Item?.claimId?.S === claimId;
      throw mapDynamoError(error);
    }
  }
}
