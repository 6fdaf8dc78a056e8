import { describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../schemas/api';
import { buildOpenApi, tagOf } from '../../schemas/openapi';
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

  it('keeps every $ref resolvable and requires a signature on every route but health, the hub keys (JWKS) and the console', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]!);
    for (const ref of refs) expect(doc.components.schemas, ref).toHaveProperty(ref);
    for (const [key, route] of Object.entries(API_ROUTES)) {
      const [method, path] = key.split(' ') as [string, string];
      const op = doc.paths[path][method.toLowerCase()];
      expect(op.security, key).toEqual(route.auth === 'signed' ? [{ signedRequest: [] }] : []);
    }
    expect(doc.security).toEqual([{ signedRequest: [] }]);
    expect(
      Object.entries(API_ROUTES)
        .filter(([, r]) => r.auth === 'public')
        .map(([k]) => k)
        .sort(),
    ).toEqual(['GET /console', 'GET /console/{file}', 'GET /v1/health', 'GET /v1/hub-keys']);
  });

  it('defines the Error schema itself, not as a reference to itself', () => {
    expect(doc.components.schemas.Error.$ref).toBeUndefined();
    expect(doc.components.schemas.Error.properties.error.required).toEqual(expect.arrayContaining(['code', 'message', 'message_zh', 'requestId']));
  });

  it('declares a server and puts every operation under exactly one declared tag', () => {
    expect(doc.servers[0].url).toBe('{origin}');
    expect(buildOpenApi({ hubId: 'xinqiao-540000', version: '1.0.0', serverUrl: 'https://api.example.cn' }).servers).toEqual([
      { url: 'https://api.example.cn', description: 'Xinqiao hub xinqiao-540000' },
    ]);
    const declared = doc.tags.map((t: any) => t.name);
    for (const [path, ops] of Object.entries(doc.paths) as [string, any][]) {
      for (const [method, op] of Object.entries(ops) as [string, any][]) {
        expect(op.tags, `${method} ${path}`).toHaveLength(1);
        expect(declared, `${method} ${path}`).toContain(op.tags[0]);
      }
    }
    expect(doc.paths['/v1/cases/{caseId}'].get.tags).toEqual(['consent']);
    expect(doc.paths['/v1/cases/{caseId}/merge'].post.tags).toEqual(['cases']);
    expect(() => tagOf('GET /v2/unknown')).toThrow(/no OpenAPI tag/);
  });

  it('declares the real media types: CSV for the exports, the console files as they are served', () => {
    for (const path of ['/v1/ledger', '/v1/audit/events', '/v1/audit/cases/{caseId}/access-report']) {
      expect(Object.keys(doc.paths[path].get.responses['200'].content).sort(), path).toEqual(['application/json', 'text/csv']);
    }
    expect(doc.paths['/v1/records'].post.responses['201'].content['text/csv']).toBeUndefined();
    const consoleOp = doc.paths['/console/{file}'].get;
    expect(Object.keys(consoleOp.responses['200'].content).sort()).toEqual(['application/json', 'text/css', 'text/html', 'text/javascript']);
    expect(consoleOp.parameters[0].schema.enum.sort()).toEqual(['app.js', 'config.json', 'index.html', 'style.css', 'uPlot.iife.min.js', 'uPlot.min.css']);
    expect(consoleOp.responses['404']).toBeDefined();
    const redirect = doc.paths['/console'].get.responses['301'];
    expect(redirect.content).toBeUndefined();
    expect(redirect.headers.Location).toBeDefined();
  });

  it('gives every operation a 2xx answer (but the console redirect) and a 503 with Retry-After', () => {
    for (const [path, ops] of Object.entries(doc.paths) as [string, any][]) {
      for (const [method, op] of Object.entries(ops) as [string, any][]) {
        const key = `${method.toUpperCase()} ${path}`;
        if (key !== 'GET /console')
          expect(
            Object.keys(op.responses).some((s) => s.startsWith('2')),
            key,
          ).toBe(true);
        expect(op.responses['503'].headers['Retry-After'], key).toBeDefined();
      }
    }
  });
});
