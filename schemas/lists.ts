/** Schemas of the batch list routes. */
import * as z from 'zod';

export const LIST_MEDIA_TYPES = { 'text/csv': 'csv', 'application/x-ndjson': 'jsonl', 'application/jsonl': 'jsonl' } as const;
export const MAX_LIST_BYTES = 5 * 1024 * 1024;
/** Rows per upload; row numbers, and so the `afterRow` paging cursor, never exceed it. */
export const MAX_LIST_ROWS = 50_000;

export const jobIdParam = z.string().regex(/^job_[A-Za-z0-9]{26}$/, { message: 'must be a list job id' });

export const listJobQuery = z.strictObject({
  afterRow: z.coerce.number().int().min(0).max(MAX_LIST_ROWS).default(0).meta({ description: 'Report rows after this row number (paging)' }),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
});

/** Why a row was refused (see describeList for the wording). */
export const REFUSAL_REASONS = ['NO_NAME', 'NAME_INVALID', 'NOT_AN_OBJECT', 'DUPLICATE_ROW', 'UNREADABLE'] as const;

export const notUnderstoodView = z
  .object({
    field: z.string().meta({ description: 'Column (categories, sex, birthDate, guardian.phone, ...)' }),
    message: z.string(),
    value: z.string().optional().meta({ description: 'The spelling as given; coded columns only (category, relation, risk level, sex)' }),
  })
  .meta({ id: 'NotUnderstood' });

export const listSummaryView = z
  .object({
    rowsIn: z.number().int(),
    rowsKept: z.number().int(),
    rowsRefused: z.number().int(),
    rowsWithValuesNotUnderstood: z.number().int(),
    ignoredColumns: z.array(z.string()),
    notUnderstood: z.array(
      z.object({
        field: z.string(),
        rows: z.number().int(),
        examples: z.array(z.object({ value: z.string(), rows: z.number().int() })),
        sampleRows: z.array(z.number().int()),
      }),
    ),
    refused: z.array(z.object({ reason: z.enum(REFUSAL_REASONS), rows: z.number().int(), sampleRows: z.array(z.number().int()) })),
    text: z.object({ zh: z.string(), en: z.string() }).optional().meta({ description: 'The same, as lines a person reads (Chinese, English)' }),
  })
  .meta({ id: 'ListSummary', description: 'Rows in, kept, values not understood by field (the child is kept without them), rows refused by reason' });
export type ListSummary = Omit<z.infer<typeof listSummaryView>, 'text'>;

const counts = z.object({ auto: z.number().int(), review: z.number().int(), new: z.number().int(), failed: z.number().int() });

export const listJobView = z
  .object({
    jobId: jobIdParam,
    status: z.enum(['processing', 'done']),
    format: z.enum(['csv', 'jsonl']),
    createdAt: z.iso.datetime(),
    total: z.number().int(),
    rejected: z.number().int().meta({ description: 'Rows refused when the list was read (see their reasons)' }),
    processed: z.number().int(),
    outcomes: counts.meta({ description: 'Processed rows: linked to an existing case (auto), waiting for review, new case, failed' }),
    summary: listSummaryView.optional(),
  })
  .meta({ id: 'ListJob' });

export const listRowReport = z
  .object({
    row: z.number().int().meta({ description: 'Data row number in the uploaded list (header not counted)' }),
    state: z.enum(['queued', 'rejected', 'done', 'failed']),
    flags: z.array(z.string()).meta({
      description:
        'ID_CHECK_DIGIT or ID_INVALID: the identity number was kept out of the record; the row was matched on its other fields. EXTERNAL_ID_DERIVED: the row had no usable externalId; a stable one was derived',
    }),
    notUnderstood: z.array(notUnderstoodView).optional().meta({ description: 'Values left out of the record (the child is kept)' }),
    details: z.array(z.object({ path: z.string().optional(), message: z.string() })).optional(),
    errorCode: z.string().optional(),
    result: z.object({ recordId: z.string(), caseId: z.string(), link: z.string(), status: z.string(), reviewId: z.string().optional() }).optional(),
  })
  .meta({ id: 'ListRowReport' });

export const submitListResponse = z.object({ job: listJobView, created: z.boolean() });
export const listJobResponse = z.object({ job: listJobView, rows: z.array(listRowReport), nextRow: z.number().int().optional() });
