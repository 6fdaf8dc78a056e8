/**
 * Province configuration: one file per province under config/provinces/,
 * validated here. It drives the CDK stack (one per province) and the agency
 * registry that the hub verifies signatures against. Public keys only.
 */
import * as z from 'zod';
import { agencyType } from './child-record';
import { ALLOWED_ALGORITHMS } from './signed-request';
import { regionCode } from './common';
import { listSynonymsConfig } from './list-synonyms';

const okpPublicJwk = z.strictObject({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
});
const ecPublicJwk = z.strictObject({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  y: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
});

export const agencyKeyConfig = z.strictObject({
  kid: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/),
  alg: z.enum(ALLOWED_ALGORITHMS),
  status: z.enum(['active', 'revoked']).default('active'),
  publicJwk: z.discriminatedUnion('kty', [okpPublicJwk, ecPublicJwk]),
  addedOn: z.iso.date().optional(),
  revokedOn: z.iso.date().optional(),
});

export const agencySystemConfig = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{2,63}$/, { message: 'lower-case letters, digits and -, 3 to 64 characters' }),
  type: agencyType,
  name: z.strictObject({ zh: z.string().min(1), en: z.string().min(1) }),
  status: z.enum(['active', 'suspended']).default('active'),
  keys: z.array(agencyKeyConfig).min(1),
  /** Where the hub posts this system's notifications, signed (docs/protocol.md "Webhooks"); without it, the system reads the feed. */
  webhook: z
    .strictObject({
      url: z
        .url()
        .max(512)
        .refine((u) => {
          if (!URL.canParse(u)) return false;
          const url = new URL(u);
          // https only; plain http to this machine only, for npm start and the tests.
          return url.protocol === 'https:' || (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname));
        }, 'an https URL (http only to 127.0.0.1 or localhost)')
        .refine((u) => !URL.canParse(u) || (!new URL(u).username && !new URL(u).password), 'no credentials in the URL'),
    })
    .optional(),
});
export type AgencySystemConfig = z.infer<typeof agencySystemConfig>;

/** A privacy officer's key pair: officers read audit data and reports, and are not agency systems. */
export const officerConfig = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{2,63}$/, { message: 'lower-case letters, digits and -, 3 to 64 characters' }),
  name: z.strictObject({ zh: z.string().min(1), en: z.string().min(1) }),
  status: z.enum(['active', 'suspended']).default('active'),
  keys: z.array(agencyKeyConfig).min(1),
});

/** When a referral of one priority must be acknowledged (received) and the child first seen. */
const referralDeadline = z
  .strictObject({
    acknowledgeHours: z.number().int().min(1).max(720).optional().meta({ description: 'Acknowledge within this many hours (clock time)' }),
    acknowledgeWorkingDays: z
      .number()
      .int()
      .min(1)
      .max(30)
      .optional()
      .meta({ description: 'Acknowledge within this many working days (Monday to Friday, China Standard Time; public holidays are not modelled)' }),
    firstContactDays: z.number().int().min(1).max(90).meta({ description: 'First contact with the child within this many days of the request' }),
  })
  .refine((d) => (d.acknowledgeHours === undefined) !== (d.acknowledgeWorkingDays === undefined), {
    message: 'give exactly one of acknowledgeHours and acknowledgeWorkingDays',
  });

const riskLevelCode = z.string().regex(/^[a-z][a-z0-9_]{1,31}$/, { message: 'lower-case code, 2 to 32 characters' });

/** The care loop's province settings (docs/care-loop.md). */
export const careConfig = z
  .strictObject({
    riskScale: z
      .array(riskLevelCode)
      .min(2)
      .max(10)
      .refine((levels) => new Set(levels).size === levels.length, { message: 'each level once' })
      .default(['low', 'medium', 'high', 'crisis'])
      .meta({ description: 'Risk levels of an assessment, lowest first (the order decides what a rise is)' }),
    referralDeadlines: z
      .strictObject({ routine: referralDeadline, urgent: referralDeadline, asap: referralDeadline, stat: referralDeadline })
      .default({
        routine: { acknowledgeWorkingDays: 1, firstContactDays: 7 },
        urgent: { acknowledgeHours: 2, firstContactDays: 2 },
        asap: { acknowledgeHours: 1, firstContactDays: 1 },
        stat: { acknowledgeHours: 1, firstContactDays: 1 },
      })
      .meta({ description: 'Deadlines by referral priority (FHIR Task.priority), stored on each referral when it is made' }),
    followUpIntervalDays: z
      .record(riskLevelCode, z.number().int().min(1).max(365))
      .default({ low: 90, medium: 30, high: 14, crisis: 7 })
      .meta({ description: "Days from one follow-up contact to the next, by the child's latest risk level (every level of riskScale)" }),
    followUpUnassessedDays: z
      .number()
      .int()
      .min(1)
      .max(365)
      .default(30)
      .meta({ description: 'Days to the next follow-up contact when the child has no risk level (never assessed, or identified healthy)' }),
    carerAssignDays: z
      .number()
      .int()
      .min(1)
      .max(90)
      .default(7)
      .meta({ description: 'After a discharge, the coordinating role assigns a paired carer within this many days (结对关爱)' }),
    highRiskLevels: z
      .number()
      .int()
      .min(1)
      .max(5)
      .default(2)
      .meta({ description: 'How many of the top levels of riskScale count as high risk (default 2: high and crisis)' }),
    highRiskCareDays: z
      .number()
      .int()
      .min(1)
      .max(90)
      .default(7)
      .meta({ description: 'A key recipient at high risk should have an active care plan and a care-team member within this many days' }),
    worklistSoonDays: z.number().int().min(1).max(30).default(3).meta({ description: 'What `GET /v1/worklist?due=soon` calls soon, in days' }),
    overdueAlarmThreshold: z
      .number()
      .int()
      .min(1)
      .default(25)
      .meta({ description: 'The OverdueItems alarm fires when one run of the overdue job finds at least this many overdue items' }),
  })
  .superRefine((care, ctx) => {
    for (const level of care.riskScale) {
      if (care.followUpIntervalDays[level] === undefined) {
        ctx.addIssue({ code: 'custom', path: ['followUpIntervalDays', level], message: 'every risk level needs a follow-up interval' });
      }
    }
    for (const level of Object.keys(care.followUpIntervalDays)) {
      if (!care.riskScale.includes(level)) ctx.addIssue({ code: 'custom', path: ['followUpIntervalDays', level], message: 'not a level of riskScale' });
    }
  })
  .prefault({});
export type CareConfig = z.output<typeof careConfig>;

export const provinceConfig = z
  .strictObject({
    provinceCode: regionCode.refine((c) => c.endsWith('0000'), { message: 'must be a province-level code ending in 0000' }),
    name: z.strictObject({ zh: z.string().min(1), en: z.string().min(1) }),
    hubId: z.string().regex(/^xinqiao-\d{6}$/, { message: 'must be xinqiao-<provinceCode>' }),
    deployment: z.strictObject({
      account: z
        .string()
        .regex(/^\d{12}$/)
        .optional(),
      region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: 'must be an AWS region such as cn-northwest-1' }),
    }),
    coordinatingAgencyType: agencyType.default('civil_affairs'),
    alerts: z
      .strictObject({
        windowMinutes: z.number().int().min(1).max(60).default(5),
        readsPerAgency: z.number().int().min(1).default(500).meta({ description: 'Case and record reads by one agency system within the window' }),
        readsPerStaff: z.number().int().min(1).default(60).meta({ description: 'Case and record reads by one staff member (sub) within the window' }),
        deniedPerAgency: z.number().int().min(1).default(30),
        failedSignatures: z.number().int().min(1).default(3).meta({ description: 'Failed signatures presenting a known agency key within the window' }),
      })
      .prefault({}),
    console: z
      .strictObject({
        staticSite: z.boolean().default(false).meta({
          description:
            'Also deploy the officers console as a static site (private S3 bucket behind CloudFront, CORS on the API) outside the China regions; in cn-north-1 and cn-northwest-1 it adds nothing (no origin access control there). Off by default: the console is always served by the API at /console.',
        }),
      })
      .prefault({}),
    auditRetentionDays: z.number().int().min(1095).default(1095).meta({ description: 'Audit events expire after this (at least 3 years); digests never do' }),
    auditDigestMinutes: z.number().int().min(1).max(1440).default(15).meta({ description: 'How often a signed digest of the audit chain heads is sealed' }),
    emergencyAccessHours: z
      .number()
      .int()
      .min(1)
      .max(168)
      .default(72)
      .meta({ description: 'How long emergency access lasts unless the request asks for less' }),
    care: careConfig,
    api: z
      .strictObject({
        rateLimitPerSecond: z.number().int().min(1).max(10_000).default(50),
        burstLimit: z.number().int().min(1).max(5_000).default(100),
      })
      .prefault({}),
    logRetentionDays: z.union([z.literal(30), z.literal(90), z.literal(180), z.literal(365), z.literal(731), z.literal(1827), z.literal(3653)]).default(365),
    listSynonyms: listSynonymsConfig.optional().meta({
      description:
        'Spellings of list values this province adds to the defaults (schemas/list-synonyms.ts), e.g. {"categories": {"低保五保": "low_income_family"}}',
    }),
    agencies: z.array(agencySystemConfig).min(1),
    officers: z.array(officerConfig).default([]),
  })
  .superRefine((cfg, ctx) => {
    if (cfg.hubId !== `xinqiao-${cfg.provinceCode}`) {
      ctx.addIssue({ code: 'custom', path: ['hubId'], message: `must be xinqiao-${cfg.provinceCode}` });
    }
    const ids = new Set<string>();
    const kids = new Set<string>();
    cfg.officers.forEach((officer, i) => {
      if (ids.has(officer.id)) ctx.addIssue({ code: 'custom', path: ['officers', i, 'id'], message: 'duplicate id' });
      ids.add(officer.id);
      officer.keys.forEach((key, j) => {
        if (kids.has(key.kid)) ctx.addIssue({ code: 'custom', path: ['officers', i, 'keys', j, 'kid'], message: 'duplicate kid' });
        kids.add(key.kid);
      });
    });
    cfg.agencies.forEach((agency, i) => {
      if (ids.has(agency.id)) ctx.addIssue({ code: 'custom', path: ['agencies', i, 'id'], message: 'duplicate agency id' });
      ids.add(agency.id);
      agency.keys.forEach((key, j) => {
        if (kids.has(key.kid)) ctx.addIssue({ code: 'custom', path: ['agencies', i, 'keys', j, 'kid'], message: 'duplicate kid' });
        kids.add(key.kid);
        const expected = key.alg === 'EdDSA' ? 'OKP' : 'EC';
        if (key.publicJwk.kty !== expected) {
          ctx.addIssue({ code: 'custom', path: ['agencies', i, 'keys', j, 'publicJwk', 'kty'], message: `${key.alg} needs a ${expected} key` });
        }
      });
    });
  });
export type ProvinceConfig = z.output<typeof provinceConfig>;

/** The part of the province config that the Lambdas need at run time (public keys, no secrets). */
export type AgencyRegistryConfig = Pick<ProvinceConfig, 'provinceCode' | 'hubId' | 'agencies'> &
  Partial<Pick<ProvinceConfig, 'coordinatingAgencyType' | 'emergencyAccessHours' | 'officers' | 'alerts' | 'care' | 'listSynonyms'>>;

/** Formats zod issues as `path: message` lines, naming the field. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('\n');
}
