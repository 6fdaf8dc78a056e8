/**
 * The ledger row as the coordinating role may see it: categories and risk
 * level only from records it holds or a case_coordination consent covers for
 * assessment data, county codes only where identity or contact data is
 * covered, agency types only when the holders may be identified. Evaluated on
 * every request, so a withdrawal shows in the next ledger view or export.
 */
import type { CaseMember, LedgerRow } from '../../../schemas/entities/cases';
import { ledgerRowOf } from '../cases/ledger-row';
import { decideCategories, mayIdentifyHolders, type Reader } from './gate';
import type { Consent, EmergencyGrant } from '../../../schemas/entities/consents';

export interface GatedLedgerRow extends LedgerRow {
  /** True when some of the case's data was left out of this row for lack of consent. */
  readonly partial: boolean;
}

export function gateLedgerRow(
  row: LedgerRow,
  members: readonly CaseMember[],
  consents: readonly Consent[],
  emergencies: readonly EmergencyGrant[],
  reader: Reader,
  now: Date,
): GatedLedgerRow {
  const allowed = (m: CaseMember, category: 'assessment' | 'identity' | 'contact') =>
    decideCategories({ reader, purpose: 'case_coordination', holderAgencyId: m.agencyId, categories: [category], consents, emergencies, now })[0]!.allowed;
  const assessment = members.filter((m) => allowed(m, 'assessment'));
  const located = members.filter((m) => allowed(m, 'identity') || allowed(m, 'contact'));
  const identify = mayIdentifyHolders(reader, consents, emergencies, now);
  const fromAssessment = ledgerRowOf(row.caseId, assessment, row.createdAt, row.updatedAt);
  const agencyTypes = identify ? row.agencyTypes : Object.fromEntries(Object.entries(row.agencyTypes).filter(([type]) => type === reader.agencyType));
  return {
    ...row,
    categories: fromAssessment.categories,
    ...(fromAssessment.highestRisk ? { highestRisk: fromAssessment.highestRisk } : { highestRisk: undefined }),
    regions: [...new Set(located.flatMap((m) => m.regions))].sort(),
    agencyTypes,
    partial: assessment.length < members.length || located.length < members.length || !identify,
  };
}
