/**
 * The append-only audit table: one event per request, never overwritten, each
 * event hash-chained (lambdas/crypto/hash-chain.ts), and indexed for the
 * officers' searches (by case, agency, staff member, day) and for verification
 * (by chain, in order). The chain heads live in the seals table, so no role
 * ever updates or deletes here. Implements the audit domain's AuditAppender and
 * AuditEventReader ports.
 */
import { QueryCommand, TransactWriteItemsCommand, type DynamoDBClient, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import type { AuditEvent, AuditIntent, ChainedEvent, ChainHead } from '../../schemas/entities/audit';
import { CHAIN_COUNT, contentHash, GENESIS, linkHash } from '../crypto/hash-chain';
import { ChainPool } from './chain-pool';
import { guard, itemToPlain, mapDynamoError, N, queryPages, S, SS, type Item } from './dynamo';
import { sealKeys, type SealsTable } from './seals-table';

export type { AuditEvent };

/** Case ids as the hub makes them; anything else is not indexed (a key must be well-formed and non-empty). */
const CASE_ID = /^case_[0-9A-HJKMNP-TV-Z]{26}$/;

/** The attribute each search index is keyed on. */
export const INDEX_KEY = { byCase: 'caseId', byAgency: 'agencyId', byStaff: 'sub', byDay: 'day' } as const;
export type SearchIndex = keyof typeof INDEX_KEY;

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
  const cases = [...new Set(event.caseIds ?? [])].filter((c) => CASE_ID.test(c));
  if (cases.length > 0) {
    item.caseId = S(cases[0]!);
    item.caseIds = SS(cases);
  }
  if (event.intentId) item.intentId = S(event.intentId);
  if (event.severity) item.severity = S(event.severity);
  if (event.disclosure !== undefined) item.disclosure = S(JSON.stringify(event.disclosure));
  return item;
}

/** Retries when writers meet on a chain head; each retry moves to another chain (docs/audit.md). */
const MAX_ATTEMPTS = 10;
const BACKOFF_BASE_MS = 5;
const BACKOFF_CAP_MS = 200;

/** A transaction cancelled because another writer moved the head, or was moving it at that moment. */
function isContention(error: unknown): boolean {
  const e = error as { name?: string; CancellationReasons?: { Code?: string }[] } | null;
  return (
    e?.name === 'TransactionCanceledException' &&
    (e.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict')
  );
}

export class AuditTable {
  private readonly pool = new ChainPool(CHAIN_COUNT);
  /** Transactions the appends sent, and how many met another writer (for the load benchmark). */
  readonly stats = { transactions: 0, contended: 0 };

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly retentionSeconds: number,
    private readonly seals: SealsTable,
  ) {}

  /** Appends an event to a chain: the event and the new chain head in one conditional transaction. */
  async append(event: AuditEvent): Promise<void> {
    await this.chained(auditItem(event, this.expiry(event.time)));
  }

  /** The write-ahead record of a mutating request; not indexed for search (its event is), but chained. */
  async appendIntent(intent: AuditIntent): Promise<void> {
    // Only the id, kind and time are attributes: searches (and the one-event-per-request counts) never see intents.
    const { intentId, time, ...rest } = intent;
    await this.chained({
      pk: S(intentId),
      eventId: S(intentId),
      kind: S('intent'),
      time: S(time),
      intent: S(JSON.stringify(rest)),
      expiresAt: N(this.expiry(time)),
    });
  }

  private expiry(time: string): number {
    return Math.floor(Date.parse(time) / 1000) + this.retentionSeconds;
  }

  private async chained(base: Item): Promise<void> {
    const content = contentHash(itemToPlain(base));
    let { chain, head } = this.pool.take();
    for (let attempt = 1; ; attempt++) {
      let next: ChainHead | undefined;
      try {
        const at: ChainHead = head ?? (await this.seals.head(chain)) ?? { seq: 0, hash: GENESIS };
        next = { seq: at.seq + 1, hash: linkHash(chain, at.seq + 1, at.hash, content) };
        this.stats.transactions++;
        await this.client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.tableName,
                  Item: { ...base, chain: N(chain), seq: N(next.seq), prevHash: S(at.hash), hash: S(next.hash), contentHash: S(content) },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Put: {
                  TableName: this.seals.tableName,
                  Item: { ...sealKeys.head(chain), seq: N(next.seq), hash: S(next.hash) },
                  ConditionExpression: at.seq === 0 ? 'attribute_not_exists(pk)' : 'seq = :seq',
                  ...(at.seq > 0 && { ExpressionAttributeValues: { ':seq': N(at.seq) } }),
                },
              },
            ],
          }),
        );
        this.pool.release(chain, next);
        return;
      } catch (error) {
        this.pool.release(chain, undefined);
        if (!isContention(error)) throw mapDynamoError(error);
        this.stats.contended++;
        if (attempt >= MAX_ATTEMPTS) throw new Error(`audit append met other writers ${attempt} times`);
        // Full jitter: a random wait up to an exponentially growing cap, then another chain.
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt)));
        ({ chain, head } = this.pool.take(chain));
      }
    }
  }

  /** One key's events in a time range, newest or oldest first, with the store's conditions; `read` counts items read. */
  async query(q: {
    index: SearchIndex;
    key: string;
    from?: string;
    to?: string;
    where?: { agencyId?: string; sub?: string; routes?: readonly string[]; outcome?: string };
    newestFirst: boolean;
    limit: number;
    after?: { time: string; eventId: string };
  }): Promise<{ items: ChainedEvent[]; next?: { index: SearchIndex; key: string; time: string; eventId: string }; read: number }> {
    const keyAttr = INDEX_KEY[q.index];
    const names: Record<string, string> = { '#k': keyAttr, ...((q.from || q.to) && { '#t': 'time' }) };
    const values: Item = { ':k': S(q.key) };
    let keyCondition = '#k = :k';
    if (q.from && q.to) keyCondition += ' AND #t BETWEEN :from AND :to';
    else if (q.from) keyCondition += ' AND #t >= :from';
    else if (q.to) keyCondition += ' AND #t <= :to';
    if (q.from) values[':from'] = S(q.from);
    if (q.to) values[':to'] = S(q.to);
    const filters: string[] = [];
    const where = q.where ?? {};
    const equal = (attr: string, value: string | undefined, tag: string) => {
      if (value === undefined || attr === keyAttr) return;
      filters.push(`#${tag} = :${tag}`);
      names[`#${tag}`] = attr;
      values[`:${tag}`] = S(value);
    };
    equal('agencyId', where.agencyId, 'a');
    equal('sub', where.sub, 's');
    equal('outcome', where.outcome, 'o');
    if (where.routes?.length) {
      names['#r'] = 'route';
      filters.push(`#r IN (${where.routes.map((_, i) => `:r${i}`).join(', ')})`);
      for (const [i, r] of where.routes.entries()) values[`:r${i}`] = S(r);
    }
    const input: QueryCommandInput = {
      TableName: this.tableName,
      IndexName: q.index,
      KeyConditionExpression: keyCondition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ScanIndexForward: !q.newestFirst,
      ...(filters.length > 0 && { FilterExpression: filters.join(' AND ') }),
    };
    const items: ChainedEvent[] = [];
    let read = 0;
    let start: Item | undefined = q.after ? { pk: S(q.after.eventId), [keyAttr]: S(q.key), time: S(q.after.time) } : undefined;
    let last: Item | undefined;
    const positionOf = (e: { readonly eventId: string; readonly [k: string]: unknown }) => ({
      index: q.index,
      key: q.key,
      time: String(e.time),
      eventId: e.eventId,
    });
    do {
      const out = await guard(this.client.send(new QueryCommand({ ...input, ExclusiveStartKey: start, Limit: Math.min(1000, q.limit - items.length + 1) })));
      read += out.ScannedCount ?? 0;
      for (const i of out.Items ?? []) {
        if (q.to && i.time?.S === q.to) continue;
        if (items.length === q.limit) return { items, next: positionOf(items.at(-1)!), read };
        items.push(itemToPlain(i) as ChainedEvent);
      }
      start = out.LastEvaluatedKey;
      last = start;
    } while (start && items.length < q.limit);
    if (items.length === q.limit && last) return { items, next: positionOf(items.at(-1)!), read };
    return { items, ...(last && { next: positionOf({ time: last.time?.S, eventId: last.pk?.S ?? '' }) }), read };
  }

  /** One chain's events after `afterSeq`, in order, a page at a time (the byChain index). */
  async *chain(chain: number, afterSeq: number, pageSize = 250): AsyncIterable<ChainedEvent[]> {
    const pages = queryPages(this.client, {
      TableName: this.tableName,
      IndexName: 'byChain',
      KeyConditionExpression: '#c = :c AND #s > :s',
      ExpressionAttributeNames: { '#c': 'chain', '#s': 'seq' },
      ExpressionAttributeValues: { ':c': N(chain), ':s': N(afterSeq) },
      Limit: pageSize,
    });
    for await (const page of pages) yield page.map((i) => itemToPlain(i) as ChainedEvent);
  }

  /** Events of one UTC day from `fromTime` on (the byDay index), for the alerts job. */
  async since(day: string, fromTime: string): Promise<ChainedEvent[]> {
    const out: ChainedEvent[] = [];
    let after: { time: string; eventId: string } | undefined;
    do {
      const page = await this.query({ index: 'byDay', key: day, from: fromTime, newestFirst: false, limit: 1000, ...(after && { after }) });
      out.push(...page.items);
      after = page.next;
    } while (after);
    return out;
  }
}
