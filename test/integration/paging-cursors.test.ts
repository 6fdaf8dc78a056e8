/**
 * Forged paging cursors, fuzzed through the local hub on every paged route:
 * the ledger, the review queue, the officers' event search, notifications and
 * a list job's report. A cursor the hub did not issue is a 400
 * VALIDATION_FAILED, never a 500; the hub's own cursors keep working.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../client/sign-request';
import { startTestHub, type TestHub } from '../support/hub';
import { idNumberFor } from '../support/records';

let t: TestHub;
let ledgerCursor: string;
let eventsCursor: string;
let jobId: string;

beforeAll(async () => {
  t = await startTestHub();
  for (let i = 1; i <= 3; i++) {
    const birth = `2010-0${i}-0${i}`;
    const res = await t.client('xz-civil-affairs').post<any>('/v1/records', {
      externalId: `PAGE-${i}`,
      name: `分页${'甲乙丙'[i - 1]}`,
      sex: 'M',
      birthDate: birth,
      idNumber: idNumberFor('540102', birth, 500 + i),
      householdRegion: '540102',
      categories: [],
    });
    expect(res.status).toBe(201);
  }
  ledgerCursor = (await t.client('xz-civil-affairs').get<any>('/v1/ledger?limit=1')).body.cursor;
  eventsCursor = (await t.client('officer-zhang').get<any>('/v1/audit/events?limit=1')).body.nextCursor;
  const csv = 'externalId,name\nPAGE-L1,王一\nPAGE-L2,王二\n';
  const authorization = await signRequest(t.province.agencies['xz-civil-affairs']!.credentials, {
    hubId: 'xinqiao-540000',
    method: 'POST',
    pathWithQuery: '/v1/lists',
    body: csv,
  });
  const upload = await fetch(new URL('/v1/lists', t.hub.baseUrl), { method: 'POST', headers: { authorization, 'content-type': 'text/csv' }, body: csv });
  jobId = ((await upload.json()) as any).job.jobId;
  await t.hub.listQueue.drained();
});
afterAll(async () => {
  await t.hub.close();
});

const b64 = (v: string | Uint8Array) => Buffer.from(v).toString('base64url');
const keyValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('', 'LEDGER', 'LEDGER#merged', 'REVIEW#pending', 'CASE#x', 'META'),
  fc.string({ minLength: 300, maxLength: 400 }),
  fc.integer(),
  fc.constant(null),
  fc.record({ S: fc.string() }),
);
const keyShaped = fc.record({ pk: keyValue, sk: keyValue, gsi1pk: keyValue, gsi1sk: keyValue }, { requiredKeys: [] });

/** Cursors the hub never issued: text, random bytes, any JSON, key-shaped JSON (plain or as attribute values), edits of real ones. */
function forgedCursor(real: string) {
  return fc.oneof(
    fc.string({ minLength: 1, maxLength: 200 }),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }),
    fc.uint8Array({ minLength: 1, maxLength: 120 }).map(b64),
    fc.jsonValue().map((v) => b64(JSON.stringify(v))),
    keyShaped.map((k) => b64(JSON.stringify(k))),
    keyShaped.map((k) => b64(JSON.stringify(Object.fromEntries(Object.entries(k).map(([n, v]) => [n, { S: v }]))))),
    fc
      .constantFrom(`${real}=`, `${real}.`, real.slice(0, -1), `${real}A`, real.toLowerCase(), real.replace(/[A-Za-z]/, '-'))
      .filter((c) => c !== real && c.length > 0),
  );
}

/** A query value exactly as the URL parser will send it (so that the signed htu matches). */
const q = (v: string) => encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

async function expectRefused(agencyId: string, pathWithQuery: string) {
  const res = await t.client(agencyId).get<any>(pathWithQuery);
  expect(res.status, `${pathWithQuery} -> ${res.status} ${JSON.stringify(res.body)}`).toBe(400);
  expect(res.body.error.code).toBe('VALIDATION_FAILED');
  expect(res.body.error.details.map((d: any) => d.path)).toContain(pathWithQuery.includes('afterRow=') ? 'afterRow' : 'cursor');
}

const RUNS = { numRuns: 40, endOnFailure: true };

describe('forged paging cursors', () => {
  it('the hub’s own cursors page on', async () => {
    expect((await t.client('xz-civil-affairs').get<any>(`/v1/ledger?limit=1&cursor=${ledgerCursor}`)).status).toBe(200);
    expect((await t.client('officer-zhang').get<any>(`/v1/audit/events?limit=1&cursor=${q(eventsCursor)}`)).status).toBe(200);
    expect((await t.client('xz-civil-affairs').get<any>(`/v1/lists/${jobId}?afterRow=1&limit=1`)).body.rows).toHaveLength(1);
  });

  it('ledger: 400 VALIDATION_FAILED, never 500', async () => {
    await fc.assert(
      fc.asyncProperty(forgedCursor(ledgerCursor), (c) => expectRefused('xz-civil-affairs', `/v1/ledger?limit=2&cursor=${q(c)}`)),
      RUNS,
    );
  });

  it('review queue: 400 VALIDATION_FAILED, never 500, also for a ledger cursor', async () => {
    await expectRefused('xz-civil-affairs', `/v1/reviews?cursor=${ledgerCursor}`);
    await fc.assert(
      fc.asyncProperty(forgedCursor(ledgerCursor), (c) => expectRefused('xz-civil-affairs', `/v1/reviews?cursor=${q(c)}`)),
      RUNS,
    );
  });

  it('officers’ event search: 400 VALIDATION_FAILED, never 500, also for a ledger cursor', async () => {
    await expectRefused('officer-zhang', `/v1/audit/events?cursor=${ledgerCursor}`);
    await fc.assert(
      fc.asyncProperty(forgedCursor(eventsCursor), (c) => expectRefused('officer-zhang', `/v1/audit/events?cursor=${q(c)}`)),
      RUNS,
    );
  });

  it('notifications take no cursor: 400 VALIDATION_FAILED', async () => {
    await fc.assert(
      fc.asyncProperty(forgedCursor(ledgerCursor), (c) => expectRefused('xz-education', `/v1/notifications?cursor=${q(c)}`)),
      { numRuns: 10 },
    );
  });

  it('list job report: afterRow out of range or not a row number is 400 VALIDATION_FAILED, never 500', async () => {
    // Any spelling of a row number 0..50,000 (the most rows a list has) is a position; nothing else is.
    const isRowNumber = (s: string) => s.trim() !== '' && Number.isInteger(Number(s)) && Number(s) >= 0 && Number(s) <= 50_000;
    const bad = fc.oneof(
      fc.constantFrom('-1', '1.5', '1e309', 'NaN', 'Infinity', '99999999', '100000000', '999999999999'),
      fc.integer({ min: 50_001 }).map(String),
      fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !isRowNumber(s) && s.trim() !== ''),
    );
    await fc.assert(
      fc.asyncProperty(bad, (after) => expectRefused('xz-civil-affairs', `/v1/lists/${jobId}?afterRow=${q(after)}`)),
      RUNS,
    );
  });
});
