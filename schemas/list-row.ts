/**
 * Batch list rows (名单): CSV columns with English or Chinese headers. The
 * value spellings (男/女, 低保户, LIF, ...) are in list-synonyms.ts.
 */
import { spellingKey } from './list-synonyms';

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

/** More header spellings agencies use for the same columns (matched after `spellingKey`). */
const MORE_HEADERS: Readonly<Record<ListColumn, readonly string[]>> = {
  externalId: ['编号', '序号编号', '系统编号', '原编号', 'id', 'external_id', 'external id', 'record id'],
  name: ['儿童姓名', '学生姓名', '名字', 'child name', 'full name'],
  sex: ['儿童性别', 'gender'],
  birthDate: ['出生年月日', '出生年月', '生日', '出生时间', 'date of birth', 'dob', 'birth date', 'birthday'],
  idNumber: ['身份证号码', '公民身份号码', '身份证', '证件号码', 'id number', 'id_no', 'id no', 'idcard', 'id card'],
  householdRegion: ['户籍地代码', '户籍所在地', 'household region', 'hukou'],
  currentRegion: ['现居住地代码', '居住地', 'current region'],
  address: ['家庭住址', '住址', '地址', '现居住地址'],
  guardianName: ['监护人', '监护人名字', 'guardian', 'guardian name'],
  guardianPhone: ['监护人联系电话', '联系电话', '监护人手机', '联系方式', 'phone', 'guardian phone', 'contact phone'],
  guardianRelation: ['监护人关系', '与监护人关系', '关系', 'relation', 'relationship', 'guardian relation'],
  school: ['学校', '所在学校', '就读学校名称', 'school name'],
  categories: ['类别', '儿童类型', '困境类型', '困境类别', 'category', 'child category', 'type'],
  riskLevel: ['风险级别', '风险', 'risk', 'risk level'],
};

/** Header -> column: English or Chinese, any case, spacing, full-width form or underscore. */
export const HEADER_ALIASES: ReadonlyMap<string, ListColumn> = new Map(
  LIST_COLUMNS.flatMap(([en, zh]) => [en, zh, ...MORE_HEADERS[en]].map((h) => [spellingKey(h), en] as const)),
);

/** The column a header names, if any. */
export function columnOf(header: string): ListColumn | undefined {
  return HEADER_ALIASES.get(spellingKey(header));
}
