/** API schemas of the care loop (docs/care-loop.md): service agreements, the worklist. */
import * as z from 'zod';
import { GUARDIAN_RELATIONS } from './child-record';
import { caseIdParam } from './common';
import { evidence } from './consent';

export const CHILD_VIEWS = ['agrees', 'objects', 'not_asked', 'unable_to_express'] as const;
export const DECLINE_REASONS = [
  'disagrees_with_assessment',
  'prefers_own_arrangements',
  'privacy_concerns',
  'stigma_concerns',
  'distance_or_cost',
  'no_time',
  'other',
] as const;

export const agreementIdParam = z
  .string()
  .regex(/^agr_[0-9A-HJKMNP-TV-Z]{26}$/, { message: 'must be an agreement id (agr_ and 26 characters)' })
  .meta({ description: 'Service agreement id' });

/** The `Idempotency-Key` header every create takes: a retry with the same key returns the first result. */
export const idempotencyKeyHeader = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{8,128}$/, { message: 'must be 8 to 128 letters, digits or . _ : -' })
  .meta({ description: 'Chosen by the client, one per create; a retry with the same key and body returns the first result' });

const says = (message: string, zh: string) => ({ message, params: { zh } });

export const agreementBody = z
  .strictObject({
    guardian: z
      .strictObject({ name: z.string().trim().min(1).max(64), relation: z.enum(GUARDIAN_RELATIONS) })
      .meta({ description: 'Who agreed or declined (kept sealed)' }),
    assessmentId: z.string().min(1).max(64).optional().meta({ description: 'The assessment whose result the guardian was shown' }),
    agreesWithAssessment: z.boolean().meta({ description: '认同评估结果: the guardian agrees with the assessment result' }),
    agreesToFollowUp: z.boolean().meta({ description: '同意接受跟进服务: the guardian agrees to follow-up services (referral needs this)' }),
    declineReason: z.enum(DECLINE_REASONS).optional().meta({ description: 'Required when the guardian declines either' }),
    childView: z.enum(CHILD_VIEWS).meta({ description: "The child's own view, at any age; shown to every later referral owner" }),
    validUntil: z.iso.datetime({ offset: true }).optional().meta({ description: 'The agreement lapses then (absent: until a newer one)' }),
    evidence,
  })
  .superRefine((a, ctx) => {
    const declines = !a.agreesWithAssessment || !a.agreesToFollowUp;
    if (declines && !a.declineReason) {
      ctx.addIssue({ code: 'custom', path: ['declineReason'], ...says('required when the guardian declines', '监护人不同意时须填写原因') });
    }
    if (!declines && a.declineReason) {
      ctx.addIssue({ code: 'custom', path: ['declineReason'], ...says('only when the guardian declines', '仅在监护人不同意时填写') });
    }
    if (a.validUntil && Date.parse(a.validUntil) <= Date.parse(a.evidence.collectedAt)) {
      ctx.addIssue({ code: 'custom', path: ['validUntil'], ...says('must be after evidence.collectedAt', '须晚于签署时间') });
    }
  });
export type AgreementInput = z.output<typeof agreementBody>;

export const agreementView = z
  .object({
    agreementId: agreementIdParam,
    caseId: caseIdParam,
    assessmentId: z.string().optional(),
    agreesWithAssessment: z.boolean(),
    agreesToFollowUp: z.boolean(),
    declineReason: z.enum(DECLINE_REASONS).optional(),
    childView: z.enum(CHILD_VIEWS),
    validUntil: z.iso.datetime().optional(),
    agreedAt: z.iso.datetime(),
    recordedAt: z.iso.datetime(),
    recordedBy: z.string().meta({ description: 'Your agency, or `holder:N` unless consent lets you know who' }),
    evidenceSha256: z.string(),
    status: z.enum(['in_force', 'superseded', 'lapsed']).meta({ description: 'in_force: the newest agreement of the case, not lapsed' }),
    guardian: z.object({ name: z.string(), relation: z.string() }).optional().meta({ description: 'Only to the agency that recorded it' }),
  })
  .meta({ id: 'Agreement' });

export const agreementsResponse = z.object({
  caseId: caseIdParam,
  items: z.array(agreementView).meta({ description: 'Newest first' }),
  followUpAgreed: z.boolean().meta({ description: 'Whether an agreement to follow-up services is in force now' }),
});

/** What a worklist item asks of the agency (docs/care-loop.md, "Worklist"). */
export const WORK_KINDS = ['key_recipient_proposal', 're_refer_or_close'] as const;
export type WorkKind = (typeof WORK_KINDS)[number];

export const worklistQuery = z.strictObject({
  status: z.enum(['open', 'done']).default('open'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(2048).optional(),
});

export const workItemView = z
  .object({
    workItemId: z.string(),
    kind: z.enum(WORK_KINDS),
    caseId: caseIdParam,
    subjectId: z.string(),
    createdAt: z.iso.datetime(),
    due: z.iso.datetime().optional(),
    status: z.enum(['open', 'done']),
    closedAt: z.iso.datetime().optional(),
    detail: z.record(z.string(), z.string()).optional().meta({ description: 'Codes only' }),
  })
  .meta({ id: 'WorkItem' });

export const worklistResponse = z.object({ items: z.array(workItemView), cursor: z.string().optional() }).meta({ id: 'Worklist' });
