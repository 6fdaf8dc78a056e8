/**
 * The ledger as the coordinating role may see it (`GET /v1/ledger`): each row
 * cut down to categories and risk level only from records it holds or a
 * case_coordination consent covers for assessment data, county codes only
 * where identity or contact data is covered, agency types only of holders
 * that may be identified (`mayIdentifyHolder`, per holder). Rows are cut down
 * before they are filtered, so a filter cannot reveal withheld data either.
 * Evaluated on every request: a withdrawal shows in the next view or export.
 */
import type { LedgerQuery } from '../../../schemas/cases';
import type { CaseMember, LedgerRow } from '../../../schemas/entities/cases';
import type { Consent, EmergencyGrant } from '../../../schemas/entities/consents';
import type { AgencyType } from '../../../schemas/child-record';
import { requireCoordinator } from '../cases/case-admin';
import { withCaseFileMemo } from '../cases/case-file';
import { ledgerRowOf } from '../cases/ledger-row';
import { rowMatches } from '../cases/ledger';
import { decideCategories, mayIdentifyHolder, type Reader } from './gate';
import type { ConsentStore, LedgerPages } from './ports';
import { gatedState } from '../care/assessments';
import type { AssessmentStore, KeyRecipientStore } from '../care/ports';

export interface GatedLedgerRow extends LedgerRow {
  /** True when some of the case's data was left out of this row for lack of consent. */
  readonly partial: boolean;
  /** Where the child stands in identification and assessment, through the gate (never_assessed differs from identified_healthy). */
  readonly assessment?: ReturnType<typeof gatedState>;
  /** Whether the child is a key recipient (重点关爱服务对象): the coordinating role's own ledger, not another agency's data. */
  readonly keyRecipient?: { status: 'active' | 'exited' | 'never'; since?: string; reasons?: readonly string[] };
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
  const identified = members.filter((m) => m.agencyId === reader.agencyId || mayIdentifyHolder(reader, m.agencyId, consents, emergencies, now));
  const types = new Set<string>([reader.agencyType, ...identified.map((m) => m.agencyType)]);
  const fromAssessment = ledgerRowOf(row.caseId, assessment, row.createdAt, row.updatedAt);
  return {
    ...row,
    categories: fromAssessment.categories,
    ...(fromAssessment.highestRisk ? { highestRisk: fromAssessment.highestRisk } : { highestRisk: undefined }),
    regions: [...new Set(located.flatMap((m) => m.regions))].sort(),
    agencyTypes: Object.fromEntries(Object.entries(row.agencyTypes).filter(([type]) => types.has(type))),
    partial: assessment.length < members.length || located.length < members.length || identified.length < members.length,
  };
}

/** CSV exports stop here; narrow the filters for more. */
export const MAX_EXPORT_ROWS = 100_000;

/** Cases gated at once (one partition read each). */
const CONCURRENCY = 16;

export interface LedgerDeps {
  readonly coordinatingAgencyType: AgencyType;
  readonly cases: LedgerPages;
  readonly consents: Pick<ConsentStore, 'bundle'>;
  readonly assessments: Pick<AssessmentStore, 'state'>;
  readonly keyRecipients: Pick<KeyRecipientStore, 'status'>;
  readonly now?: () => Date;
}

/**
 * One page of gated, filtered ledger rows (`limit`, reading at most 20 ledger pages), or for an export every
 * matching row up to MAX_EXPORT_ROWS. The coordinating role only.
 */
export async function readLedger(deps: LedgerDeps, reader: Reader, q: LedgerQuery): Promise<{ items: GatedLedgerRow[]; cursor?: string }> {
  requireCoordinator(deps, reader);
  const now = (deps.now ?? (() => new Date()))();
  // Each row in its own memo of case files: its bundle, state and key-recipient status compute the row's file once,
  // and an export of MAX_EXPORT_ROWS rows holds no more than CONCURRENCY rows' histories at a time.
  const gate = (row: LedgerRow): Promise<GatedLedgerRow> => withCaseFileMemo(() => gateRow(row));
  const gateRow = async (row: LedgerRow): Promise<GatedLedgerRow> => {
    const [{ members, consents, emergencies }, state, key] = await Promise.all([
      deps.consents.bundle(row.caseId),
      deps.assessments.state(row.caseId),
      deps.keyRecipients.status(row.caseId),
    ]);
    return {
      ...gateLedgerRow(row, members, consents, emergencies, reader, now),
      assessment: gatedState(state, reader, 'case_coordination', consents, emergencies, now),
      keyRecipient: { status: key.status, ...(key.since && { since: key.since }), ...(key.reasons && { reasons: key.reasons }) },
    };
  };
  const rows: GatedLedgerRow[] = [];
  let cursor = q.cursor;
  const want = q.format === 'csv' ? MAX_EXPORT_ROWS : q.limit;
  let pages = 0;
  do {
    const page = await deps.cases.ledger({ limit: Math.min(500, want), ...(cursor && { cursor }) });
    for (let i = 0; i < page.items.length; i += CONCURRENCY) {
      const gated = await Promise.all(page.items.slice(i, i + CONCURRENCY).map(gate));
      rows.push(...gated.filter((r) => rowMatches(r, q) && (!q.keyRecipient || r.keyRecipient?.status === q.keyRecipient)));
    }
    cursor = page.cursor;
    pages++;
  } while (cursor && rows.length < want && (q.format === 'csv' || pages < 20));
  return { items: rows.slice(0, want), ...(cursor && { cursor }) };
}
