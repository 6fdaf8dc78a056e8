/**
 * Agencies' worklists (docs/care-loop.md, "Worklist"): what an agency has to do for a case. Raising the same
 * thing twice is one item (its id derives from agency, kind and subject); doing it closes the item.
 */
import type { WorkKind } from '../../../schemas/care';
import type { WorkItem } from '../../../schemas/entities/care';
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
  return deps.worklist.close(request.agencyId, workItemIdOf(request.agencyId, request.kind, request.subjectId), careNow(deps).toISOString());
}

/** The calling agency's own worklist: nobody reads another agency's. */
export async function worklistFor(deps: Pick<CareDeps, 'worklist'>, reader: Reader, query: { status: WorkItem['status']; limit: number; cursor?: string }) {
  return deps.worklist.forAgency(reader.agencyId, query.status, { limit: query.limit, ...(query.cursor && { cursor: query.cursor }) });
}
