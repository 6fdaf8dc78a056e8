/** Batch list uploads: jobs, rows and the units of work the worker takes. */
import type { ListSummary } from '../lists';

export interface ListJob {
  readonly jobId: string;
  readonly agencyId: string;
  readonly agencyType: string;
  readonly format: 'csv' | 'jsonl';
  readonly createdAt: string;
  readonly total: number;
  /** Rows refused when the list was read (bad rows). */
  readonly rejected: number;
  /** Rows processed by the worker so far, and their outcomes. */
  readonly processed: number;
  readonly outcomes: Readonly<Record<'auto' | 'review' | 'new' | 'failed', number>>;
  /** What reading the list found (rows kept, values not understood, rows refused). */
  readonly summary?: ListSummary;
}

export type RowState = 'queued' | 'rejected' | 'done' | 'failed';

export interface ListRowItem {
  readonly jobId: string;
  readonly row: number;
  readonly state: RowState;
  readonly flags: readonly string[];
  /** Sealed row (JSON of SealedFields) while queued. */
  readonly sealed?: string;
  readonly details?: readonly { path?: string; message: string }[];
  /** Values left out of a kept row's record (spellings for coded columns only). */
  readonly notUnderstood?: readonly { field: string; message: string; value?: string }[];
  readonly result?: { recordId: string; caseId: string; link: string; status: string; reviewId?: string };
  readonly errorCode?: string;
}

/** One unit of work: up to ROWS_PER_MESSAGE rows of one job. */
export interface ListWork {
  readonly jobId: string;
  readonly rows: readonly number[];
}

export const ROWS_PER_MESSAGE = 20;
