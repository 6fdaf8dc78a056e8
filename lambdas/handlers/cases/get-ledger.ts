/** GET /v1/ledger: the province ledger of key children, for the coordinating role; JSON pages or CSV export. */
import { ledgerQuery } from '../../../schemas/cases';
import { ledgerCsv } from '../../domain/cases/ledger';
import { readLedger, type LedgerDeps } from '../../domain/consent/gated-ledger';
import { callerOf, type RouteHandler } from '../../http/context';
import { csv, json } from '../../http/responses';
import { parseQuery } from '../../http/validate';

export function getLedgerHandler(deps: LedgerDeps): RouteHandler {
  return async (event, context) => {
    const caller = callerOf(context);
    const q = parseQuery(ledgerQuery, event.queryStringParameters);
    const { items, cursor } = await readLedger(deps, caller, q);
    if (q.format === 'csv') {
      return csv(ledgerCsv(items), context.hub.requestId, 'ledger.csv');
    }
    // Ledger rows hold codes only (categories, risk level, agency types, county codes): no personal fields.
    const body = { items: items.map(({ status: _s, mergedInto: _m, ...row }) => row), ...(cursor && { cursor }) };
    return json(200, body, context.hub.requestId);
  };
}
