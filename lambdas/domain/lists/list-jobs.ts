/**
 * Batch list upload (名单上报): a whole list becomes a job. Bad rows are
 * reported at once and never block the others; good rows are sealed, queued,
 * and published one by one by the worker (the same publish and matching as
 * POST /v1/records). Uploading the same list again returns the same job.
 */
import { createHash } from 'node:crypto';
import type { AgencyType, ChildRecordV1 } from '../../../schemas/child-record';
import type { BlindIndexer } from '../../crypto/blind-index';
import type { FieldCipher } from '../../crypto/field-cipher';
import type { SealedFields } from '../../../schemas/entities/sealed';
import { type ListJob, type ListRowItem, type ListWork, ROWS_PER_MESSAGE } from '../../../schemas/entities/lists';
import { MAX_LIST_ROWS } from '../../../schemas/lists';
import type { ListQueue, ListsRepository } from './ports';
import { HubError, NotFoundError, ValidationError } from '../../shared/errors';
import { publishRecord, type Publisher, type RecordsDeps } from '../records/records-service';
import { decodeListText, ListFormatError, readList, type ListFormat } from './parse-list';
import { summariseList } from './list-summary';
import type { ListValueMaps } from './list-values';

export interface ListDeps {
  readonly province: string;
  readonly lists: ListsRepository;
  readonly queue: ListQueue;
  readonly cipher: FieldCipher;
  readonly index: BlindIndexer;
  /** Value spellings: the defaults plus the province's own (config listSynonyms). */
  readonly values?: ListValueMaps;
  readonly now?: () => Date;
}

interface SealedRow {
  readonly record: ChildRecordV1;
  readonly unverifiedIdNumber?: string;
}

const context = (deps: Pick<ListDeps, 'province'>, agencyId: string) => ({ province: deps.province, agency: agencyId, table: 'lists' });
const binding = (jobId: string, row: number) => ({ table: 'lists', recordId: `${jobId}#${row}`, schemaVersion: 1 });

const notes = (n: ListRowItem['notUnderstood']) => (n && n.length > 0 ? { notUnderstood: n } : {});

function workFor(jobId: string, rows: readonly number[]): ListWork[] {
  const work: ListWork[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_MESSAGE) work.push({ jobId, rows: rows.slice(i, i + ROWS_PER_MESSAGE) });
  return work;
}

/** A list that cannot be read is the uploader's to fix: 400 naming the lines, in Chinese and English. */
function unreadableAs400<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof ListFormatError)) throw error;
    const first = error.problems[0].line;
    throw new ValidationError(
      error.problems.map((p) => ({ ...(p.line !== undefined && { path: `line ${p.line}` }), message: p.message, message_zh: p.message_zh })),
      first === undefined ? 'The list cannot be read' : `The list cannot be read (line ${first})`,
      first === undefined ? '名单无法读取' : `名单无法读取（第 ${first} 行）`,
    );
  }
}

export async function submitList(deps: ListDeps, publisher: Publisher, body: Uint8Array, format: ListFormat): Promise<{ job: ListJob; created: boolean }> {
  const text = unreadableAs400(() => decodeListText(body));
  const digest = createHash('sha256').update(body).digest('hex');
  const jobId = `job_${(await deps.index.compute('list-job', publisher.agencyId, digest)).replace(/[-_]/g, '').slice(0, 26)}`;

  const existing = await deps.lists.job(jobId);
  if (existing) {
    // The same list again: nothing new. Re-queue rows a failed earlier submission left waiting.
    if (existing.processed + existing.rejected < existing.total) {
      const waiting = (await deps.lists.rows(jobId, { limit: MAX_LIST_ROWS })).filter((r) => r.state === 'queued').map((r) => r.row);
      await deps.queue.enqueue(workFor(jobId, waiting));
    }
    return { job: existing, created: false };
  }

  const list = unreadableAs400(() => readList(text, format, deps.values ? { values: deps.values } : {}));
  const parsed = list.rows;
  if (parsed.length === 0) throw new ValidationError([{ message: 'the list has no rows' }], 'The list is empty');
  if (parsed.length > MAX_LIST_ROWS) throw new ValidationError([{ message: `at most ${MAX_LIST_ROWS} rows per upload` }], 'The list is too long');

  const createdAt = (deps.now ?? (() => new Date()))().toISOString();
  const rows: ListRowItem[] = [];
  for (const r of parsed) {
    if (!r.record) {
      rows.push({ jobId, row: r.row, state: 'rejected', flags: r.flags, details: r.error?.details ?? [], ...notes(r.notUnderstood) });
      continue;
    }
    const payload: SealedRow = { record: r.record, ...(r.unverifiedIdNumber && { unverifiedIdNumber: r.unverifiedIdNumber }) };
    const sealed = await deps.cipher.seal(context(deps, publisher.agencyId), binding(jobId, r.row), { row: payload });
    rows.push({ jobId, row: r.row, state: 'queued', flags: r.flags, sealed: JSON.stringify(sealed), ...notes(r.notUnderstood) });
  }
  await deps.lists.putRows(rows, createdAt);
  const rejected = rows.filter((r) => r.state === 'rejected').length;
  const summary = summariseList(list);
  const job = { jobId, agencyId: publisher.agencyId, agencyType: publisher.agencyType, format, createdAt, total: rows.length, rejected, summary };
  if (!(await deps.lists.createJob(job))) return { job: (await deps.lists.job(jobId))!, created: false };
  await deps.queue.enqueue(
    workFor(
      jobId,
      rows.filter((r) => r.state === 'queued').map((r) => r.row),
    ),
  );
  return { job: { ...job, processed: 0, outcomes: { auto: 0, review: 0, new: 0, failed: 0 } }, created: true };
}

/**
 * Publishes the queued rows of one message. A row refused by validation is
 * finished as failed with its code; anything else is thrown so the message is
 * retried (finished rows are skipped, so retries are idempotent).
 */
export async function processWork(deps: ListDeps & { records: RecordsDeps }, work: ListWork): Promise<number> {
  const job = await deps.lists.job(work.jobId);
  if (!job) return 0;
  const publisher: Publisher = { agencyId: job.agencyId, agencyType: job.agencyType as AgencyType };
  let done = 0;
  for (const n of work.rows) {
    const row = await deps.lists.row(work.jobId, n);
    if (row?.state !== 'queued' || !row.sealed) continue;
    const opened = await deps.cipher.open(context(deps, job.agencyId), binding(work.jobId, n), JSON.parse(row.sealed) as SealedFields, ['row']);
    const { record, unverifiedIdNumber } = opened.row as SealedRow;
    try {
      const result = await publishRecord(deps.records, publisher, record, unverifiedIdNumber ? { unverifiedIdNumber } : {});
      const outcome = result.link === 'auto' || result.link === 'review' ? result.link : 'new';
      const { recordId, caseId, link, status, reviewId } = result;
      if (
        await deps.lists.finishRow({ ...row, state: 'done', result: { recordId, caseId, link, status, ...(reviewId && { reviewId }) } }, job.createdAt, outcome)
      )
        done++;
    } catch (error) {
      if (error instanceof HubError && error.statusCode < 500) {
        await deps.lists.finishRow(
          { ...row, state: 'failed', errorCode: error.code, ...(error.details && { details: error.details }) },
          job.createdAt,
          'failed',
        );
        continue;
      }
      throw error;
    }
  }
  return done;
}

export interface JobReport {
  readonly job: ListJob;
  readonly status: 'processing' | 'done';
  readonly rows: readonly Omit<ListRowItem, 'sealed' | 'jobId'>[];
  readonly nextRow?: number;
}

/** Progress and the per-row report, for the agency that uploaded the list only. */
export async function jobReport(deps: Pick<ListDeps, 'lists'>, agencyId: string, jobId: string, afterRow = 0, limit = 1000): Promise<JobReport> {
  const job = await deps.lists.job(jobId);
  if (!job || job.agencyId !== agencyId) throw new NotFoundError('No such list job');
  const rows = await deps.lists.rows(jobId, { afterRow, limit });
  const last = rows.at(-1)?.row;
  return {
    job,
    status: job.processed + job.rejected >= job.total ? 'done' : 'processing',
    rows: rows.map(({ sealed: _s, jobId: _j, ...r }) => r),
    ...(rows.length === limit && last !== undefined && { nextRow: last }),
  };
}
