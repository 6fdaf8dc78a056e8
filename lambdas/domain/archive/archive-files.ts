/**
 * The archive as files a person opens (issue 10, point 6): one CSV per form with Chinese headers (the key beside
 * each, for integrators), UTF-8 with a BOM so Excel and WPS read them, every agency-controlled cell neutralised
 * against formulas by the one CSV writer (lambdas/shared/csv.ts); the JSON form beside them; and a manifest that
 * names each file with its title, row count and SHA-256. File names are ASCII so every unzip tool shows them the
 * same (the Chinese titles are in the manifest and in each form's header).
 *
 * Pure and deterministic: the same archive gives the same files, byte for byte.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../crypto/canonical-json';
import { type CsvValue, csvDocument } from '../../shared/csv';
import { ARCHIVE_VERSION, type CaseArchive } from './archive';

type Row = Readonly<Record<string, unknown>>;

/** A column: the item's key, its Chinese header, and (optionally) how to read the cell from the item. */
type Column = readonly [key: string, zh: string, read?: (item: Row) => unknown];

interface Form {
  readonly file: string;
  readonly title: { readonly zh: string; readonly en: string };
  readonly columns: readonly Column[];
  readonly rows: readonly Row[];
}

/** One cell: text as it is, lists joined by `;`, anything structured as canonical JSON (never a live formula: csvDocument). */
function cell(value: unknown): CsvValue {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  return canonicalJson(value);
}

/** Nested fields of a record as dotted paths (guardian.name), in key order. */
function flatten(value: unknown, prefix: string, out: [string, unknown][]): [string, unknown][] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const key of Object.keys(value).sort()) flatten((value as Row)[key], prefix ? `${prefix}.${key}` : key, out);
  } else out.push([prefix, value]);
  return out;
}

const AGENCY: Column = ['agencyId', '机构'];

function formsOf(a: CaseArchive): Form[] {
  const fileRows = a.file.records.flatMap((r) =>
    flatten(r.fields, '', []).map(([field, value]) => ({ recordId: r.recordId, holder: r.holder, own: r.own, legalBasis: r.legalBasis, field, value })),
  );
  const transitions = a.referrals.items.flatMap((r) => (r.transitions ?? []).map((t) => ({ ...t, referralId: r.referralId })));
  const planVersions = a.carePlans.items.flatMap((p) => p.versions);
  const activities = planVersions.flatMap((v) => v.activities.map((x) => ({ planId: v.planId, version: v.version, ...x })));
  const withheld = [
    ...a.file.withheld.map((w) => ({ section: 'file', agency: w.agency, item: w.category, reason: w.reason })),
    ...a.assessments.withheld.map((w) => ({ section: 'assessments', agency: w.agencyId, item: w.assessmentId, reason: w.reason })),
    ...a.contacts.withheld.map((w) => ({ section: 'contacts', agency: w.agencyId, item: w.contactId, reason: w.reason })),
    ...a.carePlans.withheld.map((w) => ({ section: 'carePlans', agency: '', item: w.planId, reason: w.reason })),
  ];
  return [
    {
      file: '01-file-form.csv',
      title: { zh: '档案表', en: 'File form' },
      columns: [
        ['recordId', '记录编号'],
        ['holder', '持有机构'],
        ['own', '本机构记录'],
        ['legalBasis', '披露依据'],
        ['field', '字段'],
        ['value', '内容'],
      ],
      rows: fileRows,
    },
    {
      file: '02-identification-assessment.csv',
      title: { zh: '识别表与评估表', en: 'Identification and assessment' },
      columns: [
        ['assessmentId', '编号'],
        ['kind', '类型'],
        ['assessedOn', '日期'],
        ['outcome', '识别结果'],
        ['riskLevel', '风险等级'],
        ['riskFactors', '风险因素'],
        ['instrument', '评估工具'],
        ['score', '得分'],
        AGENCY,
        ['assessorStaffId', '评估人编号'],
        ['notes', '备注'],
      ],
      rows: a.assessments.items,
    },
    {
      file: '03-follow-up-contacts.csv',
      title: { zh: '观察与访谈记录（随访）', en: 'Observation, interview and follow-up records' },
      columns: [
        ['contactId', '编号'],
        ['kind', '方式'],
        ['contactedAt', '时间'],
        ['interviewed', '访谈对象'],
        ['outcome', '结果'],
        ['riskLevel', '当时风险等级'],
        ['nextDue', '下次随访'],
        AGENCY,
        ['staffId', '经办人编号'],
        ['notes', '记录'],
      ],
      rows: a.contacts.items,
    },
    {
      file: '04-referrals.csv',
      title: { zh: '转介记录', en: 'Referrals' },
      columns: [
        ['referralId', '编号'],
        ['requester', '转出机构'],
        ['owner', '接收机构'],
        ['reasons', '转介原因'],
        ['priority', '优先级'],
        ['status', '状态'],
        ['statusReason', '状态原因'],
        ['outcome', '结果'],
        ['basedOn', '回转依据'],
        ['acknowledgeBy', '确认期限'],
        ['firstContactBy', '首次接触期限'],
        ['childView', '儿童意见'],
        ['emergency', '紧急'],
        ['createdAt', '创建时间'],
        ['updatedAt', '更新时间'],
        ['note', '说明'],
      ],
      rows: a.referrals.items,
    },
    {
      file: '05-referral-transitions.csv',
      title: { zh: '转介流转', en: 'Referral transitions' },
      columns: [
        ['referralId', '转介编号'],
        ['seq', '序号'],
        ['from', '原状态'],
        ['to', '新状态'],
        ['by', '操作方'],
        ['at', '时间'],
        ['reason', '原因'],
        ['outcome', '结果'],
      ],
      rows: transitions,
    },
    {
      file: '06-care-plans.csv',
      title: { zh: '关爱方案', en: 'Care plans' },
      columns: [
        ['planId', '方案编号'],
        ['version', '版本'],
        ['status', '状态'],
        ['category', '类别'],
        ['goals', '目标', (v) => (v.goals as { description: string }[]).map((g) => g.description)],
        ['reviewDate', '复核日期'],
        ['author', '制定机构'],
        ['createdAt', '时间'],
        ['note', '说明'],
      ],
      rows: planVersions,
    },
    {
      file: '07-care-plan-activities.csv',
      title: { zh: '关爱方案活动', en: 'Care plan activities' },
      columns: [
        ['planId', '方案编号'],
        ['version', '版本'],
        ['activityId', '活动编号'],
        ['kind', '类型'],
        ['ownerAgencyId', '负责机构'],
        ['due', '期限'],
        ['status', '状态'],
        ['description', '内容'],
      ],
      rows: activities,
    },
    {
      file: '08-care-team.csv',
      title: { zh: '关爱团队', en: 'Care team' },
      columns: [
        ['memberId', '编号'],
        ['role', '角色'],
        AGENCY,
        ['staffId', '人员编号'],
        ['start', '开始'],
        ['end', '结束'],
        ['status', '状态'],
        ['endReason', '结束原因'],
      ],
      rows: a.careTeam.items,
    },
    {
      file: '09-key-recipient-episodes.csv',
      title: { zh: '重点关爱服务对象台账', en: 'Key-recipient episodes' },
      columns: [
        ['episodeId', '编号'],
        ['status', '状态'],
        ['reasons', '纳入原因'],
        ['enrolledAt', '纳入时间'],
        ['exitedAt', '退出时间'],
        ['exitReason', '退出原因'],
      ],
      rows: a.keyRecipient.episodes,
    },
    {
      file: '10-service-agreements.csv',
      title: { zh: '监护人服务同意', en: 'Service agreements' },
      columns: [
        ['agreementId', '编号'],
        ['status', '状态'],
        ['agreesWithAssessment', '认同评估结果'],
        ['agreesToFollowUp', '同意接受跟进服务'],
        ['declineReason', '不同意原因'],
        ['childView', '儿童意见'],
        ['agreedAt', '同意时间'],
        ['validUntil', '有效期至'],
        ['recordedBy', '记录机构'],
        ['guardian', '监护人'],
        ['evidenceSha256', '凭证摘要'],
      ],
      rows: a.agreements.items,
    },
    {
      file: '11-data-consents.csv',
      title: { zh: '数据共享同意', en: 'Data-sharing consents' },
      columns: [
        ['consentId', '编号'],
        ['status', '状态'],
        ['grantorType', '同意人'],
        ['purposes', '目的'],
        ['dataCategories', '数据类别'],
        ['recipients', '接收方'],
        ['validFrom', '生效'],
        ['validUntil', '失效'],
        ['recordedBy', '记录机构'],
        ['withdrawnAt', '撤回时间'],
        ['yourRecords', '覆盖本机构记录'],
      ],
      rows: a.consents.consents,
    },
    {
      file: '12-withheld.csv',
      title: { zh: '未披露内容及原因', en: 'Withheld, and why' },
      columns: [
        ['section', '部分'],
        ['agency', '持有机构'],
        ['item', '项目'],
        ['reason', '原因'],
      ],
      rows: withheld,
    },
  ];
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The archive's files in a fixed order: the forms, the JSON form, and the manifest last. */
export function archiveFiles(archive: CaseArchive): [name: string, bytes: Uint8Array][] {
  const files: [string, Uint8Array][] = [];
  const listed = [];
  for (const form of formsOf(archive)) {
    const header = form.columns.map(([key, zh]) => `${zh}(${key})`);
    const rows = form.rows.map((item) => form.columns.map(([key, , read]) => cell(read ? read(item) : item[key])));
    const bytes = new TextEncoder().encode(csvDocument(header, rows));
    files.push([form.file, bytes]);
    listed.push({ file: form.file, title: form.title, rows: form.rows.length, sha256: sha256(bytes) });
  }
  const json = new TextEncoder().encode(canonicalJson(archive));
  files.push(['archive.json', json]);
  listed.push({ file: 'archive.json', title: { zh: '完整档案（JSON）', en: 'The whole file (JSON)' }, rows: 1, sha256: sha256(json) });
  const manifest = {
    archiveVersion: ARCHIVE_VERSION,
    title: { zh: '一人一档', en: 'One person, one file' },
    caseId: archive.caseId,
    purpose: archive.purpose,
    encoding: 'UTF-8 with BOM; CRLF; cells starting with = + - @ are prefixed with an apostrophe',
    files: listed,
  };
  files.push(['manifest.json', new TextEncoder().encode(canonicalJson(manifest))]);
  return files;
}
