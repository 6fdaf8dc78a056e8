/** API schemas of referrals (docs/care-loop.md, "Referrals"; FHIR ServiceRequest + Task). */
import * as z from 'zod';
import { agencyType } from './child-record';
import { caseIdParam, says } from './common';

export const REFERRAL_REASONS = [
  'suspected_mental_disorder',
  'self_harm_risk',
  'suicide_risk',
  'severe_emotional_distress',
  'behavioural_problems',
  'trauma',
  'post_discharge_follow_up',
  'school_reintegration',
  'family_support',
  'other',
] as const;
export const REFERRAL_PRIORITIES = ['routine', 'urgent', 'asap', 'stat'] as const;
export const REFERRAL_STATUSES = ['requested', 'received', 'accepted', 'rejected', 'in-progress', 'on-hold', 'completed', 'failed', 'cancelled'] as const;
/** statusReason codes: why a referral was rejected, failed or cancelled. */
export const REFERRAL_STATUS_REASONS = [
  'out_of_scope',
  'no_capacity',
  'guardian_declined',
  'insufficient_information',
  'duplicate',
  'lost_contact',
  'guardian_withdrew',
  'child_moved',
  'treatment_refused',
  'no_longer_needed',
  'other',
] as const;
export const REFERRAL_OUTCOMES = ['treated', 'discharged', 'no_treatment_needed', 'referred_on'] as const;

export const referralIdParam = z
  .string()
  .regex(/^ref_[0-9A-HJKMNP-TV-Z]{26}$/, { message: 'must be a referral id (ref_ and 26 characters)' })
  .meta({ description: 'Referral id' });

export const referralBody = z.strictObject({
  caseId: caseIdParam,
  to: z
    .union([z.strictObject({ agencyType }), z.strictObject({ agencyId: z.string().min(3).max(64) })])
    .meta({ description: 'Task.owner: an agency system, or an agency type that has exactly one system in the province' }),
  reasons: z
    .array(z.enum(REFERRAL_REASONS))
    .min(1)
    .max(REFERRAL_REASONS.length)
    .superRefine((values, ctx) => {
      const seen = new Set<string>();
      values.forEach((v, i) => {
        if (seen.has(v)) ctx.addIssue({ code: 'custom', path: [i], ...says('duplicate value', '重复的值') });
        seen.add(v);
      });
    }),
  priority: z.enum(REFERRAL_PRIORITIES).meta({ description: 'FHIR priority; stat (a crisis) may go without an agreement under open emergency access' }),
  basedOn: referralIdParam.optional().meta({ description: 'The referral this one answers (a referral back after discharge)' }),
  note: z.string().trim().min(1).max(2000).optional().meta({ description: 'Free text for the owner (sealed)' }),
});
export type ReferralInput = z.output<typeof referralBody>;

export const transitionBody = z
  .strictObject({
    to: z.enum(REFERRAL_STATUSES),
    reason: z.enum(REFERRAL_STATUS_REASONS).optional().meta({ description: 'Required to reject or fail (Task.statusReason)' }),
    outcome: z.enum(REFERRAL_OUTCOMES).optional().meta({ description: 'Required to complete' }),
  })
  .superRefine((t, ctx) => {
    if ((t.to === 'rejected' || t.to === 'failed') && !t.reason)
      ctx.addIssue({ code: 'custom', path: ['reason'], ...says('required for this move', '此操作须填写原因') });
    if (t.to === 'completed' && !t.outcome) ctx.addIssue({ code: 'custom', path: ['outcome'], ...says('required to complete', '完成时须填写结果') });
    if (t.outcome && t.to !== 'completed') ctx.addIssue({ code: 'custom', path: ['outcome'], ...says('only when completing', '仅在完成时填写') });
  });
export type TransitionInput = z.output<typeof transitionBody>;

export const referralsQuery = z.strictObject({
  as: z.enum(['requester', 'owner']),
  status: z.enum(REFERRAL_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(2048).optional(),
});

const transitionView = z.object({
  seq: z.number().int(),
  from: z.enum(REFERRAL_STATUSES),
  to: z.enum(REFERRAL_STATUSES),
  by: z.enum(['requester', 'owner']),
  at: z.iso.datetime(),
  reason: z.string().optional(),
  outcome: z.string().optional(),
});

export const referralView = z
  .object({
    referralId: referralIdParam,
    caseId: caseIdParam,
    requester: z.string(),
    owner: z.string(),
    reasons: z.array(z.enum(REFERRAL_REASONS)),
    priority: z.enum(REFERRAL_PRIORITIES),
    basedOn: referralIdParam.optional(),
    status: z.enum(REFERRAL_STATUSES),
    statusReason: z.string().optional(),
    outcome: z.string().optional(),
    acknowledgeBy: z.iso.datetime(),
    firstContactBy: z.iso.datetime(),
    childView: z.string().optional().meta({ description: "The child's own view, from the guardian's agreement" }),
    emergency: z.boolean().optional().meta({ description: 'A crisis referral made under emergency access, without an agreement' }),
    note: z.string().optional(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    startedAt: z.iso
      .datetime()
      .optional()
      .meta({ description: 'FHIR Task.executionPeriod.start: when the owner first moved it to in-progress (first contact with the child)' }),
    version: z.number().int(),
    allowedMoves: z.array(z.enum(REFERRAL_STATUSES)).meta({ description: 'What you may move it to now' }),
    transitions: z.array(transitionView).optional(),
    chain: z
      .array(
        z.object({ referralId: referralIdParam, requester: z.string(), owner: z.string(), status: z.enum(REFERRAL_STATUSES), basedOn: z.string().optional() }),
      )
      .optional()
      .meta({ description: 'The referrals this one answers and those that answer it (two-way referral), oldest first' }),
  })
  .meta({ id: 'Referral' });

export const referralsResponse = z.object({ items: z.array(referralView), cursor: z.string().optional() }).meta({ id: 'Referrals' });
