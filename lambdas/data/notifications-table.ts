/**
 * Notifications: `NOTE#<recipient>` / `<time>#<id>`, codes and ids only, expiring after a year. The hub's
 * signature for the recipient is kept on the item (`sigKid`, `sigToken`) once made, so each is signed once per key.
 * Where each agency's webhook stands: `HOOK#<agency>` / `HOOK` (never expires).
 */
import { GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { derivedId, randomId } from '../shared/ids';
import { guard, isConditionFailure, type Item, mapDynamoError, N, S, str, optStr } from './dynamo';
import type { Notification } from '../../schemas/entities/notifications';

const partition = (recipient: string) => S(`NOTE#${recipient}`);
const sortKey = (n: Pick<Notification, 'at' | 'notificationId'>) => S(`${n.at}#${n.notificationId}`);

/** The stored item of a notification (also written inside the linking transaction); with `key`, its id derives from the key. */
export function notificationItem(n: Omit<Notification, 'notificationId'>, key?: string): Item {
  const id = key ? derivedId('ntf', key) : randomId('ntf');
  const item: Item = {
    pk: partition(n.recipient),
    sk: sortKey({ at: n.at, notificationId: id }),
    notificationId: S(id),
    recipient: S(n.recipient),
    at: S(n.at),
    kind: S(n.kind),
    caseId: S(n.caseId),
    severity: S(n.severity),
    expiresAt: N(Math.floor(Date.parse(n.at) / 1000) + 365 * 86_400),
  };
  if (n.byAgency) item.byAgency = S(n.byAgency);
  if (n.consentId) item.consentId = S(n.consentId);
  if (n.subjectId) item.subjectId = S(n.subjectId);
  if (n.referralStatus) item.referralStatus = S(n.referralStatus);
  if (n.riskLevel) item.riskLevel = S(n.riskLevel);
  if (n.alert) item.alert = S(JSON.stringify(n.alert));
  if (n.overdue) item.overdue = S(JSON.stringify(n.overdue));
  return item;
}

function notificationOf(i: Item): Notification {
  return {
    notificationId: str(i, 'notificationId'),
    recipient: str(i, 'recipient'),
    at: str(i, 'at'),
    kind: str(i, 'kind') as Notification['kind'],
    caseId: str(i, 'caseId'),
    severity: str(i, 'severity') as Notification['severity'],
    ...(optStr(i, 'byAgency') && { byAgency: optStr(i, 'byAgency') }),
    ...(optStr(i, 'consentId') && { consentId: optStr(i, 'consentId') }),
    ...(optStr(i, 'subjectId') && { subjectId: optStr(i, 'subjectId') }),
    ...(optStr(i, 'referralStatus') && { referralStatus: optStr(i, 'referralStatus') }),
    ...(optStr(i, 'riskLevel') && { riskLevel: optStr(i, 'riskLevel') }),
    ...(optStr(i, 'alert') && { alert: JSON.parse(optStr(i, 'alert')!) }),
    ...(optStr(i, 'overdue') && { overdue: JSON.parse(optStr(i, 'overdue')!) }),
  };
}

/** A notification with the signature kept on it, if any. */
export interface StoredNotificationRow {
  readonly notification: Notification;
  readonly signature?: { readonly kid: string; readonly token: string };
}

function rowOf(i: Item): StoredNotificationRow {
  const kid = optStr(i, 'sigKid');
  const token = optStr(i, 'sigToken');
  return { notification: notificationOf(i), ...(kid && token && { signature: { kid, token } }) };
}

export class NotificationsTable {
  constructor(
    private readonly client: DynamoDBClient,
    readonly tableName: string,
  ) {}

  /**
   * Stores one notification. With `key` its id is derived from the key and the write is conditional, so a retried
   * request that repairs a lost notification never doubles one that was written.
   */
  async notify(n: Omit<Notification, 'notificationId'>, key?: string): Promise<void> {
    const item = notificationItem(n, key);
    if (!key) {
      await guard(this.client.send(new PutItemCommand({ TableName: this.tableName, Item: item })));
      return;
    }
    try {
      await this.client.send(new PutItemCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
    } catch (error) {
      if (!isConditionFailure(error)) throw mapDynamoError(error);
    }
  }

  /** Notifies once per `key` (an alert for one burst is raised once, however often the job runs). */
  async notifyOnce(key: string, n: Omit<Notification, 'notificationId'>): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: { pk: S(`ONCE#${key}`), sk: S('ONCE'), expiresAt: N(Math.floor(Date.parse(n.at) / 1000) + 7 * 86_400) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
    await this.notify(n);
    return true;
  }

  /** Newest first. */
  async forRecipient(recipient: string, limit: number): Promise<Notification[]> {
    return (await this.newest(recipient, limit)).map((r) => r.notification);
  }

  /** The newest `limit` of a recipient's notifications, newest first, with their kept signatures. */
  async newest(recipient: string, limit: number): Promise<StoredNotificationRow[]> {
    const out = await guard(
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': partition(recipient) },
          ScanIndexForward: false,
          Limit: limit,
        }),
      ),
    );
    return (out.Items ?? []).map(rowOf);
  }

  /** A recipient's notifications at or after the time `since` (ISO 8601, as `at` is written), oldest first. */
  async since(recipient: string, since: string, limit: number): Promise<StoredNotificationRow[]> {
    const out = await guard(
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          // `<time>#` sorts before every `<time>#<id>` of that time and after every earlier time.
          KeyConditionExpression: 'pk = :pk AND sk >= :from',
          ExpressionAttributeValues: { ':pk': partition(recipient), ':from': S(`${since}#`) },
          ScanIndexForward: true,
          Limit: limit,
        }),
      ),
    );
    return (out.Items ?? []).map(rowOf);
  }

  /** Keeps the hub's signature on the notification's item; never creates an item (one that expired stays gone). */
  async keepSignature(n: Notification, signature: { kid: string; token: string }): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: partition(n.recipient), sk: sortKey(n) },
          UpdateExpression: 'SET sigKid = :kid, sigToken = :token',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':kid': S(signature.kid), ':token': S(signature.token) },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw mapDynamoError(error);
    }
  }

  async webhookState(agencyId: string): Promise<{ cursor: string; failures: number; nextAttemptAt?: string; lastFailure?: string } | undefined> {
    const out = await guard(
      this.client.send(new GetItemCommand({ TableName: this.tableName, Key: { pk: S(`HOOK#${agencyId}`), sk: S('HOOK') }, ConsistentRead: true })),
    );
    const i = out.Item;
    if (!i) return undefined;
    const nextAttemptAt = optStr(i, 'nextAttemptAt');
    const lastFailure = optStr(i, 'lastFailure');
    return { cursor: str(i, 'cursor'), failures: Number(i.failures?.N ?? 0), ...(nextAttemptAt && { nextAttemptAt }), ...(lastFailure && { lastFailure }) };
  }

  async saveWebhookState(agencyId: string, state: { cursor: string; failures: number; nextAttemptAt?: string; lastFailure?: string }): Promise<void> {
    const item: Item = { pk: S(`HOOK#${agencyId}`), sk: S('HOOK'), cursor: S(state.cursor), failures: N(state.failures) };
    if (state.nextAttemptAt) item.nextAttemptAt = S(state.nextAttemptAt);
    if (state.lastFailure) item.lastFailure = S(state.lastFailure);
    await guard(this.client.send(new PutItemCommand({ TableName: this.tableName, Item: item })));
  }
}
