/**
 * The lists table: batch upload jobs. Items (keys built by `listKeys`):
 * - job `JOB#<jobId>` / `META`: who uploaded, when, its stage, rows in and refused;
 * - chunk `JOB#<jobId>` / `CHK#<4 digits>`: the uploaded bytes, sealed, until the job is done;
 * - tally `JOB#<jobId>` / `CNT#<lane>`: rows finished and their outcomes, one item per worker lane
 *   (written in the same transaction as the rows it counts; the job's counts are their sum);
 * - row `JOB#<jobId>` / `ROW#<8 digits>`: the row sealed until processed, then its result.
 * Everything expires 30 days after upload (TTL): the records themselves live in the records table.
 * Implements the lists domain's ListsRepository port.
 */
import {
  PutItemCommand,
  QueryCommand,
  type QueryCommandOutput,
  type TransactWriteItem,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { batchWrite, guard, isConditionFailure, type Item, mapDynamoError, N, num, optStr, S, str, transactOrLost } from './dynamo';
import type { ListJob, ListRowItem, RowOutcome, RowState } from '../../schemas/entities/lists';

export const LIST_RETENTION_SECONDS = 30 * 86_400;
const LAST_ROW = 99_999_999;

export const listKeys = {
  job: (jobId: string) => ({ pk: S(`JOB#${jobId}`), sk: S('META') }),
  row: (jobId: string, row: number) => ({ pk: S(`JOB#${jobId}`), sk: S(`ROW#${String(row).padStart(8, '0')}`) }),
  chunk: (jobId: string, index: number) => ({ pk: S(`JOB#${jobId}`), sk: S(`CHK#${String(index).padStart(4, '0')}`) }),
  tally: (jobId: string, lane: string) => ({ pk: S(`JOB#${jobId}`), sk: S(`CNT#${lane}`) }),
};

/** TransactWriteItems takes at most 100 items. */
const TRANSACTION_ITEMS = 100;
const OUTCOMES: readonly RowOutcome[] = ['auto', 'review', 'new', 'failed'];

const expiry = (createdAt: string) => N(Math.floor(Date.parse(createdAt) / 1000) + LIST_RETENTION_SECONDS);

/** A row item (exported for the bulk linking transaction, which finishes rows). */
export function rowItem(r: ListRowItem, createdAt: string): Item {
  const item: Item = { ...listKeys.row(r.jobId, r.row), jobId: S(r.jobId), row: N(r.row), state: S(r.state), expiresAt: expiry(createdAt) };
  if (r.flags.length) item.flags = { SS: [...r.flags] };
  if (r.sealed) item.sealed = S(r.sealed);
  if (r.details) item.details = S(JSON.stringify(r.details));
  if (r.notUnderstood?.length) item.notUnderstood = S(JSON.stringify(r.notUnderstood));
  if (r.result) item.result = S(JSON.stringify(r.result));
  if (r.errorCode) item.errorCode = S(r.errorCode);
  return item;
}

function toRow(item: Item): ListRowItem {
  const details = optStr(item, 'details');
  const notUnderstood = optStr(item, 'notUnderstood');
  const result = optStr(item, 'result');
  return {
    jobId: str(item, 'jobId'),
    row: num(item, 'row'),
    state: str(item, 'state') as RowState,
    flags: item.flags?.SS ?? [],
    ...(optStr(item, 'sealed') && { sealed: optStr(item, 'sealed') }),
    ...(details && { details: JSON.parse(details) }),
    ...(notUnderstood && { notUnderstood: JSON.parse(notUnderstood) }),
    ...(result && { result: JSON.parse(result) }),
    ...(optStr(item, 'errorCode') && { errorCode: optStr(item, 'errorCode') }),
  };
}

/** A finished row's write: the row without its sealed copy, on condition that it is still queued (exactly once). */
export function finishRowWrite(tableName: string, row: ListRowItem, createdAt: string): TransactWriteItem {
  const { sealed: _dropped, ...finished } = row;
  return {
    Put: {
      TableName: tableName,
      Item: rowItem(finished, createdAt),
      ConditionExpression: '#s = :queued',
      ExpressionAttributeNames: { '#s': 'state' },
      ExpressionAttributeValues: { ':queued': S('queued') },
    },
  };
}

/** Adds finished rows to a lane's tally (lanes never run two transactions at once, so tallies do not contend). */
export function tallyWrite(
  tableName: string,
  tally: { jobId: string; createdAt: string; lane: string },
  counts: Partial<Record<RowOutcome, number>>,
): TransactWriteItem {
  const names: Record<string, string> = { '#p': 'processed', '#e': 'expiresAt' };
  const values: Item = { ':p': N(Object.values(counts).reduce((a, b) => a + (b ?? 0), 0)), ':e': expiry(tally.createdAt) };
  const adds = ['#p :p'];
  for (const o of OUTCOMES) {
    if (!counts[o]) continue;
    names[`#${o}`] = o;
    values[`:${o}`] = N(counts[o]!);
    adds.push(`#${o} :${o}`);
  }
  return {
    Update: {
      TableName: tableName,
      Key: listKeys.tally(tally.jobId, tally.lane),
      UpdateExpression: `ADD ${adds.join(', ')} SET #e = :e`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

function toJob(item: Item, tallies: readonly Item[]): ListJob {
  const n = (name: string) => [item, ...tallies].reduce((sum, i) => sum + (i[name]?.N ? Number(i[name]!.N) : 0), 0);
  const summary = optStr(item, 'summary');
  const stage = optStr(item, 'stage') as ListJob['stage'];
  return {
    jobId: str(item, 'jobId'),
    agencyId: str(item, 'agencyId'),
    agencyType: str(item, 'agencyType'),
    format: str(item, 'format') as ListJob['format'],
    createdAt: str(item, 'createdAt'),
    total: n('total'),
    rejected: n('rejected'),
    processed: n('processed'),
    outcomes: { auto: n('auto'), review: n('review'), new: n('new'), failed: n('failed') },
    ...(summary && { summary: JSON.parse(summary) }),
    ...(stage && { stage }),
    ...(item.chunks?.N && { chunks: Number(item.chunks.N) }),
  };
}

/** Report rows without their sealed copies (a page then holds every row of a 1 MB read, not a few hundred sealed ones). */
const REPORT_ATTRIBUTES = ['jobId', 'row', 'flags', 'details', 'notUnderstood', 'result', 'errorCode'];

export class ListsTable {
  constructor(
    private readonly client: DynamoDBClient,
    readonly tableName: string,
  ) {}

  /** Creates the job; false when a job with this id exists (the same list was uploaded before). */
  async createJob(job: Omit<ListJob, 'processed' | 'outcomes'>): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            ...listKeys.job(job.jobId),
            jobId: S(job.jobId),
            agencyId: S(job.agencyId),
            agencyType: S(job.agencyType),
            format: S(job.format),
            createdAt: S(job.createdAt),
            total: N(job.total),
            rejected: N(job.rejected),
            processed: N(0),
            ...(job.summary && { summary: S(JSON.stringify(job.summary)) }),
            ...(job.stage && { stage: S(job.stage) }),
            ...(job.chunks !== undefined && { chunks: N(job.chunks) }),
            expiresAt: expiry(job.createdAt),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw mapDynamoError(error);
    }
  }

  /** The job and its counts: the META item plus every lane's tally (one query, consistent). */
  async job(jobId: string): Promise<ListJob | undefined> {
    const items = await this.#queryAll({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': S(`JOB#${jobId}`), ':from': S('CNT#'), ':to': S('META') },
    });
    const meta = items.find((i) => i.sk?.S === 'META');
    return meta
      ? toJob(
          meta,
          items.filter((i) => i.sk?.S?.startsWith('CNT#')),
        )
      : undefined;
  }

  async #queryAll(
    input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName' | 'ConsistentRead'>,
    limit = Number.POSITIVE_INFINITY,
  ): Promise<Item[]> {
    const items: Item[] = [];
    let start: QueryCommandOutput['LastEvaluatedKey'];
    do {
      const out: QueryCommandOutput = await guard(
        this.client.send(
          new QueryCommand({
            ...input,
            TableName: this.tableName,
            ConsistentRead: true,
            ...(Number.isFinite(limit) && { Limit: limit - items.length }),
            ...(start && { ExclusiveStartKey: start }),
          }),
        ),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start && items.length < limit);
    return items;
  }

  /** Stores the sealed chunks of an upload, 25 to a batch (a chunk is at most ~270 KB, a batch at most 16 MB). */
  async putChunks(jobId: string, chunks: readonly string[], createdAt: string): Promise<void> {
    await this.#batchPut(chunks.map((sealed, i) => ({ ...listKeys.chunk(jobId, i), sealed: S(sealed), expiresAt: expiry(createdAt) })));
  }

  async chunks(jobId: string, count: number): Promise<string[]> {
    const items = await this.#queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :chk)',
      ExpressionAttributeValues: { ':pk': S(`JOB#${jobId}`), ':chk': S('CHK#') },
    });
    if (items.length !== count) throw new Error(`list job ${jobId}: ${items.length} of ${count} chunks stored`);
    return items.map((i) => str(i, 'sealed'));
  }

  /** Writes rows 25 at a time, retrying what DynamoDB leaves unprocessed. */
  async #batchPut(items: readonly Item[]): Promise<void> {
    await batchWrite(
      this.client,
      this.tableName,
      items.map((Item) => ({ PutRequest: { Item } })),
    );
  }

  /**
   * Writes the rows that have no item yet, 100 to a transaction on condition that none exists: a worker reading
   * the list again after a crash, or a second copy of its message, never puts a finished row back in the queue.
   * A transaction refused because one row exists is retried row by row (only after a crash, for one batch).
   */
  async putNewRows(rows: readonly ListRowItem[], createdAt: string): Promise<void> {
    const put = (r: ListRowItem): TransactWriteItem => ({
      Put: { TableName: this.tableName, Item: rowItem(r, createdAt), ConditionExpression: 'attribute_not_exists(pk)' },
    });
    const batches: ListRowItem[][] = [];
    for (let i = 0; i < rows.length; i += TRANSACTION_ITEMS) batches.push(rows.slice(i, i + TRANSACTION_ITEMS));
    let next = 0;
    const lane = async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        if (await this.#transact(batch.map(put))) continue;
        for (const r of batch) await this.#transact([put(r)]);
      }
    };
    await Promise.all(Array.from({ length: 4 }, lane));
  }

  #transact(items: TransactWriteItem[]): Promise<boolean> {
    return transactOrLost(this.client, items); // false: a condition failed, or another request's transaction won: read again
  }

  async rowNumbers(jobId: string): Promise<Set<number>> {
    const items = await this.#queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :row)',
      ExpressionAttributeValues: { ':pk': S(`JOB#${jobId}`), ':row': S('ROW#') },
      ProjectionExpression: '#r',
      ExpressionAttributeNames: { '#r': 'row' },
    });
    return new Set(items.map((i) => num(i, 'row')));
  }

  /** Marks the job read (once: a second copy of the message finds it done and changes nothing). */
  async markParsed(jobId: string, parsed: { rejected: number; summary: NonNullable<ListJob['summary']> }): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: listKeys.job(jobId),
          UpdateExpression: 'SET #st = :parsed, rejected = :r, summary = :s',
          ConditionExpression: '#st = :stored',
          ExpressionAttributeNames: { '#st': 'stage' },
          ExpressionAttributeValues: { ':parsed': S('parsed'), ':stored': S('stored'), ':r': N(parsed.rejected), ':s': S(JSON.stringify(parsed.summary)) },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) return;
      throw mapDynamoError(error);
    }
  }

  async queuedRows(jobId: string, options: { afterRow?: number; limit: number }): Promise<ListRowItem[]> {
    const first = Math.max(1, Math.trunc((options.afterRow ?? 0) + 1));
    if (!(first <= LAST_ROW)) return [];
    const items = await this.#queryAll(
      {
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        FilterExpression: '#s = :queued',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: {
          ':pk': S(`JOB#${jobId}`),
          ':from': S(`ROW#${String(first).padStart(8, '0')}`),
          ':to': S(`ROW#${LAST_ROW}`),
          ':queued': S('queued'),
        },
      },
      options.limit,
    );
    return items.slice(0, options.limit).map(toRow);
  }

  /**
   * Records a queued row's outcome once (the sealed copy is dropped) and counts it in the lane's tally, in one
   * transaction. False when the row was already finished: a redelivered message changes nothing.
   */
  async finishRow(row: ListRowItem, createdAt: string, outcome: RowOutcome, lane: string): Promise<boolean> {
    return this.#transact([
      finishRowWrite(this.tableName, row, createdAt),
      tallyWrite(this.tableName, { jobId: row.jobId, createdAt, lane }, { [outcome]: 1 }),
    ]);
  }

  /** Rows after `afterRow` in row order: queries follow DynamoDB's 1 MB pages until `limit` rows are read or none are left. */
  async rows(jobId: string, options: { afterRow?: number; limit: number }): Promise<ListRowItem[]> {
    // Row keys have 8 digits: past the last possible row there is nothing (and BETWEEN must not be inverted).
    const first = Math.max(1, Math.trunc((options.afterRow ?? 0) + 1));
    if (!(first <= LAST_ROW)) return [];
    const items = await this.#queryAll(
      {
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': S(`JOB#${jobId}`),
          ':from': S(`ROW#${String(first).padStart(8, '0')}`),
          ':to': S(`ROW#${LAST_ROW}`),
        },
        ProjectionExpression: ['#s', ...REPORT_ATTRIBUTES.map((_, i) => `#a${i}`)].join(', '),
        ExpressionAttributeNames: { '#s': 'state', ...Object.fromEntries(REPORT_ATTRIBUTES.map((a, i) => [`#a${i}`, a])) },
      },
      options.limit,
    );
    return items.map(toRow);
  }
}
