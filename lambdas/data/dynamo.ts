/** Small helpers shared by the table modules: attribute values and error mapping. */
import {
  type AttributeValue,
  BatchWriteItemCommand,
  type DynamoDBClient,
  QueryCommand,
  type QueryCommandInput,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { asServiceUnavailable } from '../shared/dependency-failure';

export type Item = Record<string, AttributeValue>;

export const S = (value: string): AttributeValue => ({ S: value });
export const N = (value: number): AttributeValue => ({ N: String(value) });
export const SS = (values: readonly string[]): AttributeValue => ({ SS: [...values] });
export const M = (values: Readonly<Record<string, string>>): AttributeValue => ({
  M: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { S: v }])),
});

export function str(item: Item, name: string): string {
  const v = item[name]?.S;
  if (v === undefined) throw new TypeError(`attribute ${name} is missing or not a string`);
  return v;
}
export function optStr(item: Item, name: string): string | undefined {
  return item[name]?.S;
}
export function num(item: Item, name: string): number {
  const v = item[name]?.N;
  if (v === undefined) throw new TypeError(`attribute ${name} is missing or not a number`);
  return Number(v);
}
export function strMap(item: Item, name: string): Record<string, string> {
  const m = item[name]?.M ?? {};
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.S ?? '']));
}

/** A database that did not answer, throttled or failed (after the SDK's retries) becomes a retryable 503; anything else is rethrown. */
export function mapDynamoError(error: unknown): unknown {
  return asServiceUnavailable(error, 'database') ?? error;
}

/** Whether a transaction was cancelled because one of its conditions failed. */
export function isConditionFailure(error: unknown): boolean {
  const e = error as { name?: string; CancellationReasons?: { Code?: string }[] } | null;
  if (e?.name === 'ConditionalCheckFailedException') return true;
  return e?.name === 'TransactionCanceledException' && (e.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed');
}

/**
 * Whether a conditional write or transaction lost a race: a condition failed, or a competing
 * transaction touched the same item (TransactionConflict). The caller reads again and decides again.
 */
export function isLostRace(error: unknown): boolean {
  const e = error as { name?: string; CancellationReasons?: { Code?: string }[] } | null;
  if (e?.name === 'ConditionalCheckFailedException' || e?.name === 'TransactionConflictException') return true;
  return (
    e?.name === 'TransactionCanceledException' &&
    (e.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict')
  );
}

/** Awaits a DynamoDB call, mapping an unavailable database to a retryable 503. */
export async function guard<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw mapDynamoError(error);
  }
}

/** Writes `requests` to `table` 25 at a time, sending again with backoff what DynamoDB leaves unprocessed. */
export async function batchWrite(client: DynamoDBClient, table: string, requests: readonly WriteRequest[]): Promise<void> {
  for (let i = 0; i < requests.length; i += 25) {
    let pending: WriteRequest[] = requests.slice(i, i + 25);
    for (let attempt = 0; pending.length > 0; attempt++) {
      const out = await guard(client.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } })));
      pending = out.UnprocessedItems?.[table] ?? [];
      if (pending.length > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
    }
  }
}

/**
 * Runs one TransactWriteItems: true when it committed, false when a condition failed or another
 * transaction won (the caller reads again and decides again); any other failure is mapped.
 */
export async function transactOrLost(client: DynamoDBClient, items: TransactWriteItem[]): Promise<boolean> {
  try {
    await client.send(new TransactWriteItemsCommand({ TransactItems: items }));
    return true;
  } catch (error) {
    if (isLostRace(error)) return false;
    throw mapDynamoError(error);
  }
}

/** A stored item as plain JSON (S, N, BOOL, SS sorted, L, M): what the audit chain hashes. */
export function itemToPlain(item: Item): Record<string, unknown> {
  const value = (v: AttributeValue): unknown => {
    if (v.S !== undefined) return v.S;
    if (v.N !== undefined) return Number(v.N);
    if (v.BOOL !== undefined) return v.BOOL;
    if (v.SS !== undefined) return [...v.SS].sort();
    if (v.L !== undefined) return v.L.map(value);
    if (v.M !== undefined) return itemToPlain(v.M);
    return null;
  };
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, value(v)]));
}

/**
 * Plain JSON as item attributes (the inverse of `itemToPlain` for strings, numbers, booleans, lists and maps):
 * `undefined` and `null` fields are left out. For tables whose items are their entities plus key attributes.
 */
export function plainToItem(plain: Readonly<Record<string, unknown>>): Item {
  const value = (v: unknown): AttributeValue | undefined => {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return { S: v };
    if (typeof v === 'number') return { N: String(v) };
    if (typeof v === 'boolean') return { BOOL: v };
    if (Array.isArray(v)) return { L: v.map((x) => value(x) ?? { NULL: true }) };
    if (typeof v === 'object') return { M: plainToItem(v as Record<string, unknown>) };
    throw new TypeError(`cannot store a ${typeof v}`);
  };
  const out: Item = {};
  for (const [k, v] of Object.entries(plain)) {
    const av = value(v);
    if (av) out[k] = av;
  }
  return out;
}

/** A query's pages, following LastEvaluatedKey; empty pages are skipped. Bounded memory: one page at a time. */
export async function* queryPages(client: DynamoDBClient, input: Omit<QueryCommandInput, 'ExclusiveStartKey'>): AsyncIterable<Item[]> {
  let start: Item | undefined;
  do {
    const out = await guard(client.send(new QueryCommand({ ...input, ExclusiveStartKey: start })));
    if (out.Items && out.Items.length > 0) yield out.Items;
    start = out.LastEvaluatedKey;
  } while (start);
}

/** Every item a query returns, following LastEvaluatedKey page by page. */
export async function queryAll(client: DynamoDBClient, input: Omit<QueryCommandInput, 'ExclusiveStartKey'>): Promise<Item[]> {
  const items: Item[] = [];
  for await (const page of queryPages(client, input)) items.push(...page);
  return items;
}
