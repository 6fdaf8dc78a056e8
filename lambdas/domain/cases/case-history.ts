/**
 * A case's members and history for the coordinating role
 * (`GET /v1/cases/{caseId}/history`). Who holds the child is itself sensitive
 * (a health holder says the child is in treatment), so other holders appear
 * as the case view's `holder:N` labels, with their agency type, only where a
 * case_coordination consent they recorded or confirmed (or the coordinator's
 * emergency access) lets the coordinator identify them.
 */
import type { CaseEvent, CaseMember, LedgerRow } from '../../../schemas/entities/cases';
import type { ConsentStore } from '../consent/ports';
import { holderLabels, type Reader } from '../consent/gate';
import { NotFoundError } from '../../shared/errors';
import { requireCoordinator, type CaseAdminDeps } from './case-admin';

export interface CaseHistoryDeps extends Pick<CaseAdminDeps, 'coordinatingAgencyType' | 'now'> {
  readonly cases: {
    ledgerRow(caseId: string): Promise<LedgerRow | undefined>;
    members(caseId: string): Promise<CaseMember[]>;
    history(caseId: string): Promise<CaseEvent[]>;
  };
  readonly consents: Pick<ConsentStore, 'forCase'>;
}

export async function caseHistory(deps: CaseHistoryDeps, reader: Reader, caseId: string) {
  requireCoordinator(deps, reader);
  const row = await deps.cases.ledgerRow(caseId);
  if (!row) throw new NotFoundError('No such case');
  const [members, events, { consents, emergencies }] = await Promise.all([
    deps.cases.members(caseId),
    deps.cases.history(caseId),
    deps.consents.forCase(caseId),
  ]);
  const now = (deps.now ?? (() => new Date()))();
  const labels = holderLabels({ reader, holders: members.map((m) => m.agencyId), consents, emergencies, now });
  return {
    caseId,
    status: row.status,
    ...(row.mergedInto && { mergedInto: row.mergedInto }),
    members: members.map((m) => ({
      recordId: m.recordId,
      holder: labels.label(m.agencyId),
      ...(labels.identified(m.agencyId) && { agencyType: m.agencyType }),
      joinedAt: m.joinedAt,
      how: m.how,
    })),
    events: events.map(({ sealedReason: _sealed, caseId: _c, byAgency, ...e }) => ({ ...e, ...(byAgency && { byAgency: labels.label(byAgency) }) })),
    recordIds: members.map((m) => m.recordId),
  };
}
