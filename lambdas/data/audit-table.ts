/**
 * The append-only audit table: one event per request, never overwritten, each
 * event chained (lambdas/domain/audit/chain.ts). The chain heads live in the
 * seals table, so that no role ever needs to update or delete in this one.
 */
import { GetItemCommand, PutItemCommand, ScanCommand, TransactWriteItemsCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AuditEvent } from '../../schemas/entities/audit';
import { chainOf, contentHash, GENESIS, linkHash } from '../domain/audit/chain';
import type { ChainedEvent, ChainHead, Digest } from '../../schemas/entities/audit';
import { isConditionFailure, itemToPlain, guard, queryAll, type Item, N, S, SS, str, num } from './dynamo';

/** Builds the stored item; pure, so tests can assert it. Absent optional fields are left out. */
export function auditItem(event: AuditEvent, expiresAt: number): Item {
  const item: Item = {
    pk: S(event.eventId),
    eventId: S(event.eventId),
    time: S(event.time),
    day: S(event.time.slice(0, 10)),
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
  if (event.caseId) item.caseId = S(event.caseId);
  if (event.severity) item.severity = S(event.severity);
  if (event.disclosure !== undefined) item.disclosure = S(JSON.stringify(event.disclosure));
  return item;
}

export const sealKeys = {
  head: (chain: number) => ({ pk: S(`HEAD#${chain}`), sk: S('HEAD') }),
  digest: (at: string, id: string) => ({ pk: S('DIGEST'), sk: S(`${at}#${id}`) }),
};

const MAX_ATTEMPTS = 12;

export class AuditTable {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly retentionSeconds: number,
    private readonly sealsTable: string,
  ) {}

  /** Appends an event to its chain: the event and the new chain head in one conditional transaction. */
  async append(event: AuditEvent): Promise<void> {
    const expiresAt = Math.floor(Date.parse(event.time) / 1000) + this.retentionSeconds;
    const chain = chainOf(event.eventId);
    const base = auditItem(event, expiresAt);
    const content = contentHash(itemToPlain(base));
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const head = await this.head(chain);
      const seq = head.seq + 1;
      const hash = linkHash(chain, seq, head.hash, content);
      try {
        await this.client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.tableName,
                  Item: { ...base, chain: N(chain), seq: N(seq), prevHash: S(head.hash), hash: S(hash), contentHash: S(content) },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Put: {
                  TableName: this.sealsTable,
                  Item: { ...sealKeys.head(chain), seq: N(seq), hash: S(hash) },
                  ConditionExpression: head.seq === 0 ? 'attribute_not_exists(pk)' : 'seq = :seq',
                  ...(head.seq > 0 && { ExpressionAttributeValues: { ':seq': N(head.seq) } }),
                },
              },
            ],
          }),
        );
        return;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        // Another writer moved this chain's head: read it again.
        await new Promise((r) => setTimeout(r, Math.random() * 10 * (attempt + 1)));
      }
    }
    throw new Error(`audit chain ${chain} stayed contended`);
  }

  async head(chain: number): Promise<ChainHead> {
    const out = await guard(this.client.send(new GetItemCommand({ TableName: this.sealsTable, Key: sealKeys.head(chain), ConsistentRead: true })));
    return out.Item ? { seq: num(out.Item, 'seq'), hash: str(out.Item, 'hash') } : { seq: 0, hash: GENESIS };
  }

  /** Events of one UTC day from `fromTime` on (the byDay index), for the alerts job. */
  async since(day: string, fromTime: string): Promise<ChainedEvent[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: 'byDay',
      KeyConditionExpression: '#d = :d AND #t >= :t',
      ExpressionAttributeNames: { '#d': 'day', '#t': 'time' },
      ExpressionAttributeValues: { ':d': S(day), ':t': S(fromTime) },
    });
    return items.map((i) => itemToPlain(i) as ChainedEvent);
  }

  /** Every event, for verification and officers' queries (officer and sealer roles only may Scan). */
  async *scan(): AsyncGenerator<ChainedEvent[]> {
    let start: Item | undefined;
    do {
      const out = await guard(this.client.send(new ScanCommand({ TableName: this.tableName, ExclusiveStartKey: start })));
      yield (out.Items ?? []).map((i) => itemToPlain(i) as ChainedEvent);
      start = out.LastEvaluatedKey;
    } while (start);
  }

  async putDigest(d: Digest): Promise<void> {
    await guard(
      this.client.send(
        new PutItemCommand({
          TableName: this.sealsTable,
          Item: { ...sealKeys.digest(d.at, d.digestId), body: S(JSON.stringify(d)) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  /** All digests, oldest first. */
  async digests(): Promise<Digest[]> {
    const items = await queryAll(this.client, {
      TableName: this.sealsTable,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': S('DIGEST') },
      ConsistentRead: true,
    });
    return items.map((i) => JSON.parse(str(i, 'body')) as Digest);
  }
}
