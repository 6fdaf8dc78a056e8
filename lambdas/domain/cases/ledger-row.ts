/** The ledger row of a case (重点关爱对象台账), computed from its members: pure. */
import { RISK_LEVELS } from '../../../schemas/child-record';
import type { CaseMember, LedgerRow } from '../../../schemas/entities/cases';

const rank = (risk: string | undefined) => (risk ? RISK_LEVELS.indexOf(risk as (typeof RISK_LEVELS)[number]) : -1);

export function ledgerRowOf(caseId: string, members: readonly CaseMember[], createdAt: string, now: string): LedgerRow {
  const agencyTypes: Record<string, string> = {};
  let highest: string | undefined;
  for (const m of members) {
    const since = agencyTypes[m.agencyType];
    if (!since || m.joinedAt < since) agencyTypes[m.agencyType] = m.joinedAt;
    if (rank(m.riskLevel) > rank(highest)) highest = m.riskLevel;
  }
  return {
    caseId,
    status: 'open',
    createdAt,
    updatedAt: now,
    memberCount: members.length,
    categories: [...new Set(members.flatMap((m) => m.categories))].sort(),
    regions: [...new Set(members.flatMap((m) => m.regions))].sort(),
    agencyTypes,
    ...(highest && { highestRisk: highest }),
  };
}
