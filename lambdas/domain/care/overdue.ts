/**
 * The overdue job (docs/care-loop.md, "Overdue work"): finds every open obligation past its due date, agency by
 * agency through the due listing, and notifies its owner and the coordinating role once per item per day
 * (China Standard Time), however often it runs. Returns the counts by kind for the OverdueItems metric. The clock
 * is the deps' (`now`): tests move time, they do not sleep.
 */
import type { WorkItem } from '../../../schemas/entities/care';
import { type CareDeps, careNow, chinaDate } from './care-deps';
import { coordinatorsOf, daysOverdue } from './worklist';

export interface OverdueRun {
  readonly at: string;
  /** Overdue items found, by kind. */
  readonly byKind: Readonly<Record<string, number>>;
  readonly total: number;
  /** Notifications sent by this run (not counting those already sent today). */
  readonly notified: number;
}

export async function runOverdueJob(deps: CareDeps): Promise<OverdueRun> {
  const now = careNow(deps);
  const today = chinaDate(now);
  const coordinators = coordinatorsOf(deps);
  const byKind: Record<string, number> = {};
  let notified = 0;
  for (const agency of deps.agencies) {
    let cursor: string | undefined;
    do {
      const page = await deps.worklist.dueFor(agency.id, { before: now.toISOString() }, { limit: 100, ...(cursor && { cursor }) });
      for (const item of page.items) {
        byKind[item.kind] = (byKind[item.kind] ?? 0) + 1;
        notified += await notifyOverdue(deps, item, coordinators, today, now);
      }
      cursor = page.cursor;
    } while (cursor);
  }
  return { at: now.toISOString(), byKind, total: Object.values(byKind).reduce((a, b) => a + b, 0), notified };
}

/** Tells the owner and the coordinators about one overdue item, at most once each per day; codes only. */
async function notifyOverdue(deps: CareDeps, item: WorkItem, coordinators: readonly string[], today: string, now: Date): Promise<number> {
  let sent = 0;
  for (const recipient of new Set([item.agencyId, ...coordinators])) {
    const first = await deps.notifications.notifyOnce(`overdue#${item.workItemId}#${recipient}#${today}`, {
      recipient,
      at: now.toISOString(),
      kind: 'overdue',
      caseId: item.caseId,
      subjectId: item.subjectId,
      severity: 'info',
      overdue: { kind: item.kind, due: item.due ?? '', daysOverdue: daysOverdue(item.due ?? now.toISOString(), now), owner: item.agencyId === recipient },
    });
    if (first) sent++;
  }
  return sent;
}
