/**
 * Child record v1: what an agency system publishes about one child on its list.
 *
 * Inbound schemas are strict: an unknown field is rejected with its path.
 * `FIELD_CATEGORIES` maps every top-level field to the data category that
 * consent decisions are made on; every personal field is encrypted at rest.
 */
import * as z from 'zod';
import { idNumber, pastDate, phone, regionCode, text } from './common';

export const CHILD_RECORD_SCHEMA_VERSION = 1;

export const AGENCY_TYPES = ['civil_affairs', 'education', 'health', 'youth_league', 'womens_federation'] as const;
export const agencyType = z.enum(AGENCY_TYPES);
export type AgencyType = z.infer<typeof agencyType>;

/** Categories of children in difficulty named by the 2023 guidance and local practice. */
export const CHILD_CATEGORIES = [
  'orphan', // 孤儿
  'de_facto_unsupported', // 事实无人抚养儿童
  'left_behind', // 留守儿童
  'migrant', // 流动儿童
  'low_income_family', // 低收入家庭
  'serious_illness_or_disability', // 重病重残
  'single_parent_family', // 单亲家庭
  'sudden_family_change', // 家庭突发变故
] as const;
export const childCategory = z.enum(CHILD_CATEGORIES);

/** Risk levels from assessment (风险等级). */
export const RISK_LEVELS = ['none', 'low', 'medium', 'high', 'crisis'] as const;
export const riskLevel = z.enum(RISK_LEVELS);

export const GUARDIAN_RELATIONS = ['father', 'mother', 'grandparent', 'sibling', 'other_relative', 'entrusted_carer', 'institution', 'other'] as const;

const guardian = z.strictObject({
  name: text(64),
  phone: phone.optional(),
  relation: z.enum(GUARDIAN_RELATIONS),
});

const assessment = z.strictObject({
  assessedOn: pastDate,
  instrument: text(64).optional(),
  riskLevel: riskLevel.optional(),
  riskFactors: z
    .array(z.enum(['academic_pressure', 'economic_hardship', 'family_change', 'rights_infringed', 'lack_of_companionship', 'migration_adaptation', 'other']))
    .max(16)
    .optional(),
  summary: text(4000).optional(),
  assessor: text(64).optional(),
});

const treatment = z.strictObject({
  institution: text(128),
  diagnosis: text(256).optional(),
  admittedOn: pastDate.optional(),
  dischargedOn: pastDate.optional(),
  referralOutcome: z.enum(['accepted', 'declined', 'completed', 'pending']).optional(),
  notes: text(4000).optional(),
});

const hotline = z.strictObject({
  contactedAt: z.iso.datetime({ offset: true }),
  channel: z.enum(['phone_12355', 'online', 'walk_in', 'other']),
  callerRelation: z.enum(['self', 'guardian', 'teacher', 'other']).optional(),
  summary: text(4000).optional(),
});

const family = z.strictObject({
  situation: text(2000).optional(),
  guardianSupport: z.enum(['adequate', 'limited', 'none']).optional(),
  notes: text(4000).optional(),
});

export const childRecordV1 = z
  .strictObject({
    externalId: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9._:-]+$/, { message: 'may contain letters, digits and . _ : - only' })
      .meta({ description: "The agency's own identifier for this child; publishing twice with the same id updates the record" }),
    name: text(64).meta({ description: 'Full name as registered (Chinese characters or transliteration)' }),
    // Optional: hotline (12355) records often carry only partial identity.
    sex: z.enum(['M', 'F']).optional(),
    birthDate: pastDate.optional(),
    idNumber: idNumber.optional(),
    householdRegion: regionCode.optional().meta({ description: 'Household registration (户籍地) division code' }),
    currentRegion: regionCode.optional().meta({ description: 'Current residence (现居住地) division code' }),
    address: text(256).optional(),
    guardian: guardian.optional(),
    school: text(128).optional(),
    categories: z.array(childCategory).max(8).default([]),
    riskLevel: riskLevel.optional(),
    assessment: assessment.optional(),
    treatment: treatment.optional(),
    hotline: hotline.optional(),
    family: family.optional(),
  })
  .meta({ id: 'ChildRecordV1', description: 'Child record, schema version 1' });

/** The record as validated and normalised (identity number always 18 characters). */
export type ChildRecordV1 = z.output<typeof childRecordV1>;
export type ChildRecordField = keyof ChildRecordV1;

/** Data categories that consent is given for. */
export const DATA_CATEGORIES = ['identity', 'contact', 'family', 'school', 'assessment', 'diagnosis_treatment', 'hotline'] as const;
export type DataCategory = (typeof DATA_CATEGORIES)[number];

/** Which consent category each field belongs to; exhaustive by type. */
export const FIELD_CATEGORIES: Readonly<Record<ChildRecordField, DataCategory>> = {
  externalId: 'identity',
  name: 'identity',
  sex: 'identity',
  birthDate: 'identity',
  idNumber: 'identity',
  householdRegion: 'identity',
  currentRegion: 'contact',
  address: 'contact',
  guardian: 'family',
  school: 'school',
  categories: 'assessment',
  riskLevel: 'assessment',
  assessment: 'assessment',
  treatment: 'diagnosis_treatment',
  hotline: 'hotline',
  family: 'family',
};
