/** Schemas of the privacy officers' routes. */
import * as z from 'zod';
import { caseIdParam } from './common';

const caseId = caseIdParam;

export const auditEventsQuery = z.strictObject({
  caseId: caseId.optional(),
  agencyId: z.string().min(3).max(64).optional(),
  sub: z.string().min(1).max(128).optional(),
  route: z.string().min(3).max(128).optional().meta({ description: 'Action, as a route key, e.g. "GET /v1/cases/{caseId}"' }),
  outcome: z.enum(['allow', 'deny', 'error']).optional(),
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(500),
  cursor: z
    .string()
    .max(400)
    .regex(/^[A-Za-z0-9_-]+$/, { message: 'not a cursor from a previous page' })
    .optional()
    .meta({ description: 'nextCursor of the previous page (newest first)' }),
  format: z.enum(['json', 'csv']).default('json'),
});

export const verifyQuery = z.strictObject({
  mode: z
    .enum(['full', 'incremental'])
    .default('full')
    .meta({ description: 'full: every chain from its start; incremental: from the last signed digest a verification found intact' }),
});

export const accessReportQuery = z.strictObject({ format: z.enum(['json', 'csv']).default('json') });
export const caseIdPath = z.object({ caseId });

export const verifyResponse = z
  .object({
    ok: z.boolean(),
    mode: z.enum(['full', 'incremental']),
    from: z.object({ digestId: z.string(), at: z.string() }).optional(),
    events: z.number().int(),
    chains: z.number().int(),
    digests: z.number().int(),
    first: z
      .object({ kind: z.string(), chain: z.number(), seq: z.number(), eventId: z.string().optional(), time: z.string().optional(), detail: z.string() })
      .optional(),
    problems: z.array(z.unknown()),
  })
  .meta({ id: 'AuditVerification' });
