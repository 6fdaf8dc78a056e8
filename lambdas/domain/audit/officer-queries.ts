/**
 * What privacy officers ask of the audit trail: events by case, agency, staff
 * member, action, outcome and time; a case's access report (every disclosure
 * of the child's data, with its legal basis); and verification.
 */
import type { AuditTable } from '../../data/audit-table';
import type { CasesTable } from '../../data/cases-table';
import type { NotificationsTable } from '../../data/notifications-table';
import type { DigestSigner } from '../../crypto/digest-signer';
import type { ChainedEvent } from '../../../schemas/entities/audit';
import type { AlertThresholds } from './alerts';

export interface OfficerDeps {
  readonly audit: Pick<AuditTable, 'head' | 'digests' | 'putDigest' | 'scan' | 'since'>;
  readonly signer: DigestSigner;
  readonly cases: Pick<CasesTable, 'members' | 'history'>;
  readonly notifications: Pick<NotificationsTable, 'forRecipient' | 'notifyOnce'>;
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
  readonly caseId?: string;
  readonly disclosure?: unknown;
}

export function toView(e: ChainedEvent): EventView {
  const s = (k: string) => (typeof e[k] === 'string' ? (e[k] as string) : undefined);
  return {
    eventId: e.eventId,
    time: s('time') ?? '',
    requestId: s('requestId') ?? '',
    route: s('route') ?? '',
    path: s('path') ?? '',
    outcome: s('outcome') ?? '',
    status: Number(e.status),
    agencyVerified: e.agencyVerified === true,
    recordIds: (e.recordIds as string[] | undefined) ?? [],
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

/** Record ids that ever belonged to a case: current members and those moved by merges and splits. */
export async function caseRecordIds(deps: Pick<OfficerDeps, 'cases'>, caseId: string): Promise<Set<string>> {
  const [members, history] = await Promise.all([deps.cases.members(caseId), deps.cases.history(caseId)]);
  return new Set([...members.map((m) => m.recordId), ...history.flatMap((e) => e.recordIds)]);
}

/** Cursor of a page: the sort position (time, event id) of its last event. */
const positionOf = (e: Pick<EventView, 'time' | 'eventId'>) => `${e.time}|${e.eventId}`;

/** Matching events, oldest first, `limit` at a time; `cursor` continues after a previous page. */
export async function findEventsPage(
  deps: OfficerDeps,
  filter: EventFilter,
  limit: number,
  cursor?: string,
): Promise<{ items: EventView[]; nextCursor?: string }> {
  const all = (await findEvents(deps, filter, Number.MAX_SAFE_INTEGER)).filter((e) => !cursor || positionOf(e) > cursor);
  const items = all.slice(0, limit);
  return { items, ...(all.length > limit && { nextCursor: positionOf(items.at(-1)!) }) };
}

export async function findEvents(deps: OfficerDeps, filter: EventFilter, limit: number): Promise<EventView[]> {
  const ids = filter.caseId ? await caseRecordIds(deps, filter.caseId) : undefined;
  const out: EventView[] = [];
  for await (const page of deps.audit.scan()) {
    for (const e of page) {
      const v = toView(e);
      if (ids && v.caseId !== filter.caseId && !v.recordIds.some((r) => ids.has(r)) && !v.path.includes(filter.caseId!)) continue;
      if (filter.agencyId && v.agencyId !== filter.agencyId) continue;
      if (filter.sub && v.sub !== filter.sub) continue;
      if (filter.route && v.route !== filter.route) continue;
      if (filter.outcome && v.outcome !== filter.outcome) continue;
      if (filter.from && v.time < filter.from) continue;
      if (filter.to && v.time >= filter.to) continue;
      out.push(v);
    }
  }
  return out.sort((a, b) => (positionOf(a) < positionOf(b) ? -1 : 1)).slice(-limit);
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
 * Every disclosure of the child's data: reads of a record by its publisher
 * (own record), consent-gated case views (consent or emergency), and emergency
 * grants. This is the report a guardian is entitled to ask for.
 */
export async function accessReport(deps: OfficerDeps, caseId: string): Promise<AccessEntry[]> {
  const events = await findEvents(deps, { caseId, outcome: 'allow' }, 100_000);
  const entries: AccessEntry[] = [];
  for (const e of events) {
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
      entries.push({
        ...base,
        legalBasis: [...(d.legalBasis ?? [])].sort(),
        consentIds: d.consentIds ?? [],
        categories: [...new Set((d.disclosed ?? []).flatMap((x) => x.categories))],
      });
    } else if (e.route === 'GET /v1/records/{recordId}') {
      entries.push({ ...base, legalBasis: ['own_record'], consentIds: [], categories: ['all'] });
    } else if (e.route === 'POST /v1/cases/{caseId}/emergency') {
      entries.push({ ...base, legalBasis: ['emergency'], consentIds: [], categories: ['all'] });
    }
  }
  return entries;
}
