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
import { decodePath, routeParams } from '../lambdas/http/path';
import { DEFAULT_ROUTE_GROUP, ROUTE_GROUP_OF, type RouteGroup } from '../lambdas/routes';
import type { RouteKey } from '../schemas/api';
import { logger } from '../lambdas/shared/logger';

/** API Gateway HTTP APIs refuse bodies over 10 MB before any Lambda runs. */
export const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface MatchedRoute {
  routeKey: string;
  group: RouteGroup;
  /** As API Gateway hands them over: still percent-encoded. The hub reads them once (lambdas/http/path.ts). */
  pathParameters?: Record<string, string>;
}

const ROUTE_KEYS = Object.keys(ROUTE_GROUP_OF) as RouteKey[];

/**
 * Routes on the path read once (each segment decoded, lambdas/http/path.ts),
 * so `/v1/cases/case%5F…` reaches the same route as `/v1/cases/case_…`. A path
 * whose encoding is malformed is routed on its raw segments; the route group
 * then refuses it with 400 PATH_MALFORMED and audits it.
 */
export function matchRoute(method: string, rawPath: string): MatchedRoute {
  const raw = rawPath.split('/');
  const segments = decodePath(rawPath) ?? raw;
  for (const routeKey of ROUTE_KEYS) {
    if (!routeKey.startsWith(`${method} `)) continue;
    const params = routeParams(routeKey, segments, true);
    if (!params) continue;
    const encoded = routeParams(routeKey, raw)!;
    return { routeKey, group: ROUTE_GROUP_OF[routeKey], ...(Object.keys(encoded).length > 0 && { pathParameters: encoded }) };
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
      const match = matchRoute((req.method ?? 'GET').toUpperCase(), url.pathname);
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
