/**
 * Batch list rows (名单): CSV columns with English or Chinese headers, and the
 * value spellings agencies use (男/女, 出生日期 formats, Chinese category names).
 * A row becomes a child record v1; only the identity number is lenient: a
 * number that fails its check digit is dropped from the record and flagged.
 */
import type { CHILD_CATEGORIES, GUARDIAN_RELATIONS, RISK_LEVELS } from './child-record';

export const LIST_COLUMNS = [
  ['externalId', '原系统编号'],
  ['name', '姓名'],
  ['sex', '性别'],
  ['birthDate', '出生日期'],
  ['idNumber', '身份证号'],
  ['householdRegion', '户籍地'],
  ['currentRegion', '现居住地'],
  ['address', '现住址'],
  ['guardianName', '监护人姓名'],
  ['guardianPhone', '监护人电话'],
  ['guardianRelation', '与儿童关系'],
  ['school', '就读学校'],
  ['categories', '儿童类别'],
  ['riskLevel', '风险等级'],
] as const;
export type ListColumn = (typeof LIST_COLUMNS)[number][0];

/** Header (English or Chinese, any case/spacing) -> column. */
export const HEADER_ALIASES: ReadonlyMap<string, ListColumn> = new Map(
  LIST_COLUMNS.flatMap(([en, zh]) => [
    [en.toLowerCase(), en],
    [zh, en],
  ]),
);

export const SEX_VALUES: Readonly<Record<string, 'M' | 'F'>> = { M: 'M', F: 'F', m: 'M', f: 'F', 男: 'M', 女: 'F' };

export const CATEGORY_NAMES_ZH: Readonly<Record<string, (typeof CHILD_CATEGORIES)[number]>> = {
  孤儿: 'orphan',
  事实无人抚养儿童: 'de_facto_unsupported',
  留守儿童: 'left_behind',
  流动儿童: 'migrant',
  低收入家庭: 'low_income_family',
  低收入家庭儿童: 'low_income_family',
  重病重残: 'serious_illness_or_disability',
  重病重残儿童: 'serious_illness_or_disability',
  单亲家庭: 'single_parent_family',
  单亲家庭儿童: 'single_parent_family',
  家庭突发变故: 'sudden_family_change',
};

export const RELATION_NAMES_ZH: Readonly<Record<string, (typeof GUARDIAN_RELATIONS)[number]>> = {
  父亲: 'father',
  母亲: 'mother',
  祖父母: 'grandparent',
  外祖父母: 'grandparent',
  爷爷: 'grandparent',
  奶奶: 'grandparent',
  外公: 'grandparent',
  外婆: 'grandparent',
  兄弟姐妹: 'sibling',
  其他亲属: 'other_relative',
  受委托照护人: 'entrusted_carer',
  机构: 'institution',
  其他: 'other',
};

export const RISK_NAMES_ZH: Readonly<Record<string, (typeof RISK_LEVELS)[number]>> = {
  无: 'none',
  低: 'low',
  低风险: 'low',
  中: 'medium',
  中风险: 'medium',
  高: 'high',
  高风险: 'high',
  危机: 'crisis',
  紧急: 'crisis',
};
