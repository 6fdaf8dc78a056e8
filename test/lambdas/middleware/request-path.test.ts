/**
 * The request-path middleware on API Gateway events (payload v2), as the
 * deployed Lambdas receive them: the handler and the audit event see the path
 * read once, whatever the gateway put in `pathParameters`.
 */
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createPublicGroup } from '../../../lambdas/groups/public-group';
import type { HttpEvent, RouteHandler } from '../../../lambdas/http/context';
import { json } from '../../../lambdas/http/responses';
import type { AuditEvent } from '../../../schemas/entities/audit';

const context = { awsRequestId: 'aws-req' } as Context;

function gatewayEvent(routeKey: string, rawPath: string, pathParameters?: Record<string, string>): HttpEvent {
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: '',
    headers: {},
    ...(pathParameters && { pathParameters }),
    requestContext: {
      requestId: 'req-1',
      http: { method: 'GET', path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
    } as HttpEvent['requestContext'],
    isBase64Encoded: false,
  };
}

function group() {
  const events: AuditEvent[] = [];
  const seen: { params?: Record<string, string | undefined>; path?: string }[] = [];
  const echo: RouteHandler = async (event, ctx) => {
    seen.push({ ...(event.pathParameters && { params: { ...event.pathParameters } }), ...(ctx.hub.path && { path: ctx.hub.path }) });
    return json(200, {}, ctx.hub.requestId);
  };
  const handler = createPublicGroup(
    { province: '540000', audit: { append: async (e: AuditEvent) => void events.push(e), appendIntent: async () => undefined } },
    echo,
  );
  return { handler, events, seen };
}

describe('request path middleware', () => {
  it.each([
    ['encoded, as a gateway that passes them through', { caseId: 'case%5F01' }],
    ['decoded, as a gateway that decodes them', { caseId: 'case_01' }],
    ['absent', undefined],
  ])('reads parameters from the raw path once when the gateway hands them over %s', async (_how, given) => {
    const { handler, seen, events } = group();
    const res = await handler(gatewayEvent('GET /v1/cases/{caseId}', '/v1/cases/case%5F01', given), context);
    expect(res.statusCode).toBe(200);
    expect(seen).toEqual([{ params: { caseId: 'case_01' }, path: '/v1/cases/case_01' }]);
    expect(events.map((e) => e.path)).toEqual(['/v1/cases/case_01']);
  });

  it('never decodes twice: %255F is the characters %5F', async () => {
    const { handler, seen } = group();
    await handler(gatewayEvent('GET /v1/cases/{caseId}', '/v1/cases/case%255F01', { caseId: 'case%5F01' }), context);
    expect(seen[0]?.params).toEqual({ caseId: 'case%5F01' });
  });

  it('refuses malformed encoding with 400 PATH_MALFORMED before the handler, audited once with the path as received', async () => {
    const { handler, seen, events } = group();
    const res = await handler(gatewayEvent('GET /v1/cases/{caseId}', '/v1/cases/case%E4%B8', { caseId: 'case%E4%B8' }), context);
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body as string).error).toMatchObject({ code: 'PATH_MALFORMED', message_zh: '请求路径的百分号编码无效', requestId: 'req-1' });
    expect(seen).toEqual([]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      route: 'GET /v1/cases/{caseId}',
      path: '/v1/cases/case%E4%B8',
      status: 400,
      errorCode: 'PATH_MALFORMED',
      outcome: 'deny',
    });
  });

  it('drops gateway parameters on the default route', async () => {
    const { handler, seen } = group();
    await handler(gatewayEvent('$default', '/v1/x%2Fy', { proxy: 'x/y' }), context);
    expect(seen).toEqual([{ path: '/v1/x%2Fy' }]);
  });
});
