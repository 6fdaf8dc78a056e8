/** Batch list uploads: jobs, rows and the units of work the worker takes. */
import type { ListSummary } from '../lists';
import type { CaseEvent, CaseMember, ReviewItem } from './cases';
import type { LedgerWrite } from './linking';
import type { Notification } from './notifications';
import type { StoredRecord } from './records';

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
  /** What reading the list found (rows kept, values not understood, rows refused); set once the worker has read it. */
  readonly summary?: ListSummary;
  /**
   * `stored`: the upload is kept sealed in chunks, not read yet; `parsed`: every row has its item (queued or
   * rejected). Absent on jobs from before the bulk path (their rows were written at upload): parsed.
   */
  readonly stage?: 'stored' | 'parsed';
  /** Sealed chunks of the uploaded bytes. */
  readonly chunks?: number;
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

/**
 * One unit of work: a job to take forward from wherever it stands (read the list if not read yet, then link
 * every row still queued). `rows` is left by messages of earlier versions (20 rows each); the whole job is
 * taken forward either way, so such a message finishes its rows too.
 */
export interface ListWork {
  readonly jobId: string;
  readonly rows?: readonly number[];
}

/** A processed row's outcome, as counted on its job. */
export type RowOutcome = keyof ListJob['outcomes'];

/**
 * What linking a group of list rows writes, all or nothing: the records created already linked (lookup, head,
 * first version), their case members, the ledger rows of every case touched (on condition, as for one record),
 * events, review items, name-frequency counters, hit / no-hit notices, the rows finished and their tally on the
 * job, and the records filed under their keys, on condition that no block the group read has changed or is
 * claimed since.
 */
export interface BulkChange {
  readonly created: readonly { readonly record: StoredRecord; readonly externalIndex: string }[];
  readonly members: readonly CaseMember[];
  readonly ledger: readonly LedgerWrite[];
  readonly events: readonly CaseEvent[];
  readonly reviews: readonly ReviewItem[];
  /** Blind counter key -> how much to add. */
  readonly counters: ReadonlyMap<string, number>;
  readonly notify: readonly Omit<Notification, 'notificationId'>[];
  /** Every block the group's decisions read, with its version then: the commit holds only if none changed and none is claimed. */
  readonly blocks: readonly { readonly key: string; readonly version: number }[];
  /** The group's records filed under the blocks read (a block already full is not grown). */
  readonly filings: readonly { readonly recordId: string; readonly keys: readonly string[] }[];
  /** Epoch ms: a claim whose lease ends before this is not live. */
  readonly now: number;
  readonly rows: readonly { readonly row: ListRowItem; readonly outcome: RowOutcome }[];
  readonly tally: { readonly jobId: string; readonly createdAt: string; readonly lane: string };
}
