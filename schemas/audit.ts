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
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\|evt_[0-9A-HJKMNP-TV-Z]{26}$/, { message: 'not a cursor from a previous page' })
    .optional()
    .meta({ description: 'nextCursor of the previous page' }),
  format: z.enum(['json', 'csv']).default('json'),
});

export const accessReportQuery = z.strictObject({ format: z.enum(['json', 'csv']).default('json') });
export const caseIdPath = z.object({ caseId });

export const verifyResponse = z
  .object({
    ok: z.boolean(),
    events: z.number().int(),
    chains: z.number().int(),
    digests: z.number().int(),
    first: z
      .object({ kind: z.string(), chain: z.number(), seq: z.number(), eventId: z.string().optional(), time: z.string().optional(), detail: z.string() })
      .optional(),
    problems: z.array(z.unknown()),
  })
  .meta({ id: 'AuditVerification' });
