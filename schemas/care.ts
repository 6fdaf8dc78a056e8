/** API schemas of the care loop (docs/care-loop.md): service agreements, the worklist, care teams. */
import * as z from 'zod';
import { GUARDIAN_RELATIONS } from './child-record';
import { caseIdParam, says } from './common';
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
export const WORK_KINDS = [
  'key_recipient_proposal',
  're_refer_or_close',
  'follow_up_contact_due',
  'care_plan_activity_due',
  'care_plan_review_due',
  'referral_acknowledge_due',
  'referral_start_due',
  'assign_paired_carer',
  'high_risk_without_plan',
  'high_risk_without_carer',
] as const;
export type WorkKind = (typeof WORK_KINDS)[number];

export const worklistQuery = z.strictObject({
  status: z.enum(['open', 'done']).default('open'),
  due: z
    .enum(['overdue', 'soon', 'all'])
    .optional()
    .meta({ description: 'Only open work that is due: overdue, due soon (province worklistSoonDays), or all of it; most overdue first' }),
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
    daysOverdue: z.number().int().min(0).optional().meta({ description: 'Whole days past due, for work that is due' }),
    status: z.enum(['open', 'done']),
    closedAt: z.iso.datetime().optional(),
    detail: z.record(z.string(), z.string()).optional().meta({ description: 'Codes only' }),
  })
  .meta({ id: 'WorkItem' });

export const worklistResponse = z.object({ items: z.array(workItemView), cursor: z.string().optional() }).meta({ id: 'Worklist' });

/** Care-team roles named by the 2023 opinions and local practice (成长导师, 互助伙伴, 结对关爱, 儿童主任, 儿童督导员, …). */
export const CARE_TEAM_ROLES = [
  'growth_mentor',
  'peer_partner',
  'paired_carer',
  'children_director',
  'child_supervisor',
  'psych_teacher',
  'social_worker',
  'volunteer',
  'psychiatrist',
] as const;
export const CARE_TEAM_END_REASONS = ['completed', 'reassigned', 'child_exited', 'member_left', 'other'] as const;

export const memberIdParam = z
  .string()
  .regex(/^ctm_[0-9A-HJKMNP-TV-Z]{26}$/, { message: 'must be a care-team member id (ctm_ and 26 characters)' })
  .meta({ description: 'Care-team member id' });

const staffId = z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, { message: "an opaque staff id of the member's agency (letters, digits, . _ : -), never a name" });

export const careTeamMemberBody = z
  .strictObject({
    role: z.enum(CARE_TEAM_ROLES),
    agencyId: z
      .string()
      .min(3)
      .max(64)
      .optional()
      .meta({ description: "The member's agency; default yours (another agency's member: the coordinating role only)" }),
    staffId: staffId
      .optional()
      .meta({ description: 'Required for every role but peer_partner; refused for a peer partner (another child: nothing identifies them)' }),
    start: z.iso.date().optional().meta({ description: 'Default today' }),
    end: z.iso.date().optional().meta({ description: 'Planned end, when known' }),
  })
  .superRefine((m, ctx) => {
    if (m.role === 'peer_partner' && m.staffId !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['staffId'],
        ...says('a peer partner is another child: store nothing that identifies them', '互助伙伴为其他儿童，不得记录任何可识别其身份的信息'),
      });
    }
    if (m.role !== 'peer_partner' && m.staffId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['staffId'], ...says('required for this role', '该角色须填写经办人编号') });
    }
    if (m.start && m.end && m.end < m.start) ctx.addIssue({ code: 'custom', path: ['end'], ...says('must not be before start', '不能早于开始日期') });
  });
export type CareTeamMemberInput = z.output<typeof careTeamMemberBody>;

export const endMemberBody = z.strictObject({ reason: z.enum(CARE_TEAM_END_REASONS) });

export const careTeamMemberView = z
  .object({
    memberId: memberIdParam,
    caseId: caseIdParam,
    role: z.enum(CARE_TEAM_ROLES),
    agencyId: z.string().meta({ description: 'Your agency, or `holder:N` unless consent lets you know who' }),
    staffId: z.string().optional().meta({ description: "Only to the member's own agency and the coordinating role" }),
    start: z.iso.date(),
    end: z.iso.date().optional(),
    status: z.enum(['active', 'planned', 'ended']).meta({ description: 'By the date in China Standard Time' }),
    endedAt: z.iso.datetime().optional(),
    endReason: z.enum(CARE_TEAM_END_REASONS).optional(),
  })
  .meta({ id: 'CareTeamMember' });

export const careTeamResponse = z.object({ caseId: caseIdParam, items: z.array(careTeamMemberView) }).meta({ id: 'CareTeam' });
