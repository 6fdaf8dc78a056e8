/**
 * The loop at a glance (docs/care-loop.md, "Care metrics"): the figures of the province's care loop, or of one
 * county, for the coordinating role (`GET /v1/care-metrics`) and, unsuppressed and province-wide, for the hourly
 * care job's EMF metrics. Codes and counts only: nothing here returns a case id, a record or a personal field.
 *
 * Every source is a Query on an index, never a table scan:
 * - active key recipients: the `KEYREC#active` listing, then where each stands in assessment (one read per case);
 * - referrals: each agency's referrals as requester (every referral has exactly one requester);
 * - discharges: the coordinating role's `assign_paired_carer` obligations, open and done (one per child,
 *   opened by either discharge path and met when a paired carer joins the care team);
 * - overdue work: each agency's due listing up to now, as the overdue job reads it.
 * With a county, the members of each case those sources name are read for their regions (household or current,
 * every record of the case): a case counts in a county when one of its records places it there.
 */
import { REFERRAL_STATUSES } from '../../../schemas/referrals';
import { SMALL_CELL_LABEL, type CareMetricsQuery, type CareMetricsView } from '../../../schemas/care-metrics';
import type { WorkItem } from '../../../schemas/entities/care';
import type { Page } from '../../../schemas/entities/page';
import { ForbiddenError, ValidationError } from '../../shared/errors';
import { regionMatches } from '../cases/ledger';
import type { Reader } from '../consent/gate';
import { WORK_KINDS } from '../../../schemas/care';
import { type CareDeps, careNow, isCoordinator } from './care-deps';
import { coordinatorsOf } from './worklist';

const DAY_MS = 86_400_000;
/** Cases whose regions are read at once. */
const CONCURRENCY = 16;
/** Below this, a count is shown as "<5"; a median or share over fewer is not shown. */
export const SMALL_CELL = 5;
/** Key of the risk-level count for key recipients with no assessed level (never assessed, or identified only). */
export const UNASSESSED = 'unassessed';
/** Worklist kinds that fall due (the others are raised work without a due date). */
export const DUE_KINDS = WORK_KINDS.filter((k) => k !== 'key_recipient_proposal' && k !== 're_refer_or_close');

/** The exact figures (the care job's metrics); `publish` turns them into what the API shows. */
export interface CareFigures {
  readonly at: string;
  readonly county?: string;
  readonly keyRecipientsByRiskLevel: Readonly<Record<string, number>>;
  readonly referralsByStatus: Readonly<Record<string, number>>;
  /** Days from each started referral's creation to its first start, sorted. */
  readonly firstContactDays: readonly number[];
  readonly pairedCarer: { readonly withinDays: number; readonly inTime: number; readonly late: number; readonly pending: number };
  readonly overdueByKind: Readonly<Record<string, number>>;
}

async function allPages<T>(page: (cursor?: string) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const p = await page(cursor);
    out.push(...p.items);
    cursor = p.cursor;
  } while (cursor);
  return out;
}

async function inBatches<T, R>(values: readonly T[], f: (v: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < values.length; i += CONCURRENCY) out.push(...(await Promise.all(values.slice(i, i + CONCURRENCY).map(f))));
  return out;
}

const increment = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

/** The median of sorted values (the mean of the middle two for an even count). */
export function median(sorted: readonly number[]): number | undefined {
  if (sorted.length === 0) return undefined;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Whether a discharge's paired-carer obligation was met within N days (`inTime`), was met later or is N days past
 * without a carer (`late`), or is still within its N days without one (`pending`). N is the province's
 * `care.carerAssignDays` now, counted from the discharge (the obligation's basis).
 */
export function carerOutcome(item: WorkItem, withinDays: number, now: Date): 'inTime' | 'late' | 'pending' {
  const dischargedAt = Date.parse(item.basis ?? item.createdAt);
  const deadline = dischargedAt + withinDays * DAY_MS;
  if (item.status === 'done') return Date.parse(item.closedAt ?? item.createdAt) <= deadline ? 'inTime' : 'late';
  return now.getTime() > deadline ? 'late' : 'pending';
}

/** A county filter must be a code inside the hub's province: anything else is a 400, never an empty answer. */
export function checkCounty(province: string, county: string | undefined): void {
  if (county === undefined || county.slice(0, 2) === province.slice(0, 2)) return;
  throw new ValidationError([
    {
      path: 'county',
      message: `must be a region code inside province ${province} (starting ${province.slice(0, 2)})`,
      message_zh: `须为本省（${province}）内的行政区划代码（以 ${province.slice(0, 2)} 开头）`,
    },
  ]);
}

/** The exact figures, province-wide or for one county (the caller checked the county). */
export async function careFigures(deps: CareDeps, county?: string): Promise<CareFigures> {
  const now = careNow(deps);
  const coordinators = coordinatorsOf(deps);
  const [episodes, referrals, discharges, overdue] = await Promise.all([
    deps.keyRecipients.active(),
    Promise.all(deps.agencies.map((a) => allPages((cursor) => deps.referrals.list(a.id, 'requester', { limit: 200, ...(cursor && { cursor }) })))).then((r) =>
      r.flat(),
    ),
    Promise.all(
      coordinators.flatMap((c) =>
        (['open', 'done'] as const).map((status) => allPages((cursor) => deps.worklist.forAgency(c, status, { limit: 200, ...(cursor && { cursor }) }))),
      ),
    ).then((r) => r.flat().filter((i) => i.kind === 'assign_paired_carer')),
    Promise.all(
      deps.agencies.map((a) => allPages((cursor) => deps.worklist.dueFor(a.id, { before: now.toISOString() }, { limit: 200, ...(cursor && { cursor }) }))),
    ).then((r) => r.flat()),
  ]);

  // Items recorded under a case since merged count for the child's case now: its county, its file's risk level, once.
  // (Province-wide, only the key recipients need it: one child enrolled in two cases before their merge counts once.)
  const caseIds = [...new Set((county === undefined ? episodes : [...episodes, ...referrals, ...discharges, ...overdue]).map((x) => x.caseId))];
  const currentOf = new Map(await inBatches(caseIds, async (caseId) => [caseId, (await deps.caseFiles.currentOf(caseId)) ?? caseId] as const));
  const currentCase = (caseId: string) => currentOf.get(caseId) ?? caseId;
  let inCounty: (caseId: string) => boolean = () => true;
  if (county !== undefined) {
    const current = [...new Set(currentOf.values())];
    const regions = await inBatches(current, async (caseId) => [caseId, (await deps.cases.members(caseId)).flatMap((m) => m.regions)] as const);
    const placed = new Set(regions.filter(([, r]) => r.some((region) => regionMatches(county, region))).map(([caseId]) => caseId));
    inCounty = (caseId) => placed.has(currentCase(caseId));
  }

  const byLevel: Record<string, number> = Object.fromEntries([...deps.care.riskScale, UNASSESSED].map((l) => [l, 0]));
  const counted = episodes.filter((e) => inCounty(e.caseId));
  const states = await inBatches([...new Set(counted.map((e) => currentCase(e.caseId)))], (caseId) => deps.assessments.state(caseId));
  for (const s of states) increment(byLevel, s.state === 'assessed' && s.riskLevel && s.riskLevel in byLevel ? s.riskLevel : UNASSESSED);

  const byStatus: Record<string, number> = Object.fromEntries(REFERRAL_STATUSES.map((s) => [s, 0]));
  const firstContactDays: number[] = [];
  for (const r of referrals.filter((x) => inCounty(x.caseId))) {
    increment(byStatus, r.status);
    if (r.startedAt) firstContactDays.push(Math.max(0, (Date.parse(r.startedAt) - Date.parse(r.createdAt)) / DAY_MS));
  }
  firstContactDays.sort((a, b) => a - b);

  const withinDays = deps.care.carerAssignDays;
  const carer = { withinDays, inTime: 0, late: 0, pending: 0 };
  for (const item of discharges.filter((x) => inCounty(x.caseId))) carer[carerOutcome(item, withinDays, now)]++;

  const overdueByKind: Record<string, number> = Object.fromEntries(DUE_KINDS.map((k) => [k, 0]));
  for (const item of overdue.filter((x) => inCounty(x.caseId))) increment(overdueByKind, item.kind);

  return {
    at: now.toISOString(),
    ...(county !== undefined && { county }),
    keyRecipientsByRiskLevel: byLevel,
    referralsByStatus: byStatus,
    firstContactDays,
    pairedCarer: carer,
    overdueByKind,
  };
}

/** A count as published: 0 and 5 or more as they are, 1 to 4 as "<5". */
export const cell = (n: number): number | typeof SMALL_CELL_LABEL => (n > 0 && n < SMALL_CELL ? SMALL_CELL_LABEL : n);
const small = (n: number) => n > 0 && n < SMALL_CELL;
const sum = (counts: Readonly<Record<string, number>>) => Object.values(counts).reduce((a, b) => a + b, 0);
const oneDecimal = (x: number) => Math.round(x * 10) / 10;
const cells = (counts: Readonly<Record<string, number>>) => Object.fromEntries(Object.entries(counts).map(([k, n]) => [k, cell(n)]));

/**
 * What the API shows: every count through `cell`; the median only over 5 or more referrals; the share only when
 * both its parts (in time, late) are 0 or 5 and more, so that neither it nor its complement names a small group.
 */
export function publish(province: string, f: CareFigures): CareMetricsView {
  const { inTime, late, pending, withinDays } = f.pairedCarer;
  const decided = inTime + late;
  const shareShown = decided >= SMALL_CELL && !small(inTime) && !small(late);
  const m = median(f.firstContactDays);
  return {
    province,
    ...(f.county !== undefined && { county: f.county }),
    at: f.at,
    suppression: { below: SMALL_CELL, shownAs: SMALL_CELL_LABEL },
    keyRecipients: { active: cell(sum(f.keyRecipientsByRiskLevel)), byRiskLevel: cells(f.keyRecipientsByRiskLevel) },
    referrals: { total: cell(sum(f.referralsByStatus)), byStatus: cells(f.referralsByStatus) },
    firstContact: {
      started: cell(f.firstContactDays.length),
      medianDays: m !== undefined && f.firstContactDays.length >= SMALL_CELL ? oneDecimal(m) : null,
    },
    pairedCarer: {
      withinDays,
      discharged: cell(decided + pending),
      inTime: cell(inTime),
      late: cell(late),
      pending: cell(pending),
      share: shareShown ? oneDecimal((inTime / decided) * 100) : null,
    },
    overdue: { total: cell(sum(f.overdueByKind)), byKind: cells(f.overdueByKind) },
  };
}

/** `GET /v1/care-metrics`: the coordinating role only (anyone else 403 FORBIDDEN, audited as every request is). */
export async function careMetrics(deps: CareDeps, reader: Reader, query: CareMetricsQuery): Promise<CareMetricsView> {
  if (!isCoordinator(deps, reader)) {
    throw new ForbiddenError(
      `Only the coordinating role (${deps.coordinatingAgencyType}) reads the care metrics`,
      `仅统筹部门（${deps.coordinatingAgencyType}）可查看关爱服务统计`,
    );
  }
  checkCounty(deps.province, query.county);
  return publish(deps.province, await careFigures(deps, query.county));
}
