/**
 * The stores list jobs need, as the domain sees them. lambdas/data/lists-table.ts
 * and lambdas/data/list-queue.ts implement them; the domain never imports data.
 */
import type { ListJob, ListRowItem, ListWork } from '../../../schemas/entities/lists';

/** Jobs and their rows (one item per row, sealed until processed). */
export interface ListsRepository {
  /** Creates the job; false when a job with this id exists (the same list was uploaded before). */
  createJob(job: Omit<ListJob, 'processed' | 'outcomes'>): Promise<boolean>;
  job(jobId: string): Promise<ListJob | undefined>;
  putRows(rows: readonly ListRowItem[], createdAt: string): Promise<void>;
  row(jobId: string, row: number): Promise<ListRowItem | undefined>;
  /** Records a queued row's outcome once and counts it on the job; false when it was already finished. */
  finishRow(row: ListRowItem, createdAt: string, outcome: keyof ListJob['outcomes']): Promise<boolean>;
  /** Rows after `afterRow`, in row order, at most `limit`. */
  rows(jobId: string, options: { afterRow?: number; limit: number }): Promise<ListRowItem[]>;
}

/** Where rows wait for the worker (SQS deployed, in-process locally). */
export interface ListQueue {
  enqueue(work: readonly ListWork[]): Promise<void>;
}
