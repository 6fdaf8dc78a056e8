/** Notifications: `NOTE#<recipient>` / `<time>#<id>`, codes and ids only, expiring after a year. */
import { PutItemCommand, QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomId } from '../shared/ids';
import { guard, type Item, N, S, str, optStr } from './dynamo';

/** The recipient id of the province's privacy officers. */
export const PRIVACY_OFFICERS = 'privacy-officers';

export interface Notification {
  readonly notificationId: string;
  readonly recipient: string;
  readonly at: string;
  readonly kind: 'record_linked' | 'emergency_access';
  readonly caseId: string;
  readonly severity: 'info' | 'high';
  /** For emergency access: which agency opened it. Never set for record_linked (who linked stays hidden). */
  readonly byAgency?: string;
}

export class NotificationsTable {
  constructor(
    private readonly client: DynamoDBClient,
    readonly tableName: string,
  ) {}

  async notify(n: Omit<Notification, 'notificationId'>): Promise<void> {
    const id = randomId('ntf');
    const item: Item = {
      pk: S(`NOTE#${n.recipient}`),
      sk: S(`${n.at}#${id}`),
      notificationId: S(id),
      recipient: S(n.recipient),
      at: S(n.at),
      kind: S(n.kind),
      caseId: S(n.caseId),
      severity: S(n.severity),
      expiresAt: N(Math.floor(Date.parse(n.at) / 1000) + 365 * 86_400),
    };
    if (n.byAgency) item.byAgency = S(n.byAgency);
    await guard(this.client.send(new PutItemCommand({ TableName: this.tableName, Item: item })));
  }

  /** Newest first. */
  async forRecipient(recipient: string, limit: number): Promise<Notification[]> {
    const out = await guard(
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': S(`NOTE#${recipient}`) },
          ScanIndexForward: false,
          Limit: limit,
        }),
      ),
    );
    return (out.Items ?? []).map((i) => ({
      notificationId: str(i, 'notificationId'),
      recipient: str(i, 'recipient'),
      at: str(i, 'at'),
      kind: str(i, 'kind') as Notification['kind'],
      caseId: str(i, 'caseId'),
      severity: str(i, 'severity') as Notification['severity'],
      ...(optStr(i, 'byAgency') && { byAgency: optStr(i, 'byAgency') }),
    }));
  }
}
