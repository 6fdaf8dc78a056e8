import { createServer, type IncomingMessage, type Server } from 'node:http';
import { decodeJwt, exportJWK, generateKeyPair } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { HubClient, isIdempotent } from '../../client/hub-client';
import type { AgencyCredentials } from '../../client/sign-request';

let server: Server | undefined;
afterEach(() => server?.close());

interface Seen {
  authorization: string;
  body: string;
}

/** A stand-in hub on 127.0.0.1 that answers from a script, one answer per request. */
async function scriptedHub(answers: { status: number; code?: string; retryAfter?: string }[]) {
  const seen: Seen[] = [];
  server = createServer(async (req: IncomingMessage, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    seen.push({ authorization: req.headers.authorization ?? '', body });
    const answer = answers[Math.min(seen.length - 1, answers.length - 1)]!;
    res.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.retryAfter && { 'retry-after': answer.retryAfter }) });
    res.end(JSON.stringify(answer.code ? { error: { code: answer.code } } : { ok: true }));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { seen, baseUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

async function credentials(): Promise<AgencyCredentials> {
  const { privateKey } = await generateKeyPair('EdDSA', { extractable: true, crv: 'Ed25519' });
  return { agencyId: 'xz-education', privateJwk: { ...(await exportJWK(privateKey)), kid: 'k1', alg: 'EdDSA' } as AgencyCredentials['privateJwk'] };
}

const jti = (authorization: string) => decodeJwt(authorization.replace(/^Bearer /, '')).jti;

describe('HubClient retries', () => {
  it('retries a publish after 503 with a new token each time and the same body bytes', async () => {
    const hub = await scriptedHub([
      { status: 503, code: 'SERVICE_UNAVAILABLE', retryAfter: '2' },
      { status: 503, code: 'AUDIT_UNAVAILABLE', retryAfter: '1' },
      { status: 201 },
    ]);
    const waits: number[] = [];
    const client = new HubClient({
      baseUrl: hub.baseUrl,
      hubId: 'xinqiao-540000',
      credentials: await credentials(),
      retry: { maxDelayMs: 20, onRetry: ({ delayMs }) => void waits.push(delayMs) },
    });
    const res = await client.post('/v1/records', { externalId: 'E-1' });
    expect(res.status).toBe(201);
    expect(hub.seen).toHaveLength(3);
    expect(new Set(hub.seen.map((s) => jti(s.authorization))).size).toBe(3);
    expect(new Set(hub.seen.map((s) => s.body))).toEqual(new Set(['{"externalId":"E-1"}']));
    expect(waits.every((w) => w >= 20 && w < 20 + 250)).toBe(true);
  });

  it('stops after its bounded attempts and returns the last answer', async () => {
    const hub = await scriptedHub([{ status: 503, code: 'SERVICE_UNAVAILABLE', retryAfter: '1' }]);
    const client = new HubClient({ baseUrl: hub.baseUrl, hubId: 'x', credentials: await credentials(), retry: { attempts: 4, maxDelayMs: 1 } });
    const res = await client.get('/v1/notifications');
    expect(res.status).toBe(503);
    expect(hub.seen).toHaveLength(4);
  });

  it('does not resend a request that is not idempotent, nor a STATE_CONFLICT', async () => {
    const busy = await scriptedHub([{ status: 503, code: 'SERVICE_UNAVAILABLE', retryAfter: '1' }]);
    const client = new HubClient({ baseUrl: busy.baseUrl, hubId: 'x', credentials: await credentials(), retry: { maxDelayMs: 1 } });
    expect((await client.post('/v1/consents', {})).status).toBe(503);
    expect(busy.seen).toHaveLength(1);
    server?.close();
    const decided = await scriptedHub([{ status: 409, code: 'STATE_CONFLICT' }]);
    const again = new HubClient({ baseUrl: decided.baseUrl, hubId: 'x', credentials: await credentials(), retry: { maxDelayMs: 1 } });
    expect((await again.get('/v1/reviews')).status).toBe(409);
    expect(decided.seen).toHaveLength(1);
  });

  it('retries 409 CONFLICT, and a request the caller declares safe', async () => {
    const hub = await scriptedHub([{ status: 409, code: 'CONFLICT' }, { status: 200 }]);
    const client = new HubClient({ baseUrl: hub.baseUrl, hubId: 'x', credentials: await credentials(), retry: { maxDelayMs: 1 } });
    expect((await client.post('/v1/consents/c1/withdraw', {}, { retry: true })).status).toBe(200);
    expect(hub.seen).toHaveLength(2);
  });

  it('retries an idempotent request whose connection failed, then gives up with the error', async () => {
    const gone = await scriptedHub([{ status: 200 }]);
    await new Promise((r) => server!.close(r));
    let retries = 0;
    const client = new HubClient({
      baseUrl: gone.baseUrl,
      hubId: 'x',
      credentials: await credentials(),
      retry: { attempts: 3, maxDelayMs: 1, onRetry: () => void retries++ },
    });
    await expect(client.get('/v1/notifications')).rejects.toThrow();
    expect(retries).toBe(2);
  });

  it('knows which requests are idempotent', () => {
    expect(isIdempotent('GET', '/v1/cases/c1?x=1')).toBe(true);
    expect(isIdempotent('POST', '/v1/records')).toBe(true);
    expect(isIdempotent('POST', '/v1/lists')).toBe(true);
    expect(isIdempotent('POST', '/v1/consents')).toBe(false);
    expect(isIdempotent('POST', '/v1/cases/c1/emergency')).toBe(false);
  });
});
