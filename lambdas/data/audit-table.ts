/** The append-only audit table: one event per request, written with a put that never overwrites. */
import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AuditEvent } from '../domain/audit/audit-event';
import { type Item, N, S, SS } from './dynamo';

/** Builds the stored item; pure, so tests can assert it. Absent optional fields are left out. */
export function auditItem(event: AuditEvent, expiresAt: number): Item {
  const item: Item = {
    pk: S(event.eventId),
    eventId: S(event.eventId),
    time: S(event.time),
    requestId: S(event.requestId),
    province: S(event.province),
    route: S(event.route),
    path: S(event.path),
    outcome: S(event.outcome),
    status: N(event.status),
    agencyVerified: { BOOL: event.agencyVerified },
    expiresAt: N(expiresAt),
  };
  if (event.agencyId) item.agencyId = S(event.agencyId);
  if (event.kid) item.kid = S(event.kid);
  if (event.sub) item.sub = S(event.sub);
  if (event.purpose) item.purpose = S(event.purpose);
  if (event.errorCode) item.errorCode = S(event.errorCode);
  if (event.recordIds.length > 0) item.recordIds = SS([...new Set(event.recordIds)]);
  if (event.severity) item.severity = S(event.severity);
  if (event.disclosure !== undefined) item.disclosure = S(JSON.stringify(event.disclosure));
  return item;
}

export class AuditTable {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly retentionSeconds: number,
  ) {}

  async append(event: AuditEvent): Promise<void> {
    const expiresAt = Math.floor(Date.parse(event.time) / 1000) + this.retentionSeconds;
    await this.client.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: auditItem(event, expiresAt),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }
}
