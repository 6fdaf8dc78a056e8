/**
 * Batch list upload (名单上报): a whole list becomes a job.
 * - The upload checks that the list can be read as a whole (UTF-8, CSV shape, the name columns, no ragged
 *   rows: a 400 naming the lines otherwise), stores its bytes sealed in chunks and answers 202 with the job:
 *   nothing per row happens during the request, whatever the list's size. The same bytes again return the
 *   same job (and take it forward if an earlier attempt stopped halfway).
 * - The worker takes the job forward from wherever it stands: reads the list (every row gets its item,
 *   sealed while queued; bad rows are refused with their reasons and never block the others), then links
 *   the queued rows page by page in bulk (batch-link.ts: the same matching engine and link policy as
 *   POST /v1/records), each row finished exactly once in the transaction that links it. Rows the bulk path
 *   does not take are published one by one through `publishRecord`. A worker that stops for any reason is
 *   retried (the message comes back) and does exactly the rows not done yet.
 */
import { createHash } from 'node:crypto';
import type { AgencyType, ChildRecordV1 } from '../../../schemas/child-record';
import type { ListJob, ListRowItem, ListWork, RowOutcome } from '../../../schemas/entities/lists';
import type { SealedFields } from '../../../schemas/entities/sealed';
import { MAX_LIST_ROWS } from '../../../schemas/lists';
import type { BlindIndexer } from '../../crypto/blind-index';
import type { FieldCipher } from '../../crypto/field-cipher';
import { HubError, NotFoundError, ValidationError } from '../../shared/errors';
import { randomId } from '../../shared/ids';
import { publishRecord, type Publisher, type RecordsDeps } from '../records/records-service';
import { recordTotal } from '../cases/name-frequencies';
import { type BulkDeps, linkGroup, PageTotal, type ViewCache } from './batch-link';
import { groupRows, type PreparedRow, prepareRow } from './bulk-rows';
import { summariseList } from './list-summary';
import type { ListValueMaps } from './list-values';
import { checkList, decodeListText, type ListFormat, ListFormatError, readList } from './parse-list';
import type { BulkLinkStore, ListQueue, ListsRepository } from './ports';

export interface ListDeps {
  readonly province: string;
  readonly lists: ListsRepository;
  readonly queue: ListQueue;
  readonly cipher: FieldCipher;
  readonly index: BlindIndexer;
  /** The bulk linking store (the worker's; the upload does not need it). */
  readonly bulk?: BulkLinkStore;
  /** Value spellings: the defaults plus the province's own (config listSynonyms). */
  readonly values?: ListValueMaps;
  readonly now?: () => Date;
}

interface SealedRow {
  readonly record: ChildRecordV1;
  readonly unverifiedIdNumber?: string;
}

/** Bytes of the upload per sealed chunk: ~270 KB once sealed and encoded, within DynamoDB's 400 KB item. */
export const CHUNK_BYTES = 150 * 1024;
/** Queued rows read and linked per page (one audit event each). */
export const PAGE_ROWS = 500;
/** Groups linked at once by one worker (each in its own lane, with its own tally). */
export const LANES = 6;

const context = (deps: Pick<ListDeps, 'province'>, agencyId: string) => ({ province: deps.province, agency: agencyId, table: 'lists' });
const binding = (jobId: string, row: number) => ({ table: 'lists', recordId: `${jobId}#${row}`, schemaVersion: 1 });
const chunkBinding = (jobId: string, index: number) => ({ table: 'lists', recordId: `${jobId}#chunk#${index}`, schemaVersion: 1 });

const notes = (n: ListRowItem['notUnderstood']) => (n && n.length > 0 ? { notUnderstood: n } : {});

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

/** Whether every row of the job has been finished (or refused). */
export function jobDone(job: ListJob): boolean {
  return (job.stage ?? 'parsed') === 'parsed' && job.processed + job.rejected >= job.total;
}

export async function submitList(deps: ListDeps, publisher: Publisher, body: Uint8Array, format: ListFormat): Promise<{ job: ListJob; created: boolean }> {
  const text = unreadableAs400(() => decodeListText(body));
  const digest = createHash('sha256').update(body).digest('hex');
  const jobId = `job_${(await deps.index.compute('list-job', publisher.agencyId, digest)).replace(/[-_]/g, '').slice(0, 26)}`;

  const existing = await deps.lists.job(jobId);
  if (existing) {
    // The same list again: nothing new. A job an earlier worker left halfway is taken forward again.
    if (!jobDone(existing)) await deps.queue.enqueue([{ jobId }]);
    return { job: existing, created: false };
  }

  const { rows } = unreadableAs400(() => checkList(text, format));
  if (rows === 0) throw new ValidationError([{ message: 'the list has no rows' }], 'The list is empty', '名单为空');
  if (rows > MAX_LIST_ROWS) throw new ValidationError([{ message: `at most ${MAX_LIST_ROWS} rows per upload` }], 'The list is too long', '名单过长');

  const createdAt = (deps.now ?? (() => new Date()))().toISOString();
  const chunks: string[] = [];
  for (let i = 0, at = 0; at < body.length; i++, at += CHUNK_BYTES) {
    const bytes = Buffer.from(body.subarray(at, at + CHUNK_BYTES)).toString('base64');
    chunks.push(JSON.stringify(await deps.cipher.seal(context(deps, publisher.agencyId), chunkBinding(jobId, i), { bytes })));
  }
  // Chunks first: a job that exists always has its list.
  await deps.lists.putChunks(jobId, chunks, createdAt);
  const job = {
    jobId,
    agencyId: publisher.agencyId,
    agencyType: publisher.agencyType,
    format,
    createdAt,
    total: rows,
    rejected: 0,
    stage: 'stored' as const,
    chunks: chunks.length,
  };
  if (!(await deps.lists.createJob(job))) return { job: (await deps.lists.job(jobId))!, created: false };
  await deps.queue.enqueue([{ jobId }]);
  return { job: { ...job, processed: 0, outcomes: { auto: 0, review: 0, new: 0, failed: 0 } }, created: true };
}

/** Reads the sealed list and gives every row its item (once: rows already written are left as they are). */
async function parseStage(deps: ListDeps, job: ListJob): Promise<void> {
  const sealed = await deps.lists.chunks(job.jobId, job.chunks ?? 0);
  const parts = await Promise.all(
    sealed.map(async (s, i) => {
      const opened = await deps.cipher.open(context(deps, job.agencyId), chunkBinding(job.jobId, i), JSON.parse(s) as SealedFields, ['bytes']);
      return Buffer.from(opened.bytes as string, 'base64');
    }),
  );
  const list = readList(decodeListText(Buffer.concat(parts)), job.format, deps.values ? { values: deps.values } : {});
  const written = await deps.lists.rowNumbers(job.jobId);
  const rows: ListRowItem[] = [];
  for (const r of list.rows) {
    if (written.has(r.row)) continue;
    if (!r.record) {
      rows.push({ jobId: job.jobId, row: r.row, state: 'rejected', flags: r.flags, details: r.error?.details ?? [], ...notes(r.notUnderstood) });
      continue;
    }
    const payload: SealedRow = { record: r.record, ...(r.unverifiedIdNumber && { unverifiedIdNumber: r.unverifiedIdNumber }) };
    const sealedRow = await deps.cipher.seal(context(deps, job.agencyId), binding(job.jobId, r.row), { row: payload });
    rows.push({ jobId: job.jobId, row: r.row, state: 'queued', flags: r.flags, sealed: JSON.stringify(sealedRow), ...notes(r.notUnderstood) });
  }
  await deps.lists.putNewRows(rows, job.createdAt);
  await deps.lists.markParsed(job.jobId, { rejected: list.rows.filter((r) => !r.record).length, summary: summariseList(list) });
}

export type WorkerDeps = ListDeps & { records: RecordsDeps; bulk: BulkLinkStore };

export interface PageDone {
  /** Records written or found by this page's rows (for its audit event). */
  readonly recordIds: string[];
  readonly rows: number;
}

/**
 * Takes a job forward: reads the list if not read yet, then links queued rows page by page until none is
 * left or `deadline` (epoch ms) has passed; then returns 'more' if rows are left (the caller queues the job
 * again, so that no worker outlives its time limit). `onPage` is told after every page (the audit).
 * A row refused by validation while publishing is finished as failed with its code; anything else is
 * thrown, the message is retried, and the rows finished so far stay finished.
 */
export async function processJob(
  deps: WorkerDeps,
  work: ListWork,
  options: { deadline?: number; pageRows?: number; onPage?: (page: PageDone, job: ListJob) => Promise<void> } = {},
): Promise<'done' | 'more' | 'gone'> {
  let job = await deps.lists.job(work.jobId);
  if (!job) return 'gone';
  if ((job.stage ?? 'parsed') === 'stored') {
    await parseStage(deps, job);
    job = (await deps.lists.job(work.jobId))!;
  }
  const invocation = randomId('w').slice(2, 12);
  const views: ViewCache = new Map();
  let afterRow = 0;
  for (;;) {
    const page = await deps.lists.queuedRows(job.jobId, { afterRow, limit: options.pageRows ?? PAGE_ROWS });
    if (page.length === 0) return 'done';
    const recordIds = await linkPage(deps, job, page, invocation, views);
    await options.onPage?.({ recordIds, rows: page.length }, job);
    afterRow = page.at(-1)!.row;
    if (views.size > 50_000) views.clear();
    if (options.deadline !== undefined && Date.now() > options.deadline) {
      return (await deps.lists.queuedRows(job.jobId, { afterRow, limit: 1 })).length > 0 ? 'more' : 'done';
    }
  }
}

async function linkPage(deps: WorkerDeps, job: ListJob, page: readonly ListRowItem[], invocation: string, views: ViewCache): Promise<string[]> {
  const publisher: Publisher = { agencyId: job.agencyId, agencyType: job.agencyType as AgencyType };
  const opened = await Promise.all(
    page.map(async (item) => {
      const o = await deps.cipher.open(context(deps, job.agencyId), binding(job.jobId, item.row), JSON.parse(item.sealed!) as SealedFields, ['row']);
      const { record, unverifiedIdNumber } = o.row as SealedRow;
      return { item, record, ...(unverifiedIdNumber && { unverifiedIdNumber }) };
    }),
  );
  const bulkDeps: BulkDeps = { ...deps.records, bulk: deps.bulk };
  const prepared = await Promise.all(
    opened.map((o) =>
      prepareRow(bulkDeps, job.jobId, o.item, {
        agencyId: job.agencyId,
        agencyType: publisher.agencyType,
        record: o.record,
        ...(o.unverifiedIdNumber && { unverifiedIdNumber: o.unverifiedIdNumber }),
      }),
    ),
  );
  // A record that exists already (published before, or by an attempt that stopped after creating it) and a
  // discharge that starts follow-up go the single way: `publishRecord` repairs and decides exactly as for one record.
  const existing = await deps.bulk.recordIdsByExternal(prepared.map((p) => p.externalIndex));
  const single: PreparedRow[] = [];
  const bulk: PreparedRow[] = [];
  for (const p of prepared) (existing.has(p.externalIndex) || p.input.record.treatment?.dischargedOn ? single : bulk).push(p);

  const recordIds: string[] = [];
  const groups = groupRows(bulk);
  const total = new PageTotal(() => recordTotal(bulkDeps));
  let next = 0;
  // The first failure stops every lane (no group starts after it); the page fails once all lanes have stopped.
  let failure: { error: unknown } | undefined;
  const lane = async (n: number) => {
    while (!failure && next < groups.length) {
      const group = groups[next++]!;
      try {
        const out = await linkGroup(bulkDeps, { jobId: job.jobId, createdAt: job.createdAt, lane: `${invocation}-${n}` }, group, views, total);
        if (out.status === 'done') recordIds.push(...out.rows.map((r) => r.result.recordId));
        else single.push(...group);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: LANES }, (_, n) => lane(n)));
  if (failure) throw failure.error;

  single.sort((a, b) => a.item.row - b.item.row);
  for (const p of single) {
    const id = await publishOne(deps, job, publisher, p, `${invocation}-single`);
    if (id) recordIds.push(id);
  }
  return recordIds;
}

/** One row through the single path, finished with its outcome (exactly once: a finished row is not counted again). */
async function publishOne(deps: WorkerDeps, job: ListJob, publisher: Publisher, p: PreparedRow, lane: string): Promise<string | undefined> {
  try {
    const result = await publishRecord(
      deps.records,
      publisher,
      p.input.record,
      p.input.unverifiedIdNumber ? { unverifiedIdNumber: p.input.unverifiedIdNumber } : {},
    );
    const outcome: RowOutcome = result.link === 'auto' || result.link === 'review' ? result.link : 'new';
    const { recordId, caseId, link, status, reviewId } = result;
    await deps.lists.finishRow(
      { ...p.item, state: 'done', result: { recordId, caseId, link, status, ...(reviewId && { reviewId }) } },
      job.createdAt,
      outcome,
      lane,
    );
    return recordId;
  } catch (error) {
    if (error instanceof HubError && error.statusCode < 500) {
      await deps.lists.finishRow(
        { ...p.item, state: 'failed', errorCode: error.code, ...(error.details && { details: error.details }) },
        job.createdAt,
        'failed',
        lane,
      );
      return undefined;
    }
    throw error;
  }
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
    status: jobDone(job) ? 'done' : 'processing',
    rows: rows.map(({ sealed: _s, jobId: _j, ...r }) => r),
    ...(rows.length === limit && last !== undefined && { nextRow: last }),
  };
}
