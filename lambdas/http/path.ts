/**
 * The one reading of a request path. The path is split into segments and each
 * segment is percent-decoded exactly once; routing (the local gateway),
 * path parameters, authorisation and the audit event all use that reading, so
 * `case%5F01…` and `case_01…` are the same case everywhere. Pure.
 */

/** The path's segments, each decoded once; undefined when a segment's percent-encoding is malformed. */
export function decodePath(rawPath: string): string[] | undefined {
  const segments: string[] = [];
  for (const raw of rawPath.split('/')) {
    try {
      segments.push(decodeURIComponent(raw));
    } catch {
      return undefined;
    }
  }
  return segments;
}

/**
 * The path re-encoded from its decoded segments: one spelling per path, so
 * that `/v1/cases/case%5F01` and `/v1/cases/case_01` are audited alike.
 */
export function canonicalPath(segments: readonly string[]): string {
  return segments.map((s) => encodeURIComponent(s)).join('/');
}

/**
 * The parameters of a route key (`GET /v1/cases/{caseId}`) read from decoded
 * segments; undefined when the path does not fit the template. With
 * `literals: true` the fixed segments must match too (the local gateway routes
 * with it); API Gateway has already routed, so only the shape is checked then.
 */
export function routeParams(routeKey: string, segments: readonly string[], literals = false): Record<string, string> | undefined {
  const template = routeKey.split(' ')[1]?.split('/');
  if (!template || template.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of template.entries()) {
    const name = /^\{(\w+)\}$/.exec(part)?.[1];
    if (name) {
      if (!segments[i]) return undefined;
      params[name] = segments[i]!;
    } else if (literals && part !== segments[i]) return undefined;
  }
  return params;
}
