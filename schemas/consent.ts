/** Schemas of consent, the consent gate's case view, emergency access and notifications. */
import * as z from 'zod';
import { agencyType, DATA_CATEGORIES, GUARDIAN_RELATIONS } from './child-record';
import { PURPOSES } from './signed-request';
import { caseIdParam, consentIdParam } from './common';

const caseId = caseIdParam;
export const purpose = z.enum(PURPOSES);
export const dataCategory = z.enum(DATA_CATEGORIES);

export const grantor = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('guardian'), name: z.string().trim().min(1).max(64), relation: z.enum(GUARDIAN_RELATIONS) }),
  z.strictObject({ type: z.literal('child'), name: z.string().trim().min(1).max(64).meta({ description: 'The child, 14 or older, where the law allows' }) }),
  z.strictObject({
    type: z.literal('civil_affairs_guardian'),
    institution: z.string().trim().min(1).max(128).meta({ description: 'Civil affairs acting as guardian (child in its institution)' }),
  }),
]);

export const recipient = z.union([z.strictObject({ agencyType }), z.strictObject({ agencyId: z.string().min(3).max(64) })]);

export const consentBody = z
  .strictObject({
    caseId,
    grantor,
    purposes: z.array(purpose).min(1),
    dataCategories: z.array(dataCategory).min(1),
    recipients: z.array(recipient).min(1).max(20),
    validFrom: z.iso.datetime({ offset: true }),
    validUntil: z.iso.datetime({ offset: true }),
    evidence: z.strictObject({
      documentRef: z.string().trim().min(1).max(128),
      sha256: z.string().regex(/^[0-9a-f]{64}$/, { message: 'must be the hex SHA-256 of the signed document' }),
      collectedBy: z.string().trim().min(1).max(128).meta({ description: 'Staff member who collected it' }),
      collectedAt: z.iso.datetime({ offset: true }),
    }),
  })
  .refine((c) => c.validUntil > c.validFrom, { path: ['validUntil'], message: 'must be after validFrom' })
  .meta({ id: 'ConsentInput' });
export type ConsentInput = z.output<typeof consentBody>;

export const withdrawBody = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() });
export const consentsQuery = z.strictObject({ caseId });

export const consentView = z
  .object({
    consentId: consentIdParam,
    caseId,
    status: z.enum(['active', 'withdrawn', 'expired', 'not_yet_valid']),
    grantorType: z.enum(['guardian', 'child', 'civil_affairs_guardian']),
    purposes: z.array(purpose),
    dataCategories: z.array(dataCategory),
    recipients: z.array(recipient),
    validFrom: z.iso.datetime({ offset: true }),
    validUntil: z.iso.datetime({ offset: true }),
    evidenceSha256: z.string(),
    recordedBy: z.string(),
    recordedAt: z.iso.datetime(),
    withdrawnAt: z.iso.datetime().optional(),
    withdrawnBy: z.string().optional(),
  })
  .meta({ id: 'Consent' });

export const emergencyBody = z.strictObject({
  reason: z.string().trim().min(10).max(1000).meta({ description: 'The crisis, in a sentence or two (kept sealed)' }),
  hours: z.number().int().min(1).max(168).optional().meta({ description: 'How long; the province default (72 h) when omitted' }),
});

export const WITHHELD_REASONS = ['NO_CONSENT', 'WITHDRAWN', 'EXPIRED', 'PURPOSE_NOT_COVERED', 'RECIPIENT_NOT_COVERED'] as const;
export const withheldEntry = z.object({
  agency: z.string().meta({ description: 'The holding agency; an opaque holder:N label unless a case_coordination consent reveals it' }),
  category: dataCategory,
  reason: z.enum(WITHHELD_REASONS),
});

export const caseViewResponse = z
  .object({
    caseId,
    purpose,
    records: z.array(
      z.object({
        recordId: z.string(),
        holder: z.string(),
        agencyType: agencyType.optional(),
        holderName: z
          .object({ zh: z.string(), en: z.string() })
          .optional()
          .meta({ description: 'The holding agency system, by its registered name (contact point), once holders may be identified' }),
        own: z.boolean(),
        legalBasis: z.enum(['own_record', 'consent', 'emergency']),
        consentIds: z.array(consentIdParam),
        fields: z.record(z.string(), z.unknown()),
      }),
    ),
    withheld: z.array(withheldEntry),
  })
  .meta({ id: 'CaseView' });
