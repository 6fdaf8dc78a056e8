/** API schemas of care plans (docs/care-loop.md, "Care plans"; FHIR CarePlan). */
import * as z from 'zod';
import { caseIdParam, says } from './common';

export const CARE_PLAN_CATEGORIES = ['psychological_care', 'post_discharge', 'school_support', 'family_support', 'crisis_safety', 'other'] as const;
export const CARE_PLAN_STATUSES = ['draft', 'active', 'on-hold', 'completed', 'revoked'] as const;
export const ACTIVITY_KINDS = [
  'counselling',
  'home_visit',
  'school_support',
  'medical_follow_up',
  'group_activity',
  'family_guidance',
  'mentoring',
  'peer_support',
  'other',
] as const;
export const ACTIVITY_STATUSES = ['not-started', 'scheduled', 'in-progress', 'completed', 'cancelled'] as const;

export const planIdParam = z
  .string()
  .regex(/^pln_[0-9A-HJKMNP-TV-Z]{26}$/, { message: 'must be a care plan id (pln_ and 26 characters)' })
  .meta({ description: 'Care plan id' });

const text = (max: number) => z.string().trim().min(1).max(max);

const activityInput = z.strictObject({
  activityId: z
    .string()
    .regex(/^[a-z0-9-]{1,32}$/, { message: 'lower-case letters, digits and -, up to 32' })
    .optional()
    .meta({ description: 'Keep the same id across versions to follow one activity; default a1, a2, …' }),
  kind: z.enum(ACTIVITY_KINDS),
  description: text(500).optional().meta({ description: 'Free text (sealed)' }),
  ownerAgencyId: z.string().min(3).max(64).meta({ description: 'The agency that carries it out; it takes part in the plan' }),
  due: z.iso.date(),
  status: z.enum(ACTIVITY_STATUSES).default('not-started'),
});

const planFields = {
  status: z.enum(CARE_PLAN_STATUSES).meta({ description: 'draft, active, on-hold, completed, revoked (FHIR CarePlan.status)' }),
  category: z.enum(CARE_PLAN_CATEGORIES).meta({ description: '分类制定心理关爱方案: the kind of plan' }),
  goals: z
    .array(z.strictObject({ description: text(500) }))
    .min(1)
    .max(20)
    .meta({ description: 'Free text (sealed)' }),
  activities: z.array(activityInput).max(50).default([]),
  reviewDate: z.iso.date().meta({ description: 'When the plan is next reviewed' }),
  note: text(2000).optional().meta({ description: 'Free text (sealed)' }),
};

function distinctActivities(plan: { activities: readonly { activityId?: string | undefined }[] }, ctx: z.core.$RefinementCtx) {
  const seen = new Set<string>();
  plan.activities.forEach((a, i) => {
    if (a.activityId === undefined) return;
    if (seen.has(a.activityId)) ctx.addIssue({ code: 'custom', path: ['activities', i, 'activityId'], ...says('duplicate activity id', '活动编号重复') });
    seen.add(a.activityId);
  });
}

export const carePlanBody = z
  .strictObject({ ...planFields, status: z.enum(['draft', 'active']).default('draft').meta({ description: 'A new plan starts as a draft or active' }) })
  .superRefine(distinctActivities);
export type CarePlanInput = z.output<typeof carePlanBody>;

export const carePlanVersionBody = z
  .strictObject({
    baseVersion: z.number().int().min(1).meta({ description: 'The version this one replaces: a stale base answers 409 STATE_CONFLICT' }),
    ...planFields,
  })
  .superRefine(distinctActivities);
export type CarePlanVersionInput = z.output<typeof carePlanVersionBody>;

export const carePlanView = z
  .object({
    planId: planIdParam,
    caseId: caseIdParam,
    version: z.number().int().min(1),
    status: z.enum(CARE_PLAN_STATUSES),
    category: z.enum(CARE_PLAN_CATEGORIES),
    goals: z.array(z.object({ description: z.string() })),
    activities: z.array(
      z.object({
        activityId: z.string(),
        kind: z.enum(ACTIVITY_KINDS),
        description: z.string().optional(),
        ownerAgencyId: z.string().meta({ description: 'Your agency, or `holder:N` unless consent lets you know who' }),
        due: z.iso.date(),
        status: z.enum(ACTIVITY_STATUSES),
      }),
    ),
    reviewDate: z.iso.date(),
    note: z.string().optional(),
    author: z.string().meta({ description: 'Who wrote this version: your agency, or `holder:N`' }),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'CarePlan' });

export const carePlansQuery = z.strictObject({ status: z.enum(CARE_PLAN_STATUSES).optional() });

export const carePlansResponse = z.object({
  caseId: caseIdParam,
  items: z.array(carePlanView).meta({ description: 'The latest version of each plan you take part in' }),
  withheld: z
    .array(z.object({ planId: planIdParam, reason: z.literal('NOT_A_PARTICIPANT') }))
    .meta({ description: 'Plans of the case you do not take part in (holders and the coordinating role see that they exist)' }),
});

export const carePlanHistoryResponse = z.object({
  planId: planIdParam,
  caseId: caseIdParam,
  versions: z.array(carePlanView).meta({ description: 'Oldest first' }),
});
