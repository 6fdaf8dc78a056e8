/**
 * What privacy officers ask of the audit trail: events by case, agency, staff
 * member, day range, action and outcome, newest first and a page at a time,
 * each search reading one index key's events (never the whole table); a case's
 * access report, reading only the events filed under that case and the cases
 * it was merged from or split from.
 */
import type { RouteContract } from '../../../schemas/api';
import * as z from 'zod';
import type { ChainedEvent } from '../../../schemas/entities/audit';
import { PRIVACY_OFFICERS } from '../../../schemas/entities/notifications';
import type { Notification } from '../../../schemas/entities/notifications';
import type { DigestSigner } from '../../crypto/digest-signer';
import { ValidationError } from '../../shared/errors';
import { CaseFiles } from '../cases/case-file';
import type { AlertThresholds } from './alerts';
import type { AuditEventReader, CaseLineage, EventIndex, EventPosition, OfficerInbox, RecentEvents, SealStore } from './ports';

export interface OfficerDeps {
  readonly events: AuditEventReader & RecentEvents;
  readonly seals: SealStore;
  readonly signer: DigestSigner;
  readonly cases: CaseLineage;
  readonly notifications: OfficerInbox;
  readonly thresholds: AlertThresholds;
}

export interface EventFilter {
  readonly caseId?: string;
  readonly agencyId?: string;
  readonly sub?: string;
  readonly route?: string;
  readonly outcome?: 'allow' | 'deny' | 'error';
  readonly from?: string;
  readonly to?: string;
}

export interface EventView {
  readonly eventId: string;
  readonly time: string;
  readonly requestId: string;
  readonly route: string;
  readonly path: string;
  readonly outcome: string;
  readonly status: number;
  readonly agencyId?: string;
  readonly agencyVerified: boolean;
  readonly kid?: string;
  readonly sub?: string;
  readonly purpose?: string;
  readonly errorCode?: string;
  readonly severity?: string;
  readonly recordIds: readonly string[];
  readonly caseIds: readonly string[];
  readonly disclosure?: unknown;
}

export function toView(e: ChainedEvent): EventView {
  const s = (k: string) => (typeof e[k] === 'string' ? (e[k] as string) : undefined);
  const list = (k: string) => (Array.isArray(e[k]) ? (e[k] as string[]) : []);
  return {
    eventId: e.eventId,
    time: s('time') ?? '',
    requestId: s('requestId') ?? '',
    route: s('route') ?? '',
    path: s('path') ?? '',
    outcome: s('outcome') ?? '',
    status: Number(e.status),
    agencyVerified: e.agencyVerified === true,
    recordIds: list('recordIds'),
    caseIds: list('caseIds'),
    ...(s('agencyId') && { agencyId: s('agencyId') }),
    ...(s('kid') && { kid: s('kid') }),
    ...(s('sub') && { sub: s('sub') }),
    ...(s('purpose') && { purpose: s('purpose') }),
    ...(s('errorCode') && { errorCode: s('errorCode') }),
    ...(s('severity') && { severity: s('severity') }),
    ...(s('caseId') && { caseId: s('caseId') }),
    ...(s('disclosure') && { disclosure: JSON.parse(s('disclosure')!) }),
  };
}

/** A search with no case, agency or staff member reads days, newest first: the last this many days unless `from` says otherwise, and at most this many days per page. */
export const DEFAULT_SEARCH_DAYS = 31;
/**
 * Most UTC days one page of a search without a key reads: the default window (DEFAULT_SEARCH_DAYS back from
 * now touches one UTC day more than that) fits one page, so a search over it never ends on an empty page.
 */
const PAGE_DAYS = DEFAULT_SEARCH_DAYS + 1;
const DAY_MS = 86_400_000;

/** The paging cursor: where the last page stopped (index, key, time, event id), base64url JSON. */
const cursorSchema = z.strictObject({
  i: z.enum(['byCase', 'byAgency', 'byStaff', 'byDay']),
  k: z.string().min(1).max(200),
  t: z.iso.datetime().optional(),
  e: z
    .string()
    .regex(/^[a-z]{2,8}_[0-9A-Z]{16,40}$/)
    .optional(),
});

/** Where the next page starts: after an event, or (`time` and `eventId` absent) at the start of a key. */
type Resume = Omit<EventPosition, 'time' | 'eventId'> & Partial<Pick<EventPosition, 'time' | 'eventId'>>;

function encodeCursor(p: Resume): string {
  return Buffer.from(JSON.stringify({ i: p.index, k: p.key, ...(p.time && { t: p.time }), ...(p.eventId && { e: p.eventId }) })).toString('base64url');
}

const positionOf = (r: Resume): EventPosition | undefined =>
  r.time && r.eventId ? { index: r.index, key: r.key, time: r.time, eventId: r.eventId } : undefined;

function decodeCursor(cursor: string): Resume {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const result = cursorSchema.safeParse(parsed);
  if (!result.success || (result.data.t === undefined) !== (result.data.e === undefined)) throw badCursor();
  const resume: Resume = {
    index: result.data.i,
    key: result.data.k,
    ...(result.data.t && { time: result.data.t }),
    ...(result.data.e && { eventId: result.data.e }),
  };
  // Only the spelling the hub issues is accepted (base64url decoding ignores stray characters and bits).
  if (encodeCursor(resume) !== cursor) throw badCursor();
  return resume;
}

const badCursor = () =>
  new ValidationError(
    [{ path: 'cursor', message: 'not a cursor this search returned (nextCursor)' }],
    'The paging cursor is not valid for this search',
    '分页游标无效',
  );

/** The index a filter reads, and the conditions left for the store to check on what it reads. */
function planOf(filter: EventFilter): { index: EventIndex; key?: string; where: { agencyId?: string; sub?: string; routes?: string[]; outcome?: string } } {
  const where = {
    ...(filter.agencyId && { agencyId: filter.agencyId }),
    ...(filter.sub && { sub: filter.sub }),
    ...(filter.route && { routes: [filter.route] }),
    ...(filter.outcome && { outcome: filter.outcome }),
  };
  if (filter.caseId) return { index: 'byCase', key: filter.caseId, where };
  if (filter.sub) return { index: 'byStaff', key: filter.sub, where };
  if (filter.agencyId) return { index: 'byAgency', key: filter.agencyId, where };
  return { index: 'byDay', where };
}

/** The UTC days of a range, newest first. */
function daysOf(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${to.slice(0, 10)}T00:00:00.000Z`); t >= Date.parse(`${from.slice(0, 10)}T00:00:00.000Z`); t -= DAY_MS)
    days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/** An ISO 8601 date-time in UTC as the hub writes event times (`2026-12-03T09:05:09Z`, seconds and fraction optional). */
const UTC_TIME = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?Z$/;

const isUtcTime = (value: string): boolean => {
  const m = UTC_TIME.exec(value);
  const ms = Date.parse(value);
  // Date.parse rolls 2026-02-30 over to March: the day must read back as written.
  return m !== null && Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === m[1];
};

/**
 * Checks a search's time range: each bound a date-time in UTC, `from` not after
 * `to`. Throws 400 VALIDATION_FAILED naming the bound, in Chinese and English.
 * Run on the raw query before the schema so an officer reads which date is wrong.
 */
export function checkRange(range: { readonly from?: string | undefined; readonly to?: string | undefined }): void {
  const details = (['from', 'to'] as const)
    .filter((k) => range[k] !== undefined && !isUtcTime(range[k]!))
    .map((k) => ({
      path: k,
      message: 'not a date-time in UTC, e.g. 2026-12-03T09:05:09Z',
      message_zh: '不是有效的 UTC 日期时间，例如 2026-12-03T09:05:09Z',
    }));
  if (details.length === 0 && range.from !== undefined && range.to !== undefined && Date.parse(range.from) > Date.parse(range.to))
    details.push({ path: 'from', message: 'is after to', message_zh: '起始时间晚于结束时间' });
  if (details.length > 0) throw new ValidationError(details, 'The date range is not valid', '日期范围无效');
}

/**
 * Matching events, newest first, `limit` at a time; `cursor` (a previous page's
 * nextCursor) continues where it stopped. `read` is how many items the store
 * read to answer: O(events of the searched key in the range), never O(table).
 */
export async function searchEvents(
  deps: Pick<OfficerDeps, 'events'>,
  filter: EventFilter,
  limit: number,
  cursor?: string,
  now: Date = new Date(),
): Promise<{ items: EventView[]; nextCursor?: string; read: number }> {
  checkRange(filter);
  const plan = planOf(filter);
  const resume = cursor === undefined ? undefined : decodeCursor(cursor);
  const after = resume && positionOf(resume);
  const range = { ...(filter.from && { from: filter.from }), ...(filter.to && { to: filter.to }) };
  if (plan.key !== undefined) {
    if (resume && (resume.index !== plan.index || resume.key !== plan.key || !after)) throw badCursor();
    const page = await deps.events.query({ index: plan.index, key: plan.key, ...range, where: plan.where, newestFirst: true, limit, ...(after && { after }) });
    return { items: page.items.map(toView), ...(page.next && { nextCursor: encodeCursor(page.next) }), read: page.read };
  }
  // No key: the day index, day by day backwards through the range.
  const to = filter.to ?? now.toISOString();
  const from = filter.from ?? new Date(Date.parse(to) - DEFAULT_SEARCH_DAYS * DAY_MS).toISOString();
  let days = daysOf(from, to);
  if (resume) {
    const at = days.indexOf(resume.key);
    if (resume.index !== 'byDay' || at < 0) throw badCursor();
    days = days.slice(at);
  }
  const items: EventView[] = [];
  let read = 0;
  for (const [i, day] of days.entries()) {
    // A page reads at most PAGE_DAYS days: a long, sparse range continues through the cursor.
    if (i === PAGE_DAYS) return { items, nextCursor: encodeCursor({ index: 'byDay', key: day }), read };
    const start = i === 0 && after ? { after } : {};
    const page = await deps.events.query({ index: 'byDay', key: day, ...range, where: plan.where, newestFirst: true, limit: limit - items.length, ...start });
    items.push(...page.items.map(toView));
    read += page.read;
    if (items.length === limit) {
      const next: Resume | undefined = page.next ?? (i + 1 < days.length ? { index: 'byDay', key: days[i + 1]! } : undefined);
      return { items, ...(next && { nextCursor: encodeCursor(next) }), read };
    }
  }
  return { items, read };
}

export interface AccessEntry {
  readonly time: string;
  readonly agencyId: string;
  readonly sub?: string;
  readonly route: string;
  readonly purpose?: string;
  /** own_record, consent (with ids), emergency. */
  readonly legalBasis: readonly string[];
  readonly consentIds: readonly string[];
  readonly categories: readonly string[];
  readonly eventId: string;
}

/**
 * Routes that disclose a child's data: each route of the contract says whether it does (`discloses`). The contract
 * (every route's schemas) is loaded on the first access report, not at the audit Lambda's init.
 */
let disclosures: Promise<readonly string[]> | undefined;
const disclosingRoutes = (): Promise<readonly string[]> =>
  (disclosures ??= import('../../../schemas/api').then(({ API_ROUTES }) =>
    Object.entries(API_ROUTES as Readonly<Record<string, RouteContract>>)
      .filter(([, route]) => route.discloses)
      .map(([key]) => key),
  ));
/** How far back through merges and splits the report follows a case. */
const MAX_LINEAGE = 32;

/** One case whose events the access report reads: all of them, or (`records`) those about records it gave up in a split, up to `until`. */
interface LineagePart {
  readonly caseId: string;
  readonly records?: Set<string>;
  readonly until?: string;
}

/**
 * The cases whose events concern this case's child, by the same rule as the child's file (CaseFiles,
 * lambdas/domain/cases/case-file.ts): itself; the former cases its file holds (a case merged into it, or whose file a
 * split brought to it), all their events; and the case it was split from, for the events about the records it
 * took, before the split. A former case whose records a split took all away is not followed: its file, and its
 * events, went with them.
 */
async function lineageOf(deps: Pick<OfficerDeps, 'cases'>, caseId: string): Promise<{ parts: LineagePart[]; formers: Set<string> }> {
  // Only the former cases are asked of CaseFiles (histories); where a case is now (ledger rows) is not.
  const files = new CaseFiles({ history: (id) => deps.cases.history(id), ledgerRow: async () => undefined });
  const formers = new Set((await files.fileOf(caseId)).slice(1));
  const out: LineagePart[] = [];
  const seen = new Set<string>();
  // Former cases whose file came here (by a merge, or with a split): every event of theirs is about this child.
  const queue: LineagePart[] = [{ caseId }, ...[...formers].map((former) => ({ caseId: former }))];
  while (queue.length > 0 && out.length < MAX_LINEAGE) {
    const next = queue.shift()!;
    if (seen.has(next.caseId)) continue;
    seen.add(next.caseId);
    out.push(next);
    const file = await files.formersOf(next.caseId);
    for (const h of await deps.cases.history(next.caseId)) {
      if (!h.otherCaseId) continue;
      if (h.type === 'merged_in' && !(file.movedTo.has(h.otherCaseId) && !file.held.has(h.otherCaseId)))
        queue.push({ caseId: h.otherCaseId, ...(next.records && { records: next.records }), ...(next.until && { until: next.until }) });
      if (h.type === 'split_from') queue.push({ caseId: h.otherCaseId, records: new Set(h.recordIds), until: h.at });
    }
  }
  return { parts: out, formers };
}

/**
 * Every disclosure of the child's data: reads of a record by its publisher
 * (own record), consent-gated case views (consent or emergency), and emergency
 * grants, oldest first. This is the report a guardian is entitled to ask for.
 * Reads the allowed disclosure events filed under the case and its lineage only.
 */
export async function accessReport(deps: Pick<OfficerDeps, 'events' | 'cases'>, caseId: string): Promise<{ entries: AccessEntry[]; read: number }> {
  const entries: AccessEntry[] = [];
  let read = 0;
  const routes = await disclosingRoutes();
  const { parts, formers } = await lineageOf(deps, caseId);
  for (const part of parts) {
    let after: EventPosition | undefined;
    do {
      const page = await deps.events.query({
        index: 'byCase',
        key: part.caseId,
        ...(part.until && { to: part.until }),
        where: { outcome: 'allow', routes },
        newestFirst: false,
        limit: 1000,
        ...(after && { after }),
      });
      read += page.read;
      for (const e of page.items.map(toView)) {
        // Before a split, a read of the file's care data names no records but the former cases it read (caseIds).
        if (part.records && !e.recordIds.some((r) => part.records!.has(r)) && !e.caseIds.some((c) => formers.has(c))) continue;
        const entry = accessEntryOf(e);
        if (entry) entries.push(entry);
      }
      after = page.next;
    } while (after);
  }
  entries.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  return { entries, read };
}

function accessEntryOf(e: EventView): AccessEntry | undefined {
  const d = e.disclosure as { legalBasis?: string[]; consentIds?: string[]; disclosed?: { categories: string[] }[] } | undefined;
  const base = {
    time: e.time,
    agencyId: e.agencyId ?? '',
    route: e.route,
    eventId: e.eventId,
    ...(e.sub && { sub: e.sub }),
    ...(e.purpose && { purpose: e.purpose }),
  };
  if (e.route === 'GET /v1/cases/{caseId}' && d) {
    return {
      ...base,
      legalBasis: [...(d.legalBasis ?? [])].sort(),
      consentIds: d.consentIds ?? [],
      categories: [...new Set((d.disclosed ?? []).flatMap((x) => x.categories))],
    };
  }
  if (e.route === 'GET /v1/records/{recordId}') return { ...base, legalBasis: ['own_record'], consentIds: [], categories: ['all'] };
  if (e.route === 'POST /v1/cases/{caseId}/emergency') return { ...base, legalBasis: ['emergency'], consentIds: [], categories: ['all'] };
  // Care-loop reads record what they disclosed, and on what basis, as the case view does.
  if (d) {
    return {
      ...base,
      legalBasis: [...(d.legalBasis ?? [])].sort(),
      consentIds: d.consentIds ?? [],
      categories: [...new Set((d.disclosed ?? []).flatMap((x) => x.categories))],
    };
  }
  return undefined;
}

/** Officers' notifications: emergency access and alerts, newest first. */
export function officerNotifications(deps: Pick<OfficerDeps, 'notifications'>, limit: number): Promise<Notification[]> {
  return deps.notifications.forRecipient(PRIVACY_OFFICERS, limit);
}
