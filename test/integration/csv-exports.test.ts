/**
 * Every CSV export through the local hub, with the OWASP CSV-injection payloads
 * planted where agencies control what reaches an export: the staff member
 * (`sub`) reaches the audit-event export and the access report. The ledger
 * carries codes only; payloads planted in a record's free text must not reach
 * it at all. Each export is read back as a spreadsheet would read it.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../client/sign-request';
import { startTestHub, type TestHub } from '../support/hub';
import { CSV_INJECTION_PAYLOADS } from '../support/csv-payloads';

let t: TestHub;
let caseId: string;
let recordId: string;
const FREE_TEXT = {
  school: '=HYPERLINK("http://evil.example","学校")',
  address: '+1+1 城关区',
  guardian: { name: '@SUM(1+1)', phone: '13800001234', relation: 'mother' },
};

beforeAll(async () => {
  t = await startTestHub();
  const published = await t.client('xz-youth-league', '-2+3').post<any>('/v1/records', {
    externalId: '-YL-CSV-1',
    name: '格桑',
    sex: 'F',
    birthDate: '2012-02-02',
    householdRegion: '540102',
    categories: ['left_behind'],
    ...FREE_TEXT,
  });
  expect(published.status, JSON.stringify(published.body)).toBe(201);
  ({ caseId, recordId } = published.body);
  // Each payload as the staff member reading the agency's own record: an access-report entry and an audit event.
  for (const sub of CSV_INJECTION_PAYLOADS) expect((await t.client('xz-youth-league', sub).get(`/v1/records/${recordId}`)).status).toBe(200);
});
afterAll(async () => {
  await t.hub.close();
});

const TRIGGERS = /^[=+\-@\t\r\n＝＋－＠]/;
const neutralised = (value: string) => (TRIGGERS.test(value) ? `'${value}` : value);

/** Downloads an export's exact bytes (fetch's text() would drop the BOM). */
async function download(agencyId: string, pathWithQuery: string): Promise<{ status: number; type: string | null; bytes: Buffer }> {
  const authorization = await signRequest(t.province.agencies[agencyId]!.credentials, { hubId: 'xinqiao-540000', method: 'GET', pathWithQuery });
  const res = await fetch(new URL(pathWithQuery, t.hub.baseUrl), { headers: { authorization } });
  return { status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
}

/** The export as a spreadsheet reads it: UTF-8 with a BOM, CRLF records, RFC 4180 quoting, no cell a formula could start in. */
async function readExport(agencyId: string, pathWithQuery: string): Promise<{ rows: string[][]; text: string }> {
  const { status, type, bytes } = await download(agencyId, pathWithQuery);
  expect(status).toBe(200);
  expect(type).toBe('text/csv; charset=utf-8');
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = bytes.toString('utf8');
  expect(text.endsWith('\r\n')).toBe(true);
  const rows = parse(text, { bom: true, record_delimiter: '\r\n' }) as string[][];
  for (const row of rows) for (const cell of row) expect(cell, `cell ${JSON.stringify(cell)}`).not.toMatch(TRIGGERS);
  return { rows, text };
}

const officer = () => t.client('officer-zhang', 'officer-zhang');

describe('CSV exports neutralise spreadsheet formulas', () => {
  it('audit events: every planted staff member reads back as text, prefixed where it would start a formula', async () => {
    const [header, ...rows] = (await readExport('officer-zhang', '/v1/audit/events?format=csv&agencyId=xz-youth-league&limit=10000')).rows;
    const sub = header!.indexOf('sub(经办人)');
    const route = header!.indexOf('route(操作)');
    const reads = rows.filter((r) => r[route] === 'GET /v1/records/{recordId}').map((r) => r[sub]);
    expect(reads.sort()).toEqual(CSV_INJECTION_PAYLOADS.map(neutralised).sort());
    expect(rows.find((r) => r[route] === 'POST /v1/records')?.[sub]).toBe("'-2+3");
    // The JSON search keeps the exact value: neutralising is for spreadsheets only.
    const json = await officer().get<any>('/v1/audit/events?agencyId=xz-youth-league&route=GET%20%2Fv1%2Frecords%2F%7BrecordId%7D&limit=10000');
    expect(json.body.items.map((e: any) => e.sub).sort()).toEqual([...CSV_INJECTION_PAYLOADS].sort());
  });

  it('access report: every planted staff member reads back as text', async () => {
    const [header, ...rows] = (await readExport('officer-zhang', `/v1/audit/cases/${caseId}/access-report?format=csv`)).rows;
    const sub = header!.indexOf('sub(经办人)');
    expect(rows.map((r) => r[sub]).sort()).toEqual(CSV_INJECTION_PAYLOADS.map(neutralised).sort());
  });

  it('ledger: codes only, and none of the free text planted in the record reaches it', async () => {
    const { rows, text } = await readExport('xz-civil-affairs', '/v1/ledger?format=csv');
    expect(rows.some((r) => r[0] === caseId)).toBe(true);
    for (const planted of ['-YL-CSV-1', 'HYPERLINK', '+1+1', 'SUM(', '-2+3', '格桑']) expect(text).not.toContain(planted);
  });
});
