/**
 * The lists table: batch upload jobs. Items (keys built by `listKeys`):
 * - job `JOB#<jobId>` / `META`: who uploaded, when, counts;
 * - row `JOB#<jobId>` / `ROW#<8 digits>`: the row sealed until processed, then its result.
 * Everything expires 30 days after upload (TTL): the records themselves live in the records table.
 */
import { BatchWriteItemCommand, GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { guard, isConditionFailure, type Item, N, num, optStr, S, str } from './dynamo';
import type { ListJob, ListRowItem, RowState } from '../../schemas/entities/lists';

export const LIST_RETENTION_SECONDS = 30 * 86_400;
const LAST_ROW = 99_999_999;

export const listKeys = {
  job: (jobId: string) => ({ pk: S(`JOB#${jobId}`), sk: S('META') }),
  row: (jobId: string, row: number) => ({ pk: S(`JOB#${jobId}`), sk: S(`ROW#${String(row).padStart(8, '0')}`) }),
};

const expiry = (createdAt: string) => N(Math.floor(Date.parse(createdAt) / 1000) + LIST_RETENTION_SECONDS);

function rowItem(r: ListRowItem, createdAt: string): Item {
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

function toJob(item: Item): ListJob {
  const n = (name: string) => (item[name]?.N ? Number(item[name]!.N) : 0);
  const summary = optStr(item, 'summary');
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
  };
}

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
            expiresAt: expiry(job.createdAt),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async job(jobId: string): Promise<ListJob | undefined> {
    const out = await guard(this.client.send(new GetItemCommand({ TableName: this.tableName, Key: listKeys.job(jobId), ConsistentRead: true })));
    return out.Item ? toJob(out.Item) : undefined;
  }

  /** Writes rows 25 at a time, retrying what DynamoDB leaves unprocessed. */
  async putRows(rows: readonly ListRowItem[], createdAt: string): Promise<void> {
    for (let i = 0; i < rows.length; i += 25) {
      let requests = rows.slice(i, i + 25).map((r) => ({ PutRequest: { Item: rowItem(r, createdAt) } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        const out = await guard(this.client.send(new BatchWriteItemCommand({ RequestItems: { [this.tableName]: requests } })));
        requests = (out.UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
        if (requests.length > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
      }
    }
  }

  async row(jobId: string, row: number): Promise<ListRowItem | undefined> {
    const out = await guard(this.client.send(new GetItemCommand({ TableName: this.tableName, Key: listKeys.row(jobId, row), ConsistentRead: true })));
    return out.Item ? toRow(out.Item) : undefined;
  }

  /**
   * Records a queued row's outcome once (the sealed copy is dropped) and counts it on the job.
   * False when the row was already finished: a redelivered message changes nothing.
   */
  async finishRow(row: ListRowItem, createdAt: string, outcome: keyof ListJob['outcomes']): Promise<boolean> {
    const { sealed: _dropped, ...finished } = row;
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: rowItem(finished, createdAt),
          ConditionExpression: '#s = :queued',
          ExpressionAttributeNames: { '#s': 'state' },
          ExpressionAttributeValues: { ':queued': S('queued') },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
    await guard(
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: listKeys.job(row.jobId),
          UpdateExpression: 'ADD #p :one, #o :one',
          ExpressionAttributeNames: { '#p': 'processed', '#o': outcome },
          ExpressionAttributeValues: { ':one': N(1) },
        }),
      ),
    );
    return true;
  }

  async rows(jobId: string, options: { afterRow?: number; limit: number }): Promise<ListRowItem[]> {
    // Row keys have 8 digits: past the last possible row there is nothing (and BETWEEN must not be inverted).
    const first = Math.max(1, Math.trunc((options.afterRow ?? 0) + 1));
    if (!(first <= LAST_ROW)) return [];
    const out = await guard(
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': S(`JOB#${jobId}`),
            ':from': S(`ROW#${String(first).padStart(8, '0')}`),
            ':to': S(`ROW#${LAST_ROW}`),
          },
          Limit: options.limit,
          ConsistentRead: true,
        }),
      ),
    );
    return (out.Items ?? []).map(toRow);
  }
}
