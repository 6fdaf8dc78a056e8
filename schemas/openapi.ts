/** Generates the OpenAPI 3.1 description from the zod contract in schemas/api.ts. */
import * as z from 'zod';
import { API_ROUTES, type RouteContract } from './api';
import { apiError } from './api-error';

const ERROR_RESPONSES: Record<number, string> = {
  400: 'VALIDATION_FAILED: the body or a parameter (a paging cursor too) does not match the schema; PATH_MALFORMED: malformed percent-encoding in the path',
  401: 'AUTH_*: the signed request did not verify (see docs/protocol.md for each code)',
  403: 'AUTH_AGENCY_SUSPENDED, or FORBIDDEN: the route is for another role',
  409: 'CONFLICT or STATE_CONFLICT: retry, or the state changed (already decided, already merged)',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE: body over 256 KB (5 MB for lists)',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  503: 'SERVICE_UNAVAILABLE or AUDIT_UNAVAILABLE: retry with a new token',
};

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

function operation(routeKey: string, route: RouteContract, components: Json): Json {
  const jsonSchema = (schema: z.ZodType) => toSchema(schema, components);
  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(route.responses)) {
    responses[status] = { description: r.description, content: { 'application/json': { schema: jsonSchema(r.schema) } } };
  }
  const errorRef = { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  for (const [status, description] of Object.entries(ERROR_RESPONSES)) {
    if (route.auth === 'public' && status !== '503') continue;
    if (!route.body && !route.rawBody && (status === '413' || status === '415')) continue;
    responses[status] = { description, ...errorRef };
  }
  return {
    operationId: routeKey.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, ''),
    summary: route.summary,
    description: route.summaryZh,
    ...(route.auth === 'signed' && { security: [{ signedRequest: [] }] }),
    ...((route.pathParams || route.query) && {
      parameters: [
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

/** The OpenAPI 3.1 document for a hub. */
export function buildOpenApi(info: { hubId: string; version: string }): Json {
  const paths: Record<string, Json> = {};
  const components: Json = {};
  for (const [routeKey, route] of Object.entries(API_ROUTES) as [string, RouteContract][]) {
    const [method, path] = routeKey.split(' ') as [string, string];
    paths[path] ??= {};
    paths[path][method.toLowerCase()] = operation(routeKey, route, components);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: `Xinqiao hub ${info.hubId}`,
      version: info.version,
      description:
        '心桥困境儿童心理健康关爱数据共享枢纽。Xinqiao cross-agency data-sharing hub. Every route except GET /v1/health needs a signed request (protocol v1, docs/protocol.md).',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      schemas: { ...components, Error: toSchema(apiError, components) },
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
