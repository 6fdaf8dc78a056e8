import { describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../schemas/api';
import { buildOpenApi } from '../../schemas/openapi';
import { ROUTE_GROUP_OF } from '../../lambdas/routes';

describe('OpenAPI description', () => {
  const doc = buildOpenApi({ hubId: 'xinqiao-540000', version: '1.0.0' }) as any;

  it('describes every route of the contract, and every route has a Lambda group', () => {
    const described = Object.entries(doc.paths).flatMap(([path, ops]: [string, any]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(described.sort()).toEqual(Object.keys(API_ROUTES).sort());
    expect(Object.keys(ROUTE_GROUP_OF).sort()).toEqual(Object.keys(API_ROUTES).sort());
  });

  it('defines a parameter for every {placeholder} of every path', () => {
    for (const [path, ops] of Object.entries(doc.paths) as [string, any][]) {
      const placeholders = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const op of Object.values(ops) as any[]) {
        const names = (op.parameters ?? []).filter((p: any) => p.in === 'path').map((p: any) => p.name);
        expect(names.sort(), path).toEqual(placeholders.sort());
      }
    }
  });

  it('keeps every $ref resolvable and requires a signature on every route but health and the console', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]!);
    for (const ref of refs) expect(doc.components.schemas, ref).toHaveProperty(ref);
    for (const [key, route] of Object.entries(API_ROUTES)) {
      const [method, path] = key.split(' ') as [string, string];
      const op = doc.paths[path][method.toLowerCase()];
      expect(Boolean(op.security), key).toBe(route.auth === 'signed');
    }
    expect(
      Object.entries(API_ROUTES)
        .filter(([, r]) => r.auth === 'public')
        .map(([k]) => k)
        .sort(),
    ).toEqual(['GET /console', 'GET /console/{file}', 'GET /v1/health']);
  });
});
