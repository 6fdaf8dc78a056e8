/** GET /v1/ledger: the province ledger of key children, for the coordinating role; JSON pages or CSV export. */
import { ledgerQuery } from '../../../schemas/cases';
import type { CasesTable } from '../../data/cases-table';
import type { LedgerRow } from '../../../schemas/entities/cases';
import type { ConsentsTable } from '../../data/consents-table';
import { gateLedgerRow, type GatedLedgerRow } from '../../domain/consent/gated-ledger';
import { requireCoordinator, type CaseAdminDeps } from '../../domain/cases/case-admin';
import { ledgerCsv, rowMatches } from '../../domain/cases/ledger';
import { callerOf, type RouteHandler } from '../../http/context';
import { csv, json } from '../../http/responses';
import { parseQuery } from '../../http/validate';

/** CSV exports stop here; narrow the filters for more. */
export const MAX_EXPORT_ROWS = 100_000;

/** Cases gated at once (one partition read each). */
const CONCURRENCY = 16;

export function getLedgerHandler(deps: CaseAdminDeps & { cases: Pick<CasesTable, 'ledger'>; consents: Pick<ConsentsTable, 'bundle'> }): RouteHandler {
  return async (event, context) => {
    const caller = callerOf(context);
    requireCoordinator(deps, caller);
    const q = parseQuery(ledgerQuery, event.queryStringParameters);
    const now = (deps.now ?? (() => new Date()))();
    // Each row is cut down to what consent lets the coordinator see before it is filtered, so a filter
    // cannot reveal withheld data either.
    const gate = async (row: LedgerRow) => {
      const { members, consents, emergencies } = await deps.consents.bundle(row.caseId);
      return gateLedgerRow(row, members, consents, emergencies, caller, now);
    };
    const rows: GatedLedgerRow[] = [];
    let cursor = q.cursor;
    const want = q.format === 'csv' ? MAX_EXPORT_ROWS : q.limit;
    let pages = 0;
    do {
      const page = await deps.cases.ledger({ limit: Math.min(500, want), ...(cursor && { cursor }) });
      for (let i = 0; i < page.items.length; i += CONCURRENCY) {
        const gated = await Promise.all(page.items.slice(i, i + CONCURRENCY).map(gate));
        rows.push(...gated.filter((r) => rowMatches(r, q)));
      }
      cursor = page.cursor;
      pages++;
    } while (cursor && rows.length < want && (q.format === 'csv' || pages < 20));
    const items = rows.slice(0, want);
    if (q.format === 'csv') {
      return csv(ledgerCsv(items), context.hub.requestId, 'ledger.csv');
    }
    // Ledger rows hold codes only (categories, risk level, agency types, county codes): no personal fields.
    const body = { items: items.map(({ status: _s, mergedInto: _m, ...row }) => row), ...(cursor && { cursor }) };
    return json(200, body, context.hub.requestId);
  };
}
