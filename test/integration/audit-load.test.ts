/**
 * The audit chain append under load: 64 concurrent signed requests on the local
 * hub (loopback only), a bounded number of them, and not one refused because
 * writers met on a chain head. Times are not asserted (see bench/audit.bench.ts).
 */
import { HubClient } from '../../client/hub-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditTable } from '../../lambdas/data/audit-table';
import { SealsTable } from '../../lambdas/data/seals-table';
import { verifyAudit } from '../../lambdas/domain/audit/verify';
import { timeOrderedId } from '../../lambdas/shared/ids';
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
    expect(Object.fromEntries(statuses)).toEqual({ 200: TOTAL / 2, 201: TOTAL / 2 });

    const events = await t.scan('audit');
    expect(events.filter((e: any) => e.route?.S === 'GET /v1/notifications' || e.route?.S === 'POST /v1/records')).toHaveLength(TOTAL);
    const officers = t.hub.runtime.officers;
    expect(await verifyAudit({ events: officers.events, seals: officers.seals, signer: officers.signer })).toMatchObject({ ok: true, problems: [] });
  }, 180_000);
});

describe('audit chain append from many instances', () => {
  it('appends 600 events from 64 writers with their own chain pools (as 64 Lambda instances) without refusing one, each chained once', async () => {
    const seals = new SealsTable(t.hub.dynamo, t.hub.tables.seals);
    const writers = Array.from({ length: CONCURRENCY }, () => new AuditTable(t.hub.dynamo, t.hub.tables.audit, 86_400, seals));
    const before = (await t.scan('audit')).length;
    let next = 0;
    let refused = 0;
    await Promise.all(
      writers.map(async (w) => {
        while (next < TOTAL) {
          next++;
          const time = new Date();
          await w
            .append({
              eventId: timeOrderedId('evt', time.getTime()),
              time: time.toISOString(),
              requestId: 'load',
              province: '540000',
              route: 'GET /v1/notifications',
              path: '/v1/notifications',
              agencyVerified: true,
              recordIds: [],
              outcome: 'allow',
              status: 200,
            })
            .catch(() => refused++);
        }
      }),
    );
    expect(refused).toBe(0);
    const items = await t.scan('audit');
    expect(items.length - before).toBe(TOTAL);
    const positions = new Set(items.map((e: any) => `${e.chain.N}:${e.seq.N}`));
    expect(positions.size).toBe(items.length);
    // Right after the storm, on a loaded machine, the store may still be slow: the hub then answers 503 with
    // Retry-After (never a wrong verification), and an officer's client retries as docs/protocol.md says.
    const officer = new HubClient({ ...t.client('officer-zhang', 'officer-zhang').options, retry: { attempts: 4, maxDelayMs: 5_000 } });
    const verify = await officer.get<any>('/v1/audit/verify');
    expect(verify.body).toMatchObject({ ok: true, problems: [] });
  }, 120_000);
});
