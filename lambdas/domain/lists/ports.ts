/**
 * The stores list jobs need, as the domain sees them. lambdas/data/lists-table.ts,
 * lambdas/data/list-linking-table.ts and lambdas/data/list-queue.ts implement them;
 * the domain never imports data.
 */
import type { BulkChange, ListJob, ListRowItem, ListWork, RowOutcome } from '../../../schemas/entities/lists';

export type { BulkChange } from '../../../schemas/entities/lists';

export type NewListJob = Omit<ListJob, 'processed' | 'outcomes'>;

/** Jobs, the sealed upload and the rows (one item per row, sealed until processed). */
export interface ListsRepository {
  /** Creates the job; false when a job with this id exists (the same list was uploaded before). */
  createJob(job: NewListJob): Promise<boolean>;
  /** The job with its counts (every lane's tally added up). */
  job(jobId: string): Promise<ListJob | undefined>;
  /** Stores the sealed chunks of an upload (JSON of SealedFields each), before the job exists. */
  putChunks(jobId: string, chunks: readonly string[], createdAt: string): Promise<void>;
  /** The sealed chunks, in order. */
  chunks(jobId: string, count: number): Promise<string[]>;
  /** Writes the rows that have no item yet, in batches; a row item once written is never overwritten by this. */
  putNewRows(rows: readonly ListRowItem[], createdAt: string): Promise<void>;
  /** Row numbers that have an item, after `afterRow` (keys only). */
  rowNumbers(jobId: string): Promise<Set<number>>;
  /** Every row has its item: records the rows refused and the summary, once. */
  markParsed(jobId: string, parsed: { rejected: number; summary: NonNullable<ListJob['summary']> }): Promise<void>;
  /** Queued rows after `afterRow` with their sealed copy, in row order, at most `limit`. */
  queuedRows(jobId: string, options: { afterRow?: number; limit: number }): Promise<ListRowItem[]>;
  /** Records a queued row's outcome once and counts it in `lane`; false when it was already finished. */
  finishRow(row: ListRowItem, createdAt: string, outcome: RowOutcome, lane: string): Promise<boolean>;
  /** Rows after `afterRow`, in row order, exactly `limit` unless the job has fewer (pages followed); no sealed copies. */
  rows(jobId: string, options: { afterRow?: number; limit: number }): Promise<ListRowItem[]>;
}

/** Where jobs wait for the worker (SQS deployed, in-process locally). */
export interface ListQueue {
  enqueue(work: readonly ListWork[]): Promise<void>;
}

/** The batch side of linking: lookups in bulk and the group commit. */
export interface BulkLinkStore {
  /** Record ids registered for blind (agency, externalId) lookups, by lookup. */
  recordIdsByExternal(externalIndexes: readonly string[]): Promise<Map<string, string>>;
  /**
   * Commits a group in one transaction: 'conflict' when a condition failed (a block the group read changed or
   * is claimed, a case changed: read again, decide again), 'too-large' when it does not fit one.
   */
  commit(change: BulkChange): Promise<'ok' | 'conflict' | 'too-large'>;
}
