/** The transport's retries, timeouts and idempotency keys, against a stand-in hub on 127.0.0.1 (test/client/support.ts). */
import { afterEach, describe, expect, it } from 'vitest';
import { HubClient, HubTimeoutError, isIdempotent, type RetryPolicy } from '../../client/hub-client';
import { claims, credentials, jti, recordedWaits, type StandIn, standInHub } from './support';

let hub: StandIn | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

async function clientFor(stand: StandIn, retry: Partial<RetryPolicy> = {}, more: { attemptTimeoutMs?: number; deadlineMs?: number } = {}) {
  return new HubClient({ baseUrl: stand.baseUrl, hubId: 'xinqiao-540000', credentials: await credentials(), retry, ...more });
}

describe('retries on 429 and 503', () => {
  it('retries a publish after 503 and 429 with a new token each time and the same body bytes, waiting as Retry-After says', async () => {
    hub = await standInHub([
      { status: 503, code: 'SERVICE_UNAVAILABLE', retryAfter: '2' },
      { status: 429, code: 'TOO_MANY_REQUESTS', retryAfter: '1' },
      { status: 201 },
    ]);
    const { waits, sleep } = recordedWaits();
    const client = await clientFor(hub, { sleep, baseDelayMs: 100 });

    const res = await client.post('/v1/records', { externalId: 'E-1' });

    expect(res.status).toBe(201);
    expect(hub.seen).toHaveLength(3);
    expect(new Set(hub.seen.map((s) => jti(s.headers.authorization))).size).toBe(3);
    expect(new Set(hub.seen.map((s) => s.body))).toEqual(new Set(['{"externalId":"E-1"}']));
    // Never sooner than Retry-After, spread by at most one base step after it.
    expect(waits[0]).toBeGreaterThanOrEqual(2000);
    expect(waits[0]).toBeLessThan(2100);
    expect(waits[1]).toBeGreaterThanOrEqual(1000);
    expect(waits[1]).toBeLessThan(1100);
  });

  it('reads Retry-After as an HTTP date', async () => {
    const at = new Date(Math.ceil(Date.now() / 1000) * 1000 + 3000).toUTCString();
    hub = await standInHub([{ status: 503, code: 'SERVICE_UNAVAILABLE', retryAfter: at }, { status: 200 }]);
    const { waits, sleep } = recordedWaits();
    const client = await clientFor(hub, { sleep, baseDelayMs: 1 });

    expect((await client.get('/v1/notifications')).status).toBe(200);

    // The date is three to four seconds ahead of a moment before the request (dates count whole seconds).
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(2000);
    expect(waits[0]).toBeLessThanOrEqual(4001);
  });

  it('without Retry-After, backs off exponentially with jitter, each wait under its step', async () => {
    hub = await standInHub([{ status: 503, code: 'SERVICE_UNAVAILABLE' }]);
    const { waits, sleep } = recordedWaits();
    const client = await clientFor(hub, { sleep, attempts: 5, baseDelayMs: 100, maxDelayMs: 350 });

    expect((await client.get('/v1/ledger')).status).toBe(503);

    expect(hub.seen).toHaveLength(5);
    expect(waits).toHaveLength(4);
    [100, 200, 350, 350].forEach((step, i) => {
      expect(waits[i]).toBeGreaterThanOrEqual(0);
      expect(waits[i]).toBeLessThan(step);
    });
  });

  it('returns the answer rather than retry early when Retry-After asks for longer than maxDelayMs', async () => {
    hub = await standInHub([{ status: 429, code: 'TOO_MANY_REQUESTS', retryAfter: '60' }, { status: 200 }]);
    const client = await clientFor(hub, { maxDelayMs: 10_000 });

    const res = await client.get('/v1/worklist');

    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('60');
    expect(hub.seen).toHaveLength(1);
  });

  it('stops after its bounded attempts and returns the last answer', async () => {
    hub = await standInHub([{ status: 503, code: 'SERVICE_UNAVAILABLE', retryAfter: '1' }]);
    const { sleep } = recordedWaits();
    const client = await clientFor(hub, { attempts: 4, sleep });
    const res = await client.get('/v1/notifications');
    expect(res.status).toBe(503);
    expect(hub.seen).toHaveLength(4);
  });

  it('does not resend a request that is not idempotent, nor a STATE_CONFLICT', async () => {
    hub = await standInHub([{ status: 503, code: 'SERVICE_UNAVAILABLE', retryAfter: '1' }]);
    const { sleep } = recordedWaits();
    expect((await (await clientFor(hub, { sleep })).post('/v1/consents', {})).status).toBe(503);
    expect(hub.seen).toHaveLength(1);
    await hub.close();
    hub = await standInHub([{ status: 409, code: 'STATE_CONFLICT' }]);
    expect((await (await clientFor(hub, { sleep })).get('/v1/reviews')).status).toBe(409);
    expect(hub.seen).toHaveLength(1);
  });

  it('retries 409 CONFLICT, and a request the caller declares safe', async () => {
    hub = await standInHub([{ status: 409, code: 'CONFLICT' }, { status: 200 }]);
    const { sleep } = recordedWaits();
    const client = await clientFor(hub, { sleep });
    expect((await client.post('/v1/consents/c1/withdraw', {}, { retry: true })).status).toBe(200);
    expect(hub.seen).toHaveLength(2);
  });

  it('retries an idempotent request whose connection failed, then gives up with the error', async () => {
    hub = await standInHub([{ status: 200 }]);
    await hub.close();
    let retries = 0;
    const client = await clientFor(hub, { attempts: 3, maxDelayMs: 1, onRetry: () => void retries++ });
    await expect(client.get('/v1/notifications')).rejects.toThrow(TypeError);
    expect(retries).toBe(2);
  });
});

describe('timeouts and deadlines', () => {
  it('ends an attempt that gets no answer, retries it when it is idempotent, then rejects with ATTEMPT_TIMEOUT', async () => {
    hub = await standInHub([{ status: 0, hang: true }]);
    const { sleep } = recordedWaits();
    const client = await clientFor(hub, { attempts: 3, sleep }, { attemptTimeoutMs: 100 });

    const error = await client.get('/v1/notifications').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(HubTimeoutError);
    expect(error).toMatchObject({ name: 'HubTimeoutError', code: 'ATTEMPT_TIMEOUT', afterMs: 100 });
    expect(hub.seen).toHaveLength(3);
    expect(new Set(hub.seen.map((s) => jti(s.headers.authorization))).size).toBe(3);
  });

  it('answers after a hung attempt when the retry is answered', async () => {
    hub = await standInHub([
      { status: 0, hang: true },
      { status: 200, body: { items: [] } },
    ]);
    const { sleep } = recordedWaits();
    const client = await clientFor(hub, { sleep }, { attemptTimeoutMs: 100 });
    expect(await client.call('GET /v1/notifications', {})).toEqual({ items: [] });
    expect(hub.seen).toHaveLength(2);
  });

  it('does not resend a create without idempotency whose attempt timed out', async () => {
    hub = await standInHub([{ status: 0, hang: true }]);
    const client = await clientFor(hub, {}, { attemptTimeoutMs: 100 });
    await expect(client.post('/v1/consents', {})).rejects.toMatchObject({ code: 'ATTEMPT_TIMEOUT' });
    expect(hub.seen).toHaveLength(1);
  });

  it('rejects with DEADLINE_EXCEEDED when the whole call runs out of time, mid-attempt', async () => {
    hub = await standInHub([{ status: 0, hang: true }]);
    const client = await clientFor(hub, {}, { attemptTimeoutMs: 60_000, deadlineMs: 150 });
    await expect(client.get('/v1/ledger')).rejects.toMatchObject({ name: 'HubTimeoutError', code: 'DEADLINE_EXCEEDED', afterMs: 150 });
    expect(hub.seen).toHaveLength(1);
  });

  it('returns the answer when the wait Retry-After asks for would pass the deadline', async () => {
    hub = await standInHub([{ status: 503, code: 'SERVICE_UNAVAILABLE', retryAfter: '5' }, { status: 200 }]);
    const client = await clientFor(hub, {}, { deadlineMs: 2000 });
    expect((await client.get('/v1/ledger')).status).toBe(503);
    expect(hub.seen).toHaveLength(1);
  });

  it("rejects with the caller's reason when its signal aborts, during a wait too", async () => {
    hub = await standInHub([{ status: 503, code: 'SERVICE_UNAVAILABLE', retryAfter: '5' }]);
    const controller = new AbortController();
    const client = await clientFor(hub, { onRetry: () => controller.abort(new Error('the operator cancelled')) });
    await expect(client.get('/v1/ledger', { signal: controller.signal })).rejects.toThrow('the operator cancelled');
    expect(hub.seen).toHaveLength(1);
  });
});

describe('idempotency keys on creates', () => {
  it('sends one generated key on every attempt of a call, and a new key for the next call', async () => {
    hub = await standInHub((_, n) => (n % 2 === 0 ? { status: 503, code: 'SERVICE_UNAVAILABLE', retryAfter: '0' } : { status: 201 }));
    const client = await clientFor(hub, { baseDelayMs: 1 });

    await client.post('/v1/cases/c1/agreements', { agrees: true });
    await client.post('/v1/cases/c1/agreements', { agrees: true });

    const keys = hub.seen.map((s) => s.headers['idempotency-key']);
    expect(keys).toHaveLength(4);
    expect(keys[0]).toMatch(/^[A-Za-z0-9._:-]{8,128}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[3]).toBe(keys[2]);
    expect(keys[2]).not.toBe(keys[0]);
  });

  it("uses the caller's key (kept across a restart), and sends none on a route that takes none", async () => {
    hub = await standInHub([{ status: 201 }]);
    const client = await clientFor(hub);
    await client.createReferral({ caseId: 'c1' } as never, { idempotencyKey: 'restart-key-0001' });
    await client.post('/v1/records', {});
    expect(hub.seen.map((s) => s.headers['idempotency-key'])).toEqual(['restart-key-0001', undefined]);
  });

  it('signs the staff member and purpose into every attempt', async () => {
    hub = await standInHub([{ status: 200, body: { caseId: 'c1' } }]);
    const client = await clientFor(hub);
    await client.getCase('c1', { purpose: 'assessment', sub: 'teacher-017' });
    expect(claims(hub.seen[0]!.headers.authorization)).toMatchObject({ htm: 'GET', htu: '/v1/cases/c1', purpose: 'assessment', sub: 'teacher-017' });
  });

  it('knows which requests are idempotent', () => {
    expect(isIdempotent('GET', '/v1/cases/c1?x=1')).toBe(true);
    expect(isIdempotent('POST', '/v1/records')).toBe(true);
    expect(isIdempotent('POST', '/v1/lists')).toBe(true);
    expect(isIdempotent('POST', '/v1/referrals')).toBe(true);
    expect(isIdempotent('POST', '/v1/consents')).toBe(false);
    expect(isIdempotent('POST', '/v1/cases/c1/emergency')).toBe(false);
  });
});
