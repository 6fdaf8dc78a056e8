/** API schemas of identification and assessment (docs/care-loop.md, "Identification and assessment"). */
import * as z from 'zod';
import { caseIdParam, says } from './common';

export const RISK_FACTORS = [
  'family_conflict',
  'family_change',
  'bereavement',
  'left_behind',
  'bullying',
  'academic_pressure',
  'self_harm_history',
  'suicidal_ideation',
  'substance_use',
  'abuse_or_neglect',
  'chronic_illness',
  'social_isolation',
  'other',
] as const;
export const ASSESSMENT_STATES = ['never_assessed', 'identified_healthy', 'identified_at_risk', 'assessed'] as const;

const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

export const assessmentBody = z
  .strictObject({
    kind: z.enum(['identification', 'assessment', 'reassessment']),
    outcome: z.enum(['healthy', 'at_risk']).optional().meta({ description: 'Identification only (识别): healthy or at risk' }),
    riskLevel: z
      .string()
      .regex(/^[a-z][a-z0-9_]{1,31}$/)
      .optional()
      .meta({ description: "Assessments only: a level of the province's risk scale (default low, medium, high, crisis)" }),
    riskFactors: z
      .array(z.enum(RISK_FACTORS))
      .max(RISK_FACTORS.length)
      .default([])
      .superRefine((values, ctx) => {
        const seen = new Set<string>();
        values.forEach((v, i) => {
          if (seen.has(v)) ctx.addIssue({ code: 'custom', path: [i], ...says('duplicate value', '重复的值') });
          seen.add(v);
        });
      }),
    instrument: z.string().trim().min(1).max(64).optional().meta({ description: 'The instrument used, e.g. SDQ, PHQ-9, MHT' }),
    score: z.number().finite().min(-10_000).max(10_000).optional(),
    assessorStaffId: z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, { message: 'an opaque staff id (letters, digits, . _ : -), never a name' }),
    assessedOn: z.iso.date().meta({ description: 'Not in the future (China Standard Time)' }),
    notes: z.string().trim().min(1).max(4000).optional().meta({ description: 'Free text (sealed)' }),
  })
  .superRefine((a, ctx) => {
    if (a.kind === 'identification') {
      if (!a.outcome) ctx.addIssue({ code: 'custom', path: ['outcome'], ...says('required for an identification', '识别须填写结果') });
      if (a.riskLevel) ctx.addIssue({ code: 'custom', path: ['riskLevel'], ...says('only for an assessment', '仅评估时填写风险等级') });
    } else {
      if (!a.riskLevel) ctx.addIssue({ code: 'custom', path: ['riskLevel'], ...says('required for an assessment', '评估须填写风险等级') });
      if (a.outcome) ctx.addIssue({ code: 'custom', path: ['outcome'], ...says('only for an identification', '仅识别时填写结果') });
    }
    if (a.score !== undefined && !a.instrument)
      ctx.addIssue({ code: 'custom', path: ['instrument'], ...says('name the instrument of the score', '有评分时须填写量表名称') });
    if (a.assessedOn > today()) ctx.addIssue({ code: 'custom', path: ['assessedOn'], ...says('must not be in the future', '不能晚于今天') });
  });
export type AssessmentInput = z.output<typeof assessmentBody>;

export const assessmentStateView = z
  .object({
    state: z
      .enum([...ASSESSMENT_STATES, 'withheld'])
      .meta({ description: 'never_assessed and identified_healthy are different states; withheld: consent does not cover it' }),
    riskLevel: z.string().optional(),
    on: z.iso.date().optional(),
  })
  .meta({ id: 'AssessmentState' });

export const assessmentView = z
  .object({
    assessmentId: z.string(),
    caseId: caseIdParam,
    kind: z.enum(['identification', 'assessment', 'reassessment']),
    outcome: z.enum(['healthy', 'at_risk']).optional(),
    riskLevel: z.string().optional(),
    riskFactors: z.array(z.enum(RISK_FACTORS)),
    instrument: z.string().optional(),
    score: z.number().optional(),
    assessorStaffId: z.string().optional().meta({ description: 'Only to the recording agency' }),
    assessedOn: z.iso.date(),
    agencyId: z.string().meta({ description: 'Your agency, or `holder:N`' }),
    notes: z.string().optional(),
  })
  .meta({ id: 'Assessment' });

export const assessmentsResponse = z.object({
  caseId: caseIdParam,
  current: assessmentStateView,
  items: z.array(assessmentView).meta({ description: 'Newest first' }),
  withheld: z.array(z.object({ assessmentId: z.string(), agencyId: z.string(), reason: z.string() })),
});
