/**
 * The local API Gateway: turns each HTTP request into the HTTP API (payload
 * v2) event the deployed Lambda receives, and calls the same route-group
 * handler. Route matching uses lambdas/routes.ts, like the CDK stack.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Context } from 'aws-lambda';
import type { GroupHandler } from '../lambdas/groups/signed-group';
import type { HttpEvent } from '../lambdas/http/context';
import { BASE_HEADERS } from '../lambdas/http/responses';
import { DEFAULT_ROUTE_GROUP, ROUTE_GROUP_OF, type RouteGroup } from '../lambdas/routes';
import { logger } from '../lambdas/shared/logger';

/** API Gateway HTTP APIs refuse bodies over 10 MB before any Lambda runs. */
export const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

interface CompiledRoute {
  routeKey: string;
  method: string;
  pattern: RegExp;
  params: string[];
  group: RouteGroup;
}

function compileRoutes(): CompiledRoute[] {
  return Object.entries(ROUTE_GROUP_OF).map(([routeKey, group]) => {
    const [method, path] = routeKey.split(' ') as [string, string];
    const params: string[] = [];
    const source = path
      .split('/')
      .map((segment) => {
        const param = /^\{(\w+)\}$/.exec(segment);
        if (!param) return segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
        params.push(param[1]!);
        return '([^/]+)';
      })
      .join('/');
    return { routeKey, method, pattern: new RegExp(`^${source}$`), params, group };
  });
}

export interface MatchedRoute {
  routeKey: string;
  group: RouteGroup;
  pathParameters?: Record<string, string>;
}

export function matchRoute(routes: CompiledRoute[], method: string, path: string): MatchedRoute {
  for (const route of routes) {
    if (route.method !== method) continue;
    const m = route.pattern.exec(path);
    if (!m) continue;
    const pathParameters = Object.fromEntries(route.params.map((name, i) => [name, decodeURIComponent(m[i + 1]!)]));
    return { routeKey: route.routeKey, group: route.group, ...(route.params.length > 0 && { pathParameters }) };
  }
  return { routeKey: '$default', group: DEFAULT_ROUTE_GROUP };
}

function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= GATEWAY_MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > GATEWAY_MAX_BODY_BYTES ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const TEXT_TYPES = /^(application\/json|text\/|application\/x-ndjson|application\/jsonl)/i;

/** Builds the payload v2 event; exported for tests. */
export function toEvent(req: IncomingMessage, body: Buffer, match: MatchedRoute, requestId: string): HttpEvent {
  const url = new URL(req.url ?? '/', 'http://local');
  const rawQueryString = (req.url ?? '').includes('?') ? (req.url ?? '').slice((req.url ?? '').indexOf('?') + 1) : '';
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const asText = TEXT_TYPES.test(headers['content-type'] ?? '') && Buffer.from(body.toString('utf8'), 'utf8').equals(body);
  const now = new Date();
  const method = (req.method ?? 'GET').toUpperCase();
  return {
    version: '2.0',
    routeKey: match.routeKey,
    rawPath: url.pathname,
    rawQueryString,
    headers,
    ...(rawQueryString && { queryStringParameters: Object.fromEntries(url.searchParams) }),
    ...(match.pathParameters && { pathParameters: match.pathParameters }),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: match.routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 && { body: asText ? body.toString('utf8') : body.toString('base64') }),
    isBase64Encoded: body.length > 0 && !asText,
  };
}

function lambdaContext(group: RouteGroup, requestId: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `xinqiao-local-${group}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:xinqiao-local-${group}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/xinqiao-local-${group}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 29_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export function createLocalServer(groups: Readonly<Record<RouteGroup, GroupHandler>>): Server {
  const routes = compileRoutes();
  return createServer(async (req, res) => {
    const requestId = randomUUID();
    try {
      const body = await readBody(req);
      if (body === 'too-large') {
        res.writeHead(413, { ...BASE_HEADERS, 'x-request-id': requestId });
        res.end(JSON.stringify({ error: { code: 'PAYLOAD_TOO_LARGE', message: 'Request body too large', message_zh: '请求内容过大', requestId } }));
        return;
      }
      const url = new URL(req.url ?? '/', 'http://local');
      const match = matchRoute(routes, (req.method ?? 'GET').toUpperCase(), url.pathname);
      const result = await groups[match.group](toEvent(req, body, match, requestId), lambdaContext(match.group, requestId));
      const headers = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)]));
      res.writeHead(result.statusCode ?? 200, headers);
      res.end(result.body === undefined ? undefined : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8'));
    } catch (error) {
      // A handler that throws is a Lambda failure; API Gateway answers 500 with a generic body.
      logger.error('local gateway: handler failed', { causeName: (error as Error)?.name });
      res.writeHead(500, { ...BASE_HEADERS, 'x-request-id': requestId });
      res.end(JSON.stringify({ message: 'Internal Server Error' }));
    }
  });
}
