/** The one reading of a request path: each segment decoded once, one canonical spelling, route parameters. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalPath, decodePath, routeParams } from '../../../lambdas/http/path';

/** Every UTF-8 byte of `c` as %XX, in upper- or lower-case hex. */
const percent = (c: string, lower: boolean) =>
  [...new TextEncoder().encode(c)].map((b) => `%${b.toString(16).padStart(2, '0')[lower ? 'toLowerCase' : 'toUpperCase']()}`).join('');

/** A client's spelling of `s`: any character may be percent-encoded; those that must be, are. */
const spellings = (s: string) => {
  const chars = [...s];
  return fc
    .array(fc.tuple(fc.boolean(), fc.boolean()), { minLength: chars.length, maxLength: chars.length })
    .map((choices) => chars.map((c, i) => (choices[i]![0] || !/^[A-Za-z0-9_.~-]$/.test(c) ? percent(c, choices[i]![1]) : c)).join(''));
};

describe('request path', () => {
  it('decodes each segment once: case%5F… and case_… are the same segments and the same canonical path', () => {
    const a = decodePath('/v1/cases/case%5F01HZX8Y6Q2M3N4P5R6S7T8V9W0')!;
    const b = decodePath('/v1/cases/case_01HZX8Y6Q2M3N4P5R6S7T8V9W0')!;
    expect(a).toEqual(b);
    expect(canonicalPath(a)).toBe('/v1/cases/case_01HZX8Y6Q2M3N4P5R6S7T8V9W0');
  });

  it('decodes exactly once: %255F stays %5F, never becomes _', () => {
    expect(decodePath('/v1/cases/case%255F01')).toEqual(['', 'v1', 'cases', 'case%5F01']);
  });

  it('keeps an encoded slash inside its segment', () => {
    expect(decodePath('/console/..%2F..%2Fpackage.json')).toEqual(['', 'console', '../../package.json']);
    expect(canonicalPath(decodePath('/console/..%2F..%2Fpackage.json')!)).toBe('/console/..%2F..%2Fpackage.json');
  });

  it.each(['/v1/cases/%ZZ', '/v1/cases/%', '/v1/cases/%E4%B8', '/v1/records/%C0%AF', '/v1/%ED%A0%80'])('finds %s malformed', (path) => {
    expect(decodePath(path)).toBeUndefined();
  });

  it('gives every spelling of a path the same canonical form', () => {
    const segment = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).filter((s) => !s.includes('/'));
    fc.assert(
      fc.property(
        fc.array(segment, { minLength: 1, maxLength: 4 }).chain((segments) => fc.tuple(fc.constant(segments), ...segments.map(spellings))),
        ([segments, ...spelled]) => {
          const canonical = canonicalPath(['', ...segments]);
          const decoded = decodePath(`/${spelled.join('/')}`);
          expect(decoded).toEqual(['', ...segments]);
          expect(canonicalPath(decoded!)).toBe(canonical);
          // The canonical path reads back as itself.
          expect(canonicalPath(decodePath(canonical)!)).toBe(canonical);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('never throws, whatever the path', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (path) => {
        const decoded = decodePath(path);
        if (decoded) expect(decoded).toHaveLength(path.split('/').length);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads route parameters from the decoded segments, by position', () => {
    const segments = decodePath('/v1/cases/case%5F01/emergency')!;
    expect(routeParams('POST /v1/cases/{caseId}/emergency', segments)).toEqual({ caseId: 'case_01' });
    expect(routeParams('POST /v1/cases/{caseId}', segments)).toBeUndefined();
    expect(routeParams('GET /v1/ledger', decodePath('/v1/ledger')!)).toEqual({});
  });

  it('checks fixed segments only when routing', () => {
    const segments = decodePath('/v1/casez/case_01')!;
    expect(routeParams('GET /v1/cases/{caseId}', segments)).toEqual({ caseId: 'case_01' });
    expect(routeParams('GET /v1/cases/{caseId}', segments, true)).toBeUndefined();
    expect(routeParams('GET /v1/cases/{caseId}', decodePath('/v1/%63ases/case_01')!, true)).toEqual({ caseId: 'case_01' });
  });

  it('never matches an empty parameter', () => {
    expect(routeParams('GET /v1/cases/{caseId}', decodePath('/v1/cases/')!)).toBeUndefined();
  });
});
