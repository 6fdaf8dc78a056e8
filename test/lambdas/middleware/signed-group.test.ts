/**
 * The shared middleware chain with fakes for storage: audit fails closed,
 * errors map to stable codes, 5xx bodies are generic.
 */
import type { Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../../client/sign-request';
import { AgencyRegistry } from '../../../lambdas/auth/registry';
import type { AuditEvent, AuditIntent } from '../../../schemas/entities/audit';
import { createSignedGroup } from '../../../lambdas/groups/signed-group';
import type { HttpEvent, RouteHandler } from '../../../lambdas/http/context';
import { json } from '../../../lambdas/http/responses';
import { makeTestProvince, type TestProvince } from '../../support/agencies';

let province: TestProvince;
beforeAll(async () => {
  province = await makeTestProvince();
});

const context = { awsRequestId: 'aws-req' } as Context;

function fakes(options: { auditFails?: boolean } = {}) {
  const events: AuditEvent[] = [];
  const intents: AuditIntent[] = [];
  const seen = new Set<string>();
  return {
    events,
    intents,
    runtime: {
      province: '540000',
      registry: new AgencyRegistry(province.config),
      nonces: {
        claim: async (a: string, j: string) => {
          if (seen.has(`${a}#${j}`)) return false;
          seen.add(`${a}#${j}`);
          return true;
        },
      },
      audit: {
        append: async (event: AuditEvent) => {
          if (options.auditFails) throw Object.assign(new Error('ProvisionedThroughputExceededException'), { name: 'ProvisionedThroughputExceededException' });
          events.push(event);
        },
        appendIntent: async (intent: AuditIntent) => {
          if (options.auditFails) throw Object.assign(new Error('ProvisionedThroughputExceededException'), { name: 'ProvisionedThroughputExceededException' });
          intents.push(intent);
        },
      },
    },
  };
}

async function event(method: string, path: string, body?: string, routeKey = `${method} ${path}`): Promise<HttpEvent> {
  const authorization = await signRequest(province.agencies['xz-education']!.credentials, {
    hubId: 'xinqiao-540000',
    method,
    pathWithQuery: path,
    ...(body !== undefined && { body }),
  });
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: { authorization, 'content-type': 'application/json' },
    requestContext: {
      requestId: 'req-1',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
    } as HttpEvent['requestContext'],
    ...(body !== undefined && { body }),
    isBase64Encoded: false,
  };
}

const secretRoute: RouteHandler = async (_event, ctx) => {
  ctx.hub.recordIds.push('rec_X');
  return json(200, { name: '扎西卓玛' }, ctx.hub.requestId);
};

describe('signed route group middleware', () => {
  it('chains an audit intent before a mutating route runs, and the event after it names that intent', async () => {
    const { runtime, events, intents } = fakes();
    let intentsSeenByRoute = -1;
    const handler = createSignedGroup(runtime, {
      'POST /v1/things': async (_e, ctx) => {
        intentsSeenByRoute = intents.length;
        return json(201, {}, ctx.hub.requestId);
      },
    });
    const res = await handler(await event('POST', '/v1/things', '{}'), context);
    expect(res.statusCode).toBe(201);
    expect(intentsSeenByRoute).toBe(1);
    expect(intents[0]).toMatchObject({ route: 'POST /v1/things', path: '/v1/things', agencyId: 'xz-education' });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ outcome: 'allow', status: 201, intentId: intents[0]!.intentId });
  });

  it('never runs a mutating route whose audit intent cannot be written, and answers 503 AUDIT_UNAVAILABLE', async () => {
    const { runtime, intents } = fakes({ auditFails: true });
    let ran = false;
    const handler = createSignedGroup(runtime, {
      'POST /v1/things': async (_e, ctx) => {
        ran = true;
        return json(201, {}, ctx.hub.requestId);
      },
    });
    const res = await handler(await event('POST', '/v1/things', '{}'), context);
    expect(res.statusCode).toBe(503);
    expect(JSON.parse(res.body as string).error.code).toBe('AUDIT_UNAVAILABLE');
    expect(ran).toBe(false);
    expect(intents).toHaveLength(0);
  });

  it('writes no intent for reads', async () => {
    const { runtime, intents, events } = fakes();
    const handler = createSignedGroup(runtime, { 'GET /v1/secret': secretRoute });
    await handler(await event('GET', '/v1/secret'), context);
    expect(intents).toHaveLength(0);
    expect(events).toHaveLength(1);
  });

  it('writes one audit event for an allowed request, after the handler ran', async () => {
    const { runtime, events } = fakes();
    const handler = createSignedGroup(runtime, { 'GET /v1/secret': secretRoute });
    const res = await handler(await event('GET', '/v1/secret'), context);
    expect(res.statusCode).toBe(200);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      route: 'GET /v1/secret',
      outcome: 'allow',
      status: 200,
      agencyId: 'xz-education',
      agencyVerified: true,
      recordIds: ['rec_X'],
      requestId: 'req-1',
    });
  });

  it('withholds the response when the audit write fails (fail closed)', async () => {
    const { runtime } = fakes({ auditFails: true });
    const handler = createSignedGroup(runtime, { 'GET /v1/secret': secretRoute });
    const res = await handler(await event('GET', '/v1/secret'), context);
    expect(res.statusCode).toBe(503);
    expect(JSON.parse(res.body!)).toEqual({
      error: {
        code: 'AUDIT_UNAVAILABLE',
        message: 'Service temporarily unavailable; retry later',
        message_zh: '服务暂时不可用，请稍后重试',
        requestId: 'req-1',
      },
    });
    expect(res.body).not.toContain('扎西');
  });

  it('still answers a denied request with a generic 503 when the audit write fails', async () => {
    const { runtime } = fakes({ auditFails: true });
    const handler = createSignedGroup(runtime, {});
    const bad = { ...(await event('GET', '/v1/secret')), headers: {} };
    const res = await handler(bad, context);
    expect(res.statusCode).toBe(503);
    expect(JSON.parse(res.body!).error.code).toBe('AUDIT_UNAVAILABLE');
  });

  it('turns an unexpected failure into a generic INTERNAL 500, audited as an error', async () => {
    const { runtime, events } = fakes();
    const handler = createSignedGroup(runtime, {
      'GET /v1/boom': async () => {
        throw new Error('secret detail: 扎西卓玛 540102201305040025');
      },
    });
    const res = await handler(await event('GET', '/v1/boom'), context);
    expect(res.statusCode).toBe(500);
    expect(JSON.parse(res.body!)).toEqual({ error: { code: 'INTERNAL', message: 'Internal error', message_zh: '服务内部错误', requestId: 'req-1' } });
    expect(events[0]).toMatchObject({ outcome: 'error', status: 500, errorCode: 'INTERNAL' });
  });

  it('audits a denied request with its error code and no verified agency', async () => {
    const { runtime, events } = fakes();
    const handler = createSignedGroup(runtime, { 'GET /v1/secret': secretRoute });
    const res = await handler({ ...(await event('GET', '/v1/secret')), headers: {} }, context);
    expect(res.statusCode).toBe(401);
    expect(res.headers?.['www-authenticate']).toBe('Bearer realm="xinqiao"');
    expect(events).toEqual([expect.objectContaining({ outcome: 'deny', status: 401, errorCode: 'AUTH_MISSING', agencyVerified: false })]);
  });

  it('refuses an oversized base64 body with 413 without decoding it', async () => {
    const { runtime, events } = fakes();
    const handler = createSignedGroup(runtime, {});
    const big = { ...(await event('POST', '/v1/records', '{}')), body: 'A'.repeat(400_000), isBase64Encoded: true };
    const res = await handler(big, context);
    expect(res.statusCode).toBe(413);
    expect(events[0]).toMatchObject({ errorCode: 'PAYLOAD_TOO_LARGE' });
  });
});

describe('log keys', () => {
  it('does not carry the previous caller into the next request', async () => {
    const { logger } = await import('../../../lambdas/shared/logger');
    const { runtime } = fakes();
    const handler = createSignedGroup(runtime, { 'GET /v1/secret': secretRoute });
    await handler(await event('GET', '/v1/secret'), context);
    expect(logger.getPersistentLogAttributes()).not.toHaveProperty('agencyId');
    const lines: string[] = [];
    const spy = (await import('vitest')).vi.spyOn(process.stdout, 'write').mockImplementation((c: unknown) => {
      lines.push(String(c));
      return true;
    });
    logger.setLogLevel('INFO');
    try {
      await handler({ ...(await event('GET', '/v1/secret')), headers: {} }, context);
    } finally {
      logger.setLogLevel('SILENT');
      spy.mockRestore();
    }
    const entries = lines
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) expect(entry.agencyId).toBeUndefined();
  });
});
