/** The province ledger of key children (重点关爱对象台账): filters and CSV export. Pure. */
import type { LedgerQuery } from '../../../schemas/cases';
import type { LedgerRow } from '../../../schemas/entities/cases';
import { csvDocument } from '../../shared/csv';

/** County code exact; a prefecture (....00) or province (..0000) code matches everything below it. */
export function regionMatches(filter: string, region: string): boolean {
  if (filter.endsWith('0000')) return region.startsWith(filter.slice(0, 2));
  if (filter.endsWith('00')) return region.startsWith(filter.slice(0, 4));
  return region === filter;
}

export function rowMatches(row: LedgerRow, q: Pick<LedgerQuery, 'region' | 'category' | 'riskLevel' | 'agencyType'>): boolean {
  if (q.region && !row.regions.some((r) => regionMatches(q.region!, r))) return false;
  if (q.category && !row.categories.includes(q.category)) return false;
  if (q.riskLevel && row.highestRisk !== q.riskLevel) return false;
  if (q.agencyType && !(q.agencyType in row.agencyTypes)) return false;
  return true;
}

const CSV_HEADER = [
  'caseId(个案编号)',
  'createdAt(建档时间)',
  'updatedAt(更新时间)',
  'memberCount(记录数)',
  'categories(儿童类别)',
  'highestRisk(最高风险等级)',
  'agencies(参与部门及起始时间)',
  'regions(地区)',
  'partial(部分信息因未获同意未显示)',
  'assessment(识别评估状态)',
  'assessedRiskLevel(评估风险等级)',
  'keyRecipient(重点关爱状态)',
  'keyRecipientSince(纳入或退出时间)',
  'keyRecipientReasons(纳入原因)',
];

/** The ledger export, through the one CSV writer (shared/csv.ts). */
export function ledgerCsv(
  rows: readonly (LedgerRow & {
    partial?: boolean;
    assessment?: { state: string; riskLevel?: string };
    keyRecipient?: { status: string; since?: string; reasons?: readonly string[] };
  })[],
): string {
  return csvDocument(
    CSV_HEADER,
    rows.map((r) => [
      r.caseId,
      r.createdAt,
      r.updatedAt,
      r.memberCount,
      r.categories,
      r.highestRisk,
      Object.entries(r.agencyTypes)
        .sort(([, a], [, b]) => (a < b ? -1 : 1))
        .map(([t, since]) => `${t}@${since}`),
      r.regions,
      r.partial ? 'yes' : 'no',
      r.assessment?.state,
      r.assessment?.riskLevel,
      r.keyRecipient?.status,
      r.keyRecipient?.since,
      r.keyRecipient?.reasons,
    ]),
  );
}
