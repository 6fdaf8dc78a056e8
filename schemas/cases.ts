/** Schemas of the cases routes: ledger, reviews, merge, split, history. */
import * as z from 'zod';
import { assessmentStateView } from './assessments';
import { keyRecipientStatusView } from './key-recipients';
import { agencyType, childCategory, riskLevel } from './child-record';
import { caseIdParam, recordIdParam, regionCode, reviewIdParam } from './common';

const reason = z.string().trim().min(1).max(500).meta({ description: 'Why (kept sealed; shown only to officers)' });
const limit = z.coerce.number().int().min(1).max(500).default(100);

export const ledgerQuery = z.strictObject({
  region: regionCode.optional().meta({ description: 'County code, or a prefecture (....00) or province (..0000) code for all below it' }),
  category: childCategory.optional(),
  riskLevel: riskLevel.optional(),
  agencyType: agencyType.optional(),
  keyRecipient: z
    .enum(['active', 'exited', 'never'])
    .optional()
    .meta({ description: 'Key recipients now (active), once (exited), or never enrolled (重点关爱服务对象台账)' }),
  format: z.enum(['json', 'csv']).default('json'),
  limit,
  cursor: z.string().max(2048).optional(),
});
export type LedgerQuery = z.output<typeof ledgerQuery>;

export const ledgerRow = z
  .object({
    caseId: caseIdParam,
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    memberCount: z.number().int(),
    categories: z.array(childCategory),
    highestRisk: riskLevel.optional(),
    agencyTypes: z.record(z.string(), z.iso.datetime()).meta({ description: 'Agency type -> since when it holds a record in the case' }),
    regions: z.array(regionCode),
    partial: z.boolean().meta({ description: 'Some of the case’s data is left out: no case_coordination consent covers it for the coordinating agency' }),
    assessment: assessmentStateView.optional(),
    keyRecipient: keyRecipientStatusView.optional(),
  })
  .meta({ id: 'LedgerRow' });

export const ledgerResponse = z.object({ items: z.array(ledgerRow), cursor: z.string().optional() }).meta({ id: 'Ledger' });

export const reviewsQuery = z.strictObject({
  status: z.enum(['pending', 'confirmed', 'rejected']).default('pending'),
  limit,
  cursor: z.string().max(2048).optional(),
});

export const reviewView = z
  .object({
    reviewId: reviewIdParam,
    status: z.enum(['pending', 'confirmed', 'rejected']),
    createdAt: z.iso.datetime(),
    recordId: recordIdParam,
    caseId: caseIdParam,
    candidateRecordId: recordIdParam,
    candidateCaseId: caseIdParam,
    weight: z.number(),
    explanation: z.object({
      weight: z.number(),
      decision: z.string(),
      veto: z.string().optional(),
      fields: z.array(z.object({ field: z.string(), level: z.string(), weight: z.number() })),
      modelVersion: z.string(),
    }),
    why: z
      .object({
        cause: z.enum(['BAND', 'VETO', 'CONFLICT', 'AMBIGUOUS', 'BRIDGE', 'SPLIT']),
        zh: z.string(),
        en: z.string(),
      })
      .optional()
      .meta({ description: 'Why the pair is in review, in words (zh-CN, then English); absent on items older than this field' }),
    decidedAt: z.iso.datetime().optional(),
    decidedBy: z.string().optional(),
  })
  .meta({ id: 'Review' });

export const reviewsResponse = z.object({ items: z.array(reviewView), cursor: z.string().optional() }).meta({ id: 'Reviews' });
export const decideReviewBody = z.strictObject({ decision: z.enum(['confirm', 'reject']), reason });
export const decideReviewResponse = z.object({ review: reviewView, caseId: caseIdParam.optional() });
export const mergeBody = z.strictObject({ otherCaseId: caseIdParam, reason });
export const mergeResponse = z.object({ caseId: caseIdParam, recordIds: z.array(recordIdParam) });
export const splitBody = z.strictObject({ recordIds: z.array(recordIdParam).min(1).max(50), reason });
export const splitResponse = z.object({ caseId: caseIdParam, newCaseId: caseIdParam });
export const caseHistoryResponse = z.object({
  caseId: caseIdParam,
  status: z.enum(['open', 'merged']),
  mergedInto: caseIdParam.optional(),
  members: z.array(
    z.object({
      recordId: recordIdParam,
      holder: z.string().meta({ description: 'The holding agency system: your own id, else `holder:N` (the case view labels) unless it may be identified' }),
      agencyType: agencyType
        .optional()
        .meta({ description: 'Only for holders that may be identified (a case_coordination consent they recorded or confirmed)' }),
      joinedAt: z.iso.datetime(),
      how: z.string(),
    }),
  ),
  events: z.array(
    z.object({
      at: z.iso.datetime(),
      type: z.string(),
      recordIds: z.array(recordIdParam),
      otherCaseId: caseIdParam.optional(),
      byAgency: z.string().optional().meta({ description: 'Who did it: your own id, else a `holder:N` label unless it may be identified' }),
      reviewId: z.string().optional(),
    }),
  ),
});
