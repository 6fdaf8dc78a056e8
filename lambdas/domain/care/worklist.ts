/**
 * Agencies' worklists (docs/care-loop.md, "Worklist"): what an agency has to do for a case. Two kinds of item:
 * - raised work (`addWork`): a proposal to decide, a referral to re-refer or close. Raising the same thing twice is
 *   one item (its id derives from agency, kind and subject); doing it closes the item;
 * - obligations (`scheduleWork`): work that is due, one per subject (a case's next follow-up contact, a plan
 *   activity, a plan review), owned by one agency at a time and moved by each later scheduling (`basis`). The
 *   overdue job (overdue.ts) reads them by due date.
 */
import type { WorkKind } from '../../../schemas/care';
import type { WorkItem } from '../../../schemas/entities/care';
import type { Page } from '../../../schemas/entities/page';
import { derivedId } from '../../shared/ids';
import type { Reader } from '../consent/gate';
import { type CareDeps, careNow } from './care-deps';

export interface WorkRequest {
  readonly agencyId: string;
  readonly kind: WorkKind;
  readonly caseId: string;
  readonly subjectId: string;
  readonly due?: string;
  readonly detail?: Readonly<Record<string, string>>;
}

export const workItemIdOf = (agencyId: string, kind: WorkKind, subjectId: string) => derivedId('wrk', agencyId, kind, subjectId);
/** An obligation's id: one per (kind, subject), whoever owns it. */
export const obligationIdOf = (kind: WorkKind, subjectId: string) => derivedId('wrk', 'due', kind, subjectId);

/** The agency systems of the coordinating role (every system of the coordinating agency type in the province). */
export function coordinatorsOf(deps: Pick<CareDeps, 'agencies' | 'coordinatingAgencyType'>): string[] {
  return deps.agencies.filter((a) => a.type === deps.coordinatingAgencyType).map((a) => a.id);
}

/** Puts an item on an agency's worklist, once; false when it was raised before (open or done). */
export async function addWork(deps: Pick<CareDeps, 'worklist' | 'now'>, request: WorkRequest): Promise<boolean> {
  return deps.worklist.add({
    workItemId: workItemIdOf(request.agencyId, request.kind, request.subjectId),
    agencyId: request.agencyId,
    kind: request.kind,
    caseId: request.caseId,
    subjectId: request.subjectId,
    createdAt: careNow(deps).toISOString(),
    ...(request.due && { due: request.due }),
    ...(request.detail && { detail: request.detail }),
    status: 'open',
  });
}

/** Closes an agency's open item about a subject, if there is one; false otherwise. */
export async function closeWork(deps: Pick<CareDeps, 'worklist' | 'now'>, request: Pick<WorkRequest, 'agencyId' | 'kind' | 'subjectId'>): Promise<boolean> {
  return deps.worklist.close(workItemIdOf(request.agencyId, request.kind, request.subjectId), careNow(deps).toISOString());
}

/** Opens or moves the obligation about a subject: due then, owned by `agencyId`; a later `basis` always wins. */
export async function scheduleWork(deps: Pick<CareDeps, 'worklist' | 'now'>, request: WorkRequest & { due: string; basis: string }): Promise<boolean> {
  return deps.worklist.schedule({
    workItemId: obligationIdOf(request.kind, request.subjectId),
    agencyId: request.agencyId,
    kind: request.kind,
    caseId: request.caseId,
    subjectId: request.subjectId,
    createdAt: careNow(deps).toISOString(),
    due: request.due,
    basis: request.basis,
    ...(request.detail && { detail: request.detail }),
    status: 'open',
  });
}

/** Closes the obligation about a subject (it was met, or no longer applies), unless a later scheduling moved it. */
export async function closeObligation(deps: Pick<CareDeps, 'worklist' | 'now'>, kind: WorkKind, subjectId: string, basis: string): Promise<boolean> {
  return deps.worklist.close(obligationIdOf(kind, subjectId), careNow(deps).toISOString(), basis);
}

const DAY_MS = 86_400_000;

/** Whole days past due (0 when not yet due). */
export const daysOverdue = (due: string, now: Date): number => Math.max(0, Math.floor((now.getTime() - Date.parse(due)) / DAY_MS));

/**
 * The calling agency's own worklist: nobody reads another agency's. With `due`: its open obligations that are
 * overdue, due within the province's `worklistSoonDays`, or all of them, most overdue first.
 */
export async function worklistFor(
  deps: Pick<CareDeps, 'worklist' | 'now' | 'care' | 'caseFiles'>,
  reader: Reader,
  query: { status: WorkItem['status']; due?: 'overdue' | 'soon' | 'all'; limit: number; cursor?: string },
) {
  const page = { limit: query.limit, ...(query.cursor && { cursor: query.cursor }) };
  if (query.due === undefined) return inCurrentCases(deps, await deps.worklist.forAgency(reader.agencyId, query.status, page));
  const now = careNow(deps);
  const soon = new Date(now.getTime() + deps.care.worklistSoonDays * DAY_MS).toISOString();
  const range = query.due === 'overdue' ? { before: now.toISOString() } : query.due === 'soon' ? { from: now.toISOString(), before: soon } : {};
  return inCurrentCases(deps, await deps.worklist.dueFor(reader.agencyId, range, page));
}

/** Items raised under a case since merged name the case whose file holds it now (where the work is done). */
async function inCurrentCases(deps: Pick<CareDeps, 'caseFiles'>, page: Page<WorkItem>): Promise<Page<WorkItem>> {
  const ids = [...new Set(page.items.map((i) => i.caseId))];
  const current = new Map(await Promise.all(ids.map(async (id) => [id, (await deps.caseFiles.currentOf(id)) ?? id] as const)));
  return { ...page, items: page.items.map((i) => (current.get(i.caseId) === i.caseId ? i : { ...i, caseId: current.get(i.caseId)! })) };
}
