/**
 * Generates the OpenAPI 3.1 description from the zod contract in schemas/api.ts.
 * `npm test` lints the result with Redocly (test/schemas/openapi-lint.test.ts).
 */
import * as z from 'zod';
import { API_ROUTES, type RouteContract } from './api';
import { apiError } from './api-error';

const ERROR_RESPONSES: Record<number, string> = {
  400: 'VALIDATION_FAILED: the body or a parameter (a paging cursor too) does not match the schema; PATH_MALFORMED: malformed percent-encoding in the path',
  401: 'AUTH_*: the signed request did not verify (see docs/protocol.md for each code)',
  403: 'AUTH_AGENCY_SUSPENDED; FORBIDDEN: the route is for another role; PURPOSE_NOT_ESTABLISHED: the declared purpose is not backed by a referral, agreement or care-team role (docs/consent.md)',
  409: 'CONFLICT or STATE_CONFLICT: retry, or the state changed (already decided, already merged); REFERRAL_NEEDS_AGREEMENT on referrals',
  422: 'IDEMPOTENCY_KEY_REUSED: this Idempotency-Key was used before with another body',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE: body over 256 KB (5 MB for lists)',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  503: 'SERVICE_UNAVAILABLE or AUDIT_UNAVAILABLE: a store did not answer in time, or is busy; nothing was disclosed. Retry after Retry-After seconds with a new token (docs/protocol.md)',
};

/** Tags in the order readers meet them; each route falls under the first whose test matches its key. */
export const TAGS: readonly { name: string; description: string; matches: (routeKey: string) => boolean }[] = [
  { name: 'meta', description: '服务状态与接口说明。Health and this description', matches: (k) => k === 'GET /v1/health' || k === 'GET /v1/openapi.json' },
  { name: 'records', description: '儿童记录发布与读取。Publishing and reading child records', matches: (k) => / \/v1\/records\b/.test(k) },
  { name: 'lists', description: '批量名单上报。Whole-list uploads', matches: (k) => / \/v1\/lists\b/.test(k) },
  {
    name: 'consent',
    description:
      '同意、紧急访问、按目的读取个案与通知（含枢纽签名公钥）。Consent, emergency access, the gated case view and notifications (with the hub keys that sign them)',
    matches: (k) => / \/v1\/(consents|notifications|hub-keys)\b/.test(k) || k === 'GET /v1/cases/{caseId}' || k.endsWith('/emergency'),
  },
  {
    name: 'care',
    description:
      '关爱闭环：重点关爱台账、识别与评估、服务同意、双向转介、统计概览（docs/care-loop.md）。The care loop: key-recipient ledger, identification and assessment, service agreements, referrals both ways, care metrics',
    matches: (k) =>
      / \/v1\/(referrals|worklist|care-metrics)\b/.test(k) || /\/(agreements|assessments|key-recipient|care-team|care-plans|contacts)(\/|$)/.test(k),
  },
  {
    name: 'cases',
    description: '台账、复核、合并与拆分（统筹部门）。Ledger, reviews, merges and splits (coordinating role)',
    matches: (k) => / \/v1\/(cases|ledger|reviews)\b/.test(k),
  },
  {
    name: 'audit',
    description: '审计校验、检索与访问报告（隐私官）。Audit verification, search and access reports (privacy officers)',
    matches: (k) => / \/v1\/audit\//.test(k),
  },
  { name: 'console', description: '隐私官控制台静态文件。The privacy officers’ console files', matches: (k) => / \/console\b/.test(k) },
];

/** The tag of a route; throws for a route no tag covers, so a new route cannot go ungrouped. */
export function tagOf(routeKey: string): string {
  const tag = TAGS.find((t) => t.matches(routeKey));
  if (!tag) throw new Error(`no OpenAPI tag covers ${routeKey}; add one to TAGS in schemas/openapi.ts`);
  return tag.name;
}

type Json = Record<string, unknown>;

/**
 * Converts a zod schema; named schemas (`.meta({ id })`) are hoisted into
 * `components.schemas` and referenced from there.
 */
function toSchema(schema: z.ZodType, components: Json): Json {
  const out = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Json;
  const { $schema: _dialect, $defs, ...rest } = out;
  const rewrite = (json: Json): Json => JSON.parse(JSON.stringify(json).replaceAll('"#/$defs/', '"#/components/schemas/')) as Json;
  for (const [name, def] of Object.entries(($defs ?? {}) as Record<string, Json>)) components[name] = rewrite(def);
  return rewrite(rest);
}

/** `text/html; charset=utf-8` -> `text/html`: OpenAPI content keys name the media type alone. */
const mediaType = (type: string) => type.split(';')[0]!.trim();

/** Whether the route's query offers `format=csv` (the ledger and the audit exports). */
function offersCsv(route: RouteContract): boolean {
  const format = route.query?.shape.format as z.ZodType | undefined;
  return format?.safeParse('csv').success === true;
}

function successResponse(route: RouteContract, status: number, r: RouteContract['responses'][number], jsonSchema: (s: z.ZodType) => Json): Json {
  if (status >= 300 && status < 400) {
    return { description: r.description, headers: { Location: { description: 'Where the resource is', schema: { type: 'string' } } } };
  }
  const content: Record<string, Json> = {};
  for (const type of r.mediaTypes ?? ['application/json']) {
    content[mediaType(type)] = { schema: mediaType(type) === 'application/json' ? jsonSchema(r.schema) : { type: 'string' } };
  }
  if (status === 200 && offersCsv(route)) {
    content['text/csv'] = {
      schema: { type: 'string', description: 'With format=csv: UTF-8 CSV with a header row; cells that a spreadsheet would run as a formula are neutralised' },
    };
  }
  return { description: r.description, content };
}

function operation(routeKey: string, route: RouteContract, components: Json): Json {
  const jsonSchema = (schema: z.ZodType) => toSchema(schema, components);
  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(route.responses)) responses[status] = successResponse(route, Number(status), r, jsonSchema);
  const errorRef = { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  const retryAfter = { 'Retry-After': { description: 'Seconds to wait before retrying (with a new token)', schema: { type: 'integer', minimum: 1 } } };
  for (const [status, description] of Object.entries(ERROR_RESPONSES)) {
    // Public routes have no signature to refuse; a public route with a path parameter can still miss (404).
    if (route.auth === 'public' && status !== '503' && !(status === '404' && route.pathParams)) continue;
    if (!route.body && !route.rawBody && (status === '413' || status === '415')) continue;
    if (status === '422' && !route.headers?.['Idempotency-Key']) continue;
    responses[status] = { description, ...(status === '503' && { headers: retryAfter }), ...errorRef };
  }
  return {
    operationId: routeKey.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, ''),
    summary: route.summary,
    description: route.summaryZh,
    tags: [tagOf(routeKey)],
    // Public routes say so explicitly: an empty list overrides the document's default signature requirement.
    security: route.auth === 'signed' ? [{ signedRequest: [] }] : [],
    ...((route.pathParams || route.query || route.headers) && {
      parameters: [
        ...Object.entries(route.headers ?? {}).map(([name, schema]) => ({ name, in: 'header', required: true, schema: jsonSchema(schema) })),
        ...Object.entries(route.pathParams ?? {}).map(([name, schema]) => ({ name, in: 'path', required: true, schema: jsonSchema(schema) })),
        ...Object.entries(route.query?.shape ?? {}).map(([name, schema]) => ({
          name,
          in: 'query',
          required: !(schema as z.ZodType).safeParse(undefined).success,
          schema: jsonSchema(schema as z.ZodType),
        })),
      ],
    }),
    ...(route.body && { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body) } } } }),
    ...(route.rawBody && {
      requestBody: { required: true, content: Object.fromEntries(route.rawBody.map((type) => [type, { schema: { type: 'string' } }])) },
    }),
    responses,
  };
}

export interface OpenApiInfo {
  hubId: string;
  version: string;
  /** The hub's API URL when known (the stack's API endpoint); otherwise a `{origin}` server variable. */
  serverUrl?: string;
}

/** The OpenAPI 3.1 document for a hub. */
export function buildOpenApi(info: OpenApiInfo): Json {
  const paths: Record<string, Json> = {};
  const components: Json = {};
  for (const [routeKey, route] of Object.entries(API_ROUTES) as [string, RouteContract][]) {
    const [method, path] = routeKey.split(' ') as [string, string];
    paths[path] ??= {};
    paths[path][method.toLowerCase()] = operation(routeKey, route, components);
  }
  // Hoists the named Error schema into components; the returned value is only a $ref to it.
  toSchema(apiError, components);
  return {
    openapi: '3.1.0',
    info: {
      title: `Xinqiao hub ${info.hubId}`,
      version: info.version,
      description:
        '心桥困境儿童心理健康关爱数据共享枢纽。Xinqiao cross-agency data-sharing hub. Every route except GET /v1/health and the console files needs a signed request (protocol v1, docs/protocol.md).',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: info.serverUrl
      ? [{ url: info.serverUrl, description: `Xinqiao hub ${info.hubId}` }]
      : [
          {
            url: '{origin}',
            description: "This hub's API endpoint: the province stack's API URL, or the local hub",
            variables: { origin: { default: 'http://127.0.0.1:4000', description: 'Scheme, host and port of the hub' } },
          },
        ],
    // Secure by default: every operation needs a signature unless it says `security: []`.
    security: [{ signedRequest: [] }],
    tags: TAGS.map(({ name, description }) => ({ name, description })),
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        signedRequest: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWS (typ xinqiao-req+jwt, EdDSA or ES256) bound to method, path, query and body hash',
        },
      },
    },
  };
}
