/** Officers' searches through the audit indexes, the access report's cost, paging cursors, and incremental verification. */
import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessReport, searchEvents } from '../../lambdas/domain/audit/officer-queries';
import { startTestHub, type TestHub } from '../support/hub';
import { idNumberFor } from '../support/records';

let t: TestHub;
let caseA: string;
let recordA: string;
beforeAll(async () => {
  t = await startTestHub();
  const child = (n: number) => ({
    name: `索朗${n}`,
    sex: 'M',
    birthDate: '2010-01-01',
    idNumber: idNumberFor('540102', '2010-01-01', n),
    householdRegion: '540102',
    categories: [],
  });
  const edu = t.client('xz-education', 'teacher-5');
  const a = await edu.post<any>('/v1/records', { externalId: 'Q-A', ...child(71) });
  caseA = a.body.caseId;
  recordA = a.body.recordId;
  // Traffic about other children, by other agencies and staff members.
  for (let i = 0; i < 12; i++) await t.client('xz-health', `doctor-${i % 3}`).post('/v1/records', { externalId: `Q-H${i}`, ...child(80 + i) });
  for (let i = 0; i < 3; i++) await edu.get(`/v1/records/${recordA}`);
});
afterAll(async () => {
  await t.hub.close();
});

const officer = () => t.client('officer-zhang', 'officer-zhang');

describe('officers’ searches', () => {
  it('finds a case’s events by case, including reads of its record by the publisher', async () => {
    const res = await officer().get<any>(`/v1/audit/events?caseId=${caseA}`);
    expect(res.status).toBe(200);
    const routes = res.body.items.map((e: any) => e.route);
    expect(routes.filter((r: string) => r === 'GET /v1/records/{recordId}')).toHaveLength(3);
    expect(routes).toContain('POST /v1/records');
    expect(res.body.items.every((e: any) => e.caseIds[0] === caseA)).toBe(true);
  });

  it('finds a staff member’s events, and a day’s events, newest first', async () => {
    const staff = await officer().get<any>('/v1/audit/events?agencyId=xz-health&sub=doctor-1');
    expect(staff.body.items).toHaveLength(4);
    expect(staff.body.items.every((e: any) => e.sub === 'doctor-1' && e.agencyId === 'xz-health')).toBe(true);
    const today = new Date().toISOString().slice(0, 10);
    const from = `${today}T00:00:00.000Z`;
    const day = await officer().get<any>(`/v1/audit/events?from=${from}&route=${encodeURIComponent('POST /v1/records')}&limit=5`);
    expect(day.body.items).toHaveLength(5);
    const times = day.body.items.map((e: any) => e.time);
    expect(times).toEqual([...times].sort().reverse());
    const rest = await officer().get<any>(
      `/v1/audit/events?from=${from}&route=${encodeURIComponent('POST /v1/records')}&limit=50&cursor=${encodeURIComponent(day.body.nextCursor)}`,
    );
    expect(rest.body.items).toHaveLength(8);
    expect(rest.body.nextCursor).toBeUndefined();
  });

  it('reads a long day range at most a month per page, continuing through the cursor', async () => {
    const from = new Date(Date.now() - 100 * 86_400_000).toISOString();
    const first = await officer().get<any>(`/v1/audit/events?from=${from}&outcome=error`);
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(0);
    expect(first.body.nextCursor).toBeTruthy();
    let cursor = first.body.nextCursor;
    let pages = 1;
    while (cursor) {
      const next = await officer().get<any>(`/v1/audit/events?from=${from}&outcome=error&cursor=${encodeURIComponent(cursor)}`);
      expect(next.status).toBe(200);
      cursor = next.body.nextCursor;
      pages++;
    }
    expect(pages).toBe(4); // 101 UTC days, 32 a page
  });

  it('answers a search over the default window (the last 31 days) in one page: no cursor to an empty page', async () => {
    const res = await officer().get<any>('/v1/audit/events?outcome=error');
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(0);
    expect(res.body.nextCursor).toBeUndefined();
    const all = await officer().get<any>('/v1/audit/events?limit=500');
    expect(all.body.items.length).toBeGreaterThan(12);
    expect(all.body.nextCursor).toBeUndefined();
  });

  it('refuses forged or foreign paging cursors with 400 VALIDATION_FAILED', async () => {
    const page = await officer().get<any>('/v1/audit/events?agencyId=xz-health&limit=2');
    const forged = ['x', 'eyJpIjoiYnlEYXkifQ', Buffer.from('{"i":"byCase","k":"case_1","t":"nope","e":"evt_1"}').toString('base64url'), page.body.nextCursor];
    for (const [i, cursor] of forged.entries()) {
      const query = i === 3 ? 'agencyId=xz-education' : 'agencyId=xz-health';
      const res = await officer().get<any>(`/v1/audit/events?${query}&cursor=${encodeURIComponent(cursor)}`);
      expect(res.status, cursor).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('refuses a malformed or reversed date range with 400 VALIDATION_FAILED naming the bound, in Chinese and English', async () => {
    const cases: [string, string, string][] = [
      ['from=2026-12-03', 'from', '不是有效的 UTC 日期时间，例如 2026-12-03T09:05:09Z'],
      ['to=2026-02-30T00:00:00Z', 'to', '不是有效的 UTC 日期时间，例如 2026-12-03T09:05:09Z'],
      [`from=${encodeURIComponent('2026-12-03T09:00:00+08:00')}`, 'from', '不是有效的 UTC 日期时间，例如 2026-12-03T09:05:09Z'],
      ['from=2026-12-04T00:00:00Z&to=2026-12-03T00:00:00Z', 'from', '起始时间晚于结束时间'],
    ];
    for (const [query, path, zh] of cases) {
      const res = await officer().get<any>(`/v1/audit/events?${query}&agencyId=xz-health`);
      expect(res.status, query).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'The date range is not valid', message_zh: '日期范围无效' });
      expect(res.body.error.details).toEqual([{ path, message: expect.any(String), message_zh: zh }]);
    }
    const ok = await officer().get<any>('/v1/audit/events?from=2026-12-03T00:00:00Z&to=2026-12-03T00:00:00Z&agencyId=xz-health');
    expect(ok.status).toBe(200);
  });

  it('keeps to the date range (from included, to excluded), with or without a key to search by', async () => {
    const all = await officer().get<any>('/v1/audit/events?agencyId=xz-health&limit=100');
    const times = all.body.items.map((e: any) => e.time).sort();
    const [from, to] = [times[3], times[8]];
    for (const key of ['agencyId=xz-health&', '']) {
      const res = await officer().get<any>(`/v1/audit/events?${key}from=${from}&to=${to}&limit=100`);
      const inRange = res.body.items.filter((e: any) => e.agencyId === 'xz-health').map((e: any) => e.time);
      expect(inRange.sort(), key).toEqual(times.slice(3, 8));
      expect(res.body.items.every((e: any) => e.time >= from && e.time < to)).toBe(true);
    }
  });

  it('reads only the case’s own events for its access report and for a search by case', async () => {
    const ofCase = (await t.scan('audit')).filter((e: any) => e.caseId?.S === caseA).length;
    const total = (await t.scan('audit')).length;
    const report = await accessReport(t.hub.runtime.officers, caseA);
    expect(report.entries.filter((e) => e.legalBasis.includes('own_record'))).toHaveLength(3);
    expect(report.read).toBeLessThanOrEqual(ofCase);
    expect(total).toBeGreaterThan(4 * ofCase);
    const search = await searchEvents(t.hub.runtime.officers, { caseId: caseA }, 100);
    expect(search.read).toBe(ofCase);
  });
});

describe('incremental verification', () => {
  it('starts from the last verified digest, verifies only what came after, and still catches a change after it', async () => {
    await officer().post('/v1/audit/digests', {});
    const full = await officer().get<any>('/v1/audit/verify?mode=full');
    expect(full.body).toMatchObject({ ok: true, mode: 'full' });
    for (let i = 0; i < 3; i++) await t.client('xz-education', 'teacher-5').get(`/v1/records/${recordA}`);

    const incremental = await officer().get<any>('/v1/audit/verify?mode=incremental');
    expect(incremental.body).toMatchObject({ ok: true, mode: 'incremental' });
    expect(incremental.body.from.digestId).toMatch(/^dig_/);
    expect(incremental.body.events).toBeLessThan(full.body.events);

    // Delete an event written after the checkpoint: the incremental run names it.
    const after = (await t.scan('audit'))
      .filter((e: any) => e.route?.S === 'GET /v1/records/{recordId}')
      .sort((a: any, b: any) => (a.time.S < b.time.S ? 1 : -1))[0] as any;
    await t.hub.dynamo.send(new DeleteItemCommand({ TableName: t.hub.tables.audit, Key: { pk: after.pk } }));
    const tampered = await officer().get<any>('/v1/audit/verify?mode=incremental');
    expect(tampered.body.ok).toBe(false);
    expect(['deleted', 'truncated']).toContain(tampered.body.first.kind);
    expect(tampered.body.first.chain).toBe(Number(after.chain.N));
  });

  it('refuses an unknown verification mode with 400', async () => {
    const res = await officer().get<any>('/v1/audit/verify?mode=partial');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });
});
