/** Schemas of consent, the consent gate's case view, emergency access and notifications. */
import * as z from 'zod';
import { AGENCY_TYPES, agencyType, DATA_CATEGORIES, GUARDIAN_RELATIONS } from './child-record';
import { PURPOSES } from './signed-request';
import { caseIdParam, consentIdParam, says } from './common';
import { assessmentStateView } from './assessments';

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

/** Named agency systems a consent may list besides the five agency types. */
export const MAX_RECIPIENTS = 20;

/**
 * A non-empty list of at most `max` distinct values (as on records: a list can name each value once). The bounds
 * are checked here with field-level, bilingual messages; `minItems`/`maxItems` describe them in the OpenAPI document.
 */
function distinctList<T extends z.ZodType>(item: T, max: number, key: (v: z.output<T>) => string = (v) => JSON.stringify(v)) {
  return z
    .array(item)
    .superRefine((values, ctx) => {
      if (values.length === 0) ctx.addIssue({ code: 'custom', ...says('must name at least one value', '至少填写一项') });
      if (values.length > max) ctx.addIssue({ code: 'custom', ...says(`at most ${max} values`, `最多 ${max} 项`) });
      const seen = new Set<string>();
      values.forEach((v, i) => {
        const k = key(v);
        if (seen.has(k)) ctx.addIssue({ code: 'custom', path: [i], ...says('duplicate value', '重复的值') });
        seen.add(k);
      });
    })
    .meta({ minItems: 1, maxItems: max, uniqueItems: true });
}

/** Clock skew allowed between an agency system and the hub for `evidence.collectedAt`. */
const SKEW_MS = 5 * 60_000;

export const evidence = z
  .strictObject({
    documentRef: z.string().trim().min(1).max(128).meta({ description: "Reference of the signed consent form in the agency's files (kept sealed)" }),
    sha256: z
      .string()
      .superRefine((v, ctx) => {
        if (!/^[0-9a-fA-F]{64}$/.test(v)) {
          ctx.addIssue({
            code: 'custom',
            ...says('must be the SHA-256 of the signed form: 64 hexadecimal characters', '须为签署文件的 SHA-256 摘要（64 位十六进制）'),
          });
        }
      })
      .transform((v) => v.toLowerCase())
      .meta({ description: 'SHA-256 of the signed consent form, 64 hex characters (stored lower case)', pattern: '^[0-9a-fA-F]{64}$' }),
    collectedBy: z.string().trim().min(1).max(128).meta({ description: 'Staff member who collected it' }),
    collectedAt: z.iso.datetime({ offset: true }).meta({ description: 'When the signed form was collected; not in the future' }),
  })
  .superRefine((e, ctx) => {
    if (Date.parse(e.collectedAt) > Date.now() + SKEW_MS) {
      ctx.addIssue({ code: 'custom', path: ['collectedAt'], ...says('must not be in the future', '不能晚于当前时间') });
    }
  });

export const consentBody = z
  .strictObject({
    caseId,
    grantor,
    purposes: distinctList(purpose, PURPOSES.length),
    dataCategories: distinctList(dataCategory, DATA_CATEGORIES.length),
    recipients: distinctList(recipient, AGENCY_TYPES.length + MAX_RECIPIENTS, (r) => ('agencyId' in r ? `id:${r.agencyId}` : `type:${r.agencyType}`)),
    validFrom: z.iso.datetime({ offset: true }),
    validUntil: z.iso.datetime({ offset: true }),
    evidence,
  })
  .superRefine((c, ctx) => {
    if (Date.parse(c.validUntil) <= Date.parse(c.validFrom)) {
      ctx.addIssue({ code: 'custom', path: ['validUntil'], ...says('must be after validFrom', '须晚于 validFrom') });
    }
  })
  .meta({ id: 'ConsentInput' });
export type ConsentInput = z.output<typeof consentBody>;

export const withdrawBody = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() });
export const confirmBody = z
  .strictObject({
    withdraw: z
      .boolean()
      .optional()
      .meta({ description: 'true: take back an earlier confirmation (the consent stops covering your records on the next request)' }),
  })
  .meta({ id: 'ConsentConfirmation' });
export const consentsQuery = z.strictObject({ caseId });

const holderRef = z
  .string()
  .meta({ description: 'Your own agency system id, or another holder as `holder:N` (the labels of the case view) unless it may be identified' });

export const confirmResponse = z
  .object({
    consentId: consentIdParam,
    caseId,
    confirmation: z.enum(['confirmed', 'withdrawn']),
    at: z.iso.datetime().meta({ description: 'When this holder confirmed, or took its confirmation back' }),
  })
  .meta({ id: 'ConsentConfirmationResult' });
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
    recordedBy: holderRef,
    recordedAt: z.iso.datetime(),
    withdrawnAt: z.iso.datetime().optional(),
    withdrawnBy: holderRef.optional(),
    confirmations: z.array(z.object({ holder: holderRef, confirmedAt: z.iso.datetime() })).meta({ description: 'Holders that confirmed it and still do' }),
    yourRecords: z.enum(['recorded', 'confirmed', 'civil_affairs_guardian', 'not_confirmed']).meta({
      description:
        'Whether this consent covers your own records: you recorded or confirmed it, civil affairs recorded it as guardian, or not (confirm it to let it)',
    }),
  })
  .meta({ id: 'Consent' });

export const emergencyListed = z
  .object({ grantId: z.string(), caseId, agency: holderRef, openedAt: z.iso.datetime(), expiresAt: z.iso.datetime() })
  .meta({ id: 'EmergencyGrantListed' });
export const caseConsentsResponse = z.object({ consents: z.array(consentView), emergencies: z.array(emergencyListed) }).meta({ id: 'CaseConsents' });

export const emergencyBody = z.strictObject({
  reason: z.string().trim().min(10).max(1000).meta({ description: 'The crisis, in a sentence or two (kept sealed)' }),
  hours: z.number().int().min(1).max(168).optional().meta({ description: 'How long; the province default (72 h) when omitted' }),
});

export const WITHHELD_REASONS = ['NO_CONSENT', 'NOT_CONFIRMED', 'WITHDRAWN', 'EXPIRED', 'PURPOSE_NOT_COVERED', 'RECIPIENT_NOT_COVERED'] as const;
export const withheldEntry = z.object({
  agency: z.string().meta({ description: 'The holding agency; an opaque holder:N label unless a case_coordination consent reveals it' }),
  category: dataCategory,
  reason: z.enum(WITHHELD_REASONS),
});

export const caseViewResponse = z
  .object({
    caseId,
    purpose,
    assessment: assessmentStateView.meta({
      description: 'Where the child stands in identification and assessment (never_assessed differs from identified_healthy)',
    }),
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
