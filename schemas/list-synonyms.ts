/**
 * Value spellings in agency lists (名单取值同义词): how the coded columns of a
 * list (category, guardian relation, risk level, sex) are written in practice,
 * mapped to the hub's codes. The defaults below cover the official and the
 * colloquial spellings; a province adds its own in its config
 * (`listSynonyms`), which win over the defaults, so a new spelling needs no
 * release. A spelling mapped to `null` is understood to mean "none / not
 * known" (困境儿童 names no particular category; 性别 未知). Keys are matched
 * after `spellingKey` (NFKC so full-width forms fold, whitespace removed,
 * lower case), so 低保户, `低保户 `, ＬＩＦ and lif are all one key.
 */
import * as z from 'zod';
import { CHILD_CATEGORIES, GUARDIAN_RELATIONS, RISK_LEVELS } from './child-record';

export const LIST_VALUE_FIELDS = ['categories', 'guardianRelation', 'riskLevel', 'sex'] as const;
export type ListValueField = (typeof LIST_VALUE_FIELDS)[number];

export const LIST_VALUE_CODES = {
  categories: CHILD_CATEGORIES,
  guardianRelation: GUARDIAN_RELATIONS,
  riskLevel: RISK_LEVELS,
  sex: ['M', 'F'],
} as const satisfies Record<ListValueField, readonly string[]>;

export type ListValueCode<F extends ListValueField> = (typeof LIST_VALUE_CODES)[F][number];
export type SynonymTable<F extends ListValueField> = Readonly<Record<string, ListValueCode<F> | null>>;
export type ListSynonyms = { readonly [F in ListValueField]: SynonymTable<F> };

const PLAIN_SPELLING = /^[A-Za-z0-9\u4e00-\u9fff]*$/;

/** The key a spelling is looked up by: NFKC (full-width to half-width), no whitespace, no trailing full stop, lower case, `left_behind` = `left-behind`. */
export function spellingKey(raw: string): string {
  // Latin letters, digits and CJK unified ideographs only (most cells): NFKC leaves them as they are, nothing to strip.
  if (PLAIN_SPELLING.test(raw)) return raw.toLowerCase();
  return raw
    .normalize('NFKC')
    .replace(/[\s\u200b\u3000]/g, '')
    .replace(/[。.．]+$/u, '')
    .toLowerCase()
    .replace(/(?<=[a-z0-9])[-_](?=[a-z0-9])/g, '');
}

/** The group of spellings understood to carry no code (null). */
const NO_CODE = '(no code)';

const spellings = <F extends ListValueField>(groups: Readonly<Partial<Record<ListValueCode<F> | typeof NO_CODE, readonly string[]>>>): SynonymTable<F> => {
  const table: Record<string, ListValueCode<F> | null> = {};
  for (const [code, words] of Object.entries(groups) as [string, readonly string[]][]) {
    for (const w of words) table[spellingKey(w)] = code === NO_CODE ? null : (code as ListValueCode<F>);
  }
  return table;
};

/** The hub's default spellings. Every code also maps from itself (`left_behind`, `low-income family`, ...). */
export const DEFAULT_LIST_SYNONYMS: ListSynonyms = {
  categories: spellings<'categories'>({
    orphan: ['孤儿', '孤兒', '孤儿儿童', '孤残儿童', '社会散居孤儿', '散居孤儿', '集中供养孤儿', 'orphan', 'orphans', 'OR'],
    de_facto_unsupported: [
      '事实无人抚养儿童',
      '事實無人撫養兒童',
      '事实无人抚养',
      '事实孤儿',
      '无人抚养',
      '无人抚养儿童',
      'de_facto_unsupported',
      'de facto unsupported',
      'de-facto unsupported',
      'defacto',
      'unsupported',
      'DFU',
    ],
    left_behind: ['留守儿童', '留守兒童', '留守', '农村留守儿童', '農村留守兒童', '留守子女', 'left_behind', 'left behind', 'left-behind', 'LB', 'LBC'],
    migrant: [
      '流动儿童',
      '流動兒童',
      '流动',
      '随迁子女',
      '随迁儿童',
      '进城务工人员随迁子女',
      '外来务工子女',
      '农民工子女',
      'migrant',
      'migrants',
      'migrant child',
      'MC',
    ],
    low_income_family: [
      '低收入家庭',
      '低收入家庭儿童',
      '低收入',
      '低收入户',
      '低保',
      '低保户',
      '低保家庭',
      '低保儿童',
      '低保家庭儿童',
      '城乡低保',
      '城市低保',
      '农村低保',
      '低保边缘',
      '低保边缘家庭',
      '低边',
      '特困',
      '特困户',
      '特困供养',
      '特困人员',
      '特困儿童',
      '特困家庭',
      '五保',
      '五保户',
      '贫困',
      '贫困家庭',
      '贫困户',
      '建档立卡',
      '建档立卡贫困户',
      'low_income_family',
      'low income',
      'low-income',
      'low income family',
      'low-income family',
      'LIF',
      'LI',
      'dibao',
    ],
    serious_illness_or_disability: [
      '重病重残',
      '重病重残儿童',
      '重病',
      '重残',
      '大病',
      '大病儿童',
      '重病儿童',
      '重残儿童',
      '残疾',
      '残疾儿童',
      '殘疾兒童',
      '残障儿童',
      '残障',
      'serious_illness_or_disability',
      'serious illness',
      'disability',
      'disabled',
      'SID',
    ],
    single_parent_family: [
      '单亲家庭',
      '單親家庭',
      '单亲',
      '单亲家庭儿童',
      '单亲儿童',
      'single_parent_family',
      'single parent',
      'single-parent',
      'single parent family',
      'SPF',
    ],
    sudden_family_change: [
      '家庭突发变故',
      '突发变故',
      '家庭变故',
      '变故',
      '家庭突发变故儿童',
      'sudden_family_change',
      'sudden family change',
      'family change',
      'SFC',
    ],
    [NO_CODE]: ['困境儿童', '困境', '其他', '其它', '无', '一般', '/', '-', '—', 'none', 'other', 'n/a', 'na'],
  }),
  guardianRelation: spellings<'guardianRelation'>({
    father: ['父亲', '父親', '父', '爸爸', '生父', '父子', '父女', '继父', '养父', 'father', 'dad'],
    mother: ['母亲', '母親', '母', '妈妈', '生母', '母子', '母女', '继母', '养母', 'mother', 'mum', 'mom'],
    grandparent: [
      '祖父母',
      '外祖父母',
      '祖父',
      '祖母',
      '外祖父',
      '外祖母',
      '爷爷',
      '奶奶',
      '外公',
      '外婆',
      '姥姥',
      '姥爷',
      '祖孙',
      '(外)祖父母',
      'grandparent',
      'grandparents',
      'grandfather',
      'grandmother',
      'grandpa',
      'grandma',
    ],
    sibling: ['兄弟姐妹', '哥哥', '姐姐', '兄', '姐', '兄长', '兄妹', '姐弟', '兄弟', '姐妹', 'sibling', 'brother', 'sister'],
    other_relative: [
      '其他亲属',
      '其它亲属',
      '亲属',
      '亲戚',
      '叔叔',
      '伯父',
      '伯伯',
      '叔伯',
      '姑姑',
      '姑妈',
      '舅舅',
      '舅妈',
      '阿姨',
      '姨妈',
      '婶婶',
      'other_relative',
      'relative',
      'other relative',
      'uncle',
      'aunt',
    ],
    entrusted_carer: [
      '受委托照护人',
      '委托照护人',
      '受委托监护人',
      '委托监护人',
      '照护人',
      '寄养家庭',
      'entrusted_carer',
      'entrusted carer',
      'carer',
      'foster',
    ],
    institution: ['机构', '福利院', '儿童福利院', '儿童福利机构', '救助站', '未成年人救助保护中心', 'institution'],
    other: ['其他', '其它', 'other'],
  }),
  riskLevel: spellings<'riskLevel'>({
    none: ['无', '无风险', '正常', '未见异常', 'none', 'no risk', 'no'],
    low: ['低', '低风险', '低危', '较低', '轻度', 'low', 'L'],
    medium: ['中', '中风险', '中等', '中等风险', '中度', '中危', 'medium', 'moderate', 'mid', 'M'],
    high: ['高', '高风险', '高危', '较高', '重度', '严重', 'high', 'severe', 'H'],
    crisis: ['危机', '紧急', '危急', '极高', '极高风险', '特别严重', 'crisis', 'critical', 'urgent', 'C'],
  }),
  sex: spellings<'sex'>({
    M: ['男', '男性', '男孩', '男童', 'M', 'male', 'boy', '1'],
    F: ['女', '女性', '女孩', '女童', 'F', 'female', 'girl', '2'],
    [NO_CODE]: ['未知', '不详', '未说明', 'unknown', 'U', 'X', '0', '9'],
  }),
};

/**
 * The province's own spellings (config `listSynonyms`): per field, spelling -> code,
 * or null for "understood as none". They are added to the defaults and win over them.
 */
export const listSynonymsConfig = z
  .strictObject({
    categories: z.record(z.string().min(1).max(64), z.enum(CHILD_CATEGORIES).nullable()).default({}),
    guardianRelation: z.record(z.string().min(1).max(64), z.enum(GUARDIAN_RELATIONS).nullable()).default({}),
    riskLevel: z.record(z.string().min(1).max(64), z.enum(RISK_LEVELS).nullable()).default({}),
    sex: z.record(z.string().min(1).max(64), z.enum(['M', 'F']).nullable()).default({}),
  })
  .meta({ description: 'Spellings of list values the province adds to the defaults (spelling -> code, null = understood as none)' });
export type ListSynonymsConfig = z.input<typeof listSynonymsConfig>;

/** Defaults plus a province's own spellings (keys folded with `spellingKey`; the province wins). */
export function mergeSynonyms(extra?: ListSynonymsConfig): ListSynonyms {
  const out = {} as Record<ListValueField, Record<string, string | null>>;
  for (const field of LIST_VALUE_FIELDS) {
    const table: Record<string, string | null> = { ...DEFAULT_LIST_SYNONYMS[field] };
    for (const code of LIST_VALUE_CODES[field]) table[spellingKey(code)] ??= code;
    for (const [spelling, code] of Object.entries(extra?.[field] ?? {})) table[spellingKey(spelling)] = code;
    out[field] = table;
  }
  return out as unknown as ListSynonyms;
}
