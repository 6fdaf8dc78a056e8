/**
 * A hub whose database stops answering: through a TCP proxy on 127.0.0.1 in front of
 * DynamoDB Local (test/support/store-fault.ts) the store freezes (accepts connections,
 * never answers) or is stopped (refuses connections). Every request must then end,
 * promptly and cleanly, in 503 with Retry-After and a stable code, disclose nothing,
 * and work again once the store is back. The hub's real SDK client is used throughout.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { HubClient } from '../../client/hub-client';
import { LocalKeyring } from '../../lambdas/crypto/local-keyring';
import { SDK_BUDGETS, type SilenceWatch } from '../../lambdas/shared/sdk-clients';
import { type RunningHub, startHubServer } from '../../local/hub';
import { makeTestProvince, type TestProvince } from '../support/agencies';
import { sampleRecord } from '../support/records';
import { type StoreFault, startStoreFault } from '../support/store-fault';

let store: StoreFault;
let hub: RunningHub;
let province: TestProvince;

const client = (retry = 1, onRetry?: () => Promise<void>) =>
  new HubClient({
    baseUrl: hub.baseUrl,
    hubId: province.config.hubId,
    credentials: province.agencies['xz-education']!.credentials,
    retry: { attempts: retry, maxDelayMs: 3_000, ...(onRetry && { onRetry }) },
  });

/** Store calls a signed request makes before it can fail: the replay check, then the audit chain head. */
const CALLS_ON_FAILING_PATH = 2;
/** Loose bound: the configured silence budget for each call on the path, plus as much again for a loaded machine. */
const LOOSE_BOUND_MS = 2 * CALLS_ON_FAILING_PATH * SDK_BUDGETS.dynamodb.silenceMs + 2_000;

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = performance.now();
  const result = await work();
  return { result, ms: performance.now() - start };
}

function expectCleanUnavailable(res: { status: number; headers: Headers; body: unknown }) {
  expect(res.status).toBe(503);
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  const body = res.body as { error: Record<string, unknown> };
  expect(['SERVICE_UNAVAILABLE', 'AUDIT_UNAVAILABLE']).toContain(body.error.code);
  expect(body.error).toEqual({
    code: body.error.code,
    message: 'Service temporarily unavailable; retry later',
    message_zh: '服务暂时不可用，请稍后重试',
    requestId: expect.any(String),
  });
}

beforeAll(async () => {
  store = await startStoreFault(inject('dynamoEndpoint'));
  province = await makeTestProvince();
  hub = await startHubServer({
    state: province.state,
    dynamoEndpoint: store.endpoint,
    port: 0,
    tablePrefix: `t${randomUUID().slice(0, 8)}`,
    keyring: new LocalKeyring(province.state.keyMaterial),
  });
});

afterEach(async () => {
  await store.forward();
});

afterAll(async () => {
  await hub.close();
  await store.close();
});

describe('a database that stops answering', () => {
  it('builds the hub client with the configured timeouts and attempts', async () => {
    expect(await hub.dynamo.config.maxAttempts()).toBe(SDK_BUDGETS.dynamodb.maxAttempts);
    const handler = hub.dynamo.config.requestHandler as unknown as SilenceWatch;
    expect(handler.silenceMs).toBe(SDK_BUDGETS.dynamodb.silenceMs);
    await hub.dynamo.send(new (await import('@aws-sdk/client-dynamodb')).ListTablesCommand({ Limit: 1 }));
    expect(handler.httpHandlerConfigs()).toMatchObject({
      connectionTimeout: SDK_BUDGETS.dynamodb.connectionTimeoutMs,
      requestTimeout: SDK_BUDGETS.dynamodb.requestTimeoutMs,
      throwOnRequestTimeout: true,
    });
  });

  it('answers 503 with Retry-After when the store accepts connections and never answers, within the budget', async () => {
    expect((await client().post('/v1/records', sampleRecord({ externalId: 'OUT-1' }))).status).toBe(201);
    store.freeze();
    const { result, ms } = await timed(() => client().post('/v1/records', sampleRecord({ externalId: 'OUT-2' })));
    expectCleanUnavailable(result);
    expect(ms).toBeLessThan(LOOSE_BOUND_MS);
  });

  it('answers 503 with Retry-After when the store is stopped (connections refused)', async () => {
    await store.refuse();
    const { result, ms } = await timed(() => client().get('/v1/notifications'));
    expectCleanUnavailable(result);
    expect(ms).toBeLessThan(LOOSE_BOUND_MS);
    const health = await fetch(new URL('/v1/health', hub.baseUrl));
    expect(health.status).toBe(503);
    expect(health.headers.get('retry-after')).not.toBeNull();
  });

  it('discloses nothing when the store freezes at the audit write, after the record was read', async () => {
    const published = await client().post<{ recordId: string }>('/v1/records', sampleRecord({ externalId: 'OUT-3', name: '格桑曲珍' }));
    expect(published.status).toBe(201);
    store.freezeWhen(hub.tables.seals);
    const res = await client().get(`/v1/records/${published.body.recordId}`);
    expectCleanUnavailable(res);
    expect((res.body as { error: { code: string } }).error.code).toBe('AUDIT_UNAVAILABLE');
    expect(JSON.stringify(res.body)).not.toContain('格桑曲珍');
    expect(store.mode).toBe('freeze');
  });

  it('accepts a request whose replay-check write landed but whose answer was lost (the SDK retried it)', async () => {
    store.loseReplyWhen(hub.tables.nonces);
    const res = await client().get('/v1/notifications');
    expect(res.status).toBe(200);
  });

  it('serves again as soon as the store is back', async () => {
    store.freeze();
    expect((await client().get('/v1/notifications')).status).toBe(503);
    await store.forward();
    expect((await client().get('/v1/notifications')).status).toBe(200);
  });
});

describe('the project client during an outage', () => {
  it('retries a publish after 503 with a fresh token and the same body, and the publish lands once', async () => {
    const record = sampleRecord({ externalId: 'OUT-4' });
    const retries: unknown[] = [];
    store.freeze();
    const res = await client(3, async () => {
      retries.push(store.mode);
      await store.forward();
    }).post<{ recordId: string; status: string }>('/v1/records', record);
    expect(retries).toEqual(['freeze']);
    expect(res.status).toBe(201);
    const again = await client().post<{ recordId: string; status: string }>('/v1/records', record);
    expect(again.body).toMatchObject({ recordId: res.body.recordId, status: 'unchanged' });
  });

  it('gives up after its bounded attempts and hands back the last 503', async () => {
    await store.refuse();
    let retried = 0;
    const res = await client(3, async () => {
      retried++;
    }).get('/v1/notifications');
    expect(retried).toBe(2);
    expectCleanUnavailable(res);
  });
});
