/**
 * The audit chain append under load: 64 concurrent signed requests on the local
 * hub (loopback only), a bounded number of them, and not one refused because
 * writers met on a chain head. Times are not asserted (see bench/audit.bench.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../support/hub';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.hub.close();
});

const CONCURRENCY = 64;
const TOTAL = 600;

async function runConcurrently(total: number, concurrency: number, call: (i: number) => Promise<number>): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const status = await call(next++);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  return statuses;
}

describe('audit chain append under load', () => {
  it('refuses no request for chain contention at 64 concurrent requests, and every request is audited once in an intact trail', async () => {
    const agencies = ['xz-education', 'xz-health', 'xz-civil-affairs', 'xz-youth-league'];
    const statuses = await runConcurrently(TOTAL, CONCURRENCY, async (i) => {
      const client = t.client(agencies[i % agencies.length]!, `load-${i % 7}`);
      const res =
        i % 2 === 0 ? await client.post('/v1/records', { externalId: `LOAD-${i}`, name: `负载${i}`, categories: [] }) : await client.get('/v1/notifications');
      return res.status;
    });
    console.log(Object.fromEntries(statuses));
    expect(Object.fromEntries(statuses)).toEqual({ 200: TOTAL / 2, 201: TOTAL / 2 });

    const events = await t.scan('audit');
    expect(events.filter((e: any) => e.route?.S === 'GET /v1/notifications' || e.route?.S === 'POST /v1/records')).toHaveLength(TOTAL);
    const verify = await t.client('officer-zhang', 'officer-zhang').get<any>('/v1/audit/verify');
    expect(verify.body).toMatchObject({ ok: true, problems: [] });
  }, 120_000);
});
