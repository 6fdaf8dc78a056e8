/**
 * Reads the request path once, before the signature, authorisation and the
 * audit event see it: every segment percent-decoded exactly once
 * (../http/path.ts). Path parameters are then taken from that reading,
 * whatever the gateway put in `pathParameters`, and the audit event records
 * the canonical path. Malformed percent-encoding is a 400 PATH_MALFORMED,
 * audited like every other refusal.
 */
import type middy from '@middy/core';
import type { HttpEvent, HttpResult, HubContext } from '../http/context';
import { canonicalPath, decodePath, routeParams } from '../http/path';
import { PathMalformedError } from '../shared/errors';

export function requestPath(): middy.MiddlewareObj<HttpEvent, HttpResult, Error, HubContext> {
  return {
    before: async (request) => {
      const { event, context } = request;
      const segments = decodePath(event.rawPath ?? '/');
      if (!segments) throw new PathMalformedError();
      context.hub.path = canonicalPath(segments);
      const params = event.routeKey && event.routeKey !== '$default' ? routeParams(event.routeKey, segments) : undefined;
      if (params && Object.keys(params).length > 0) event.pathParameters = params;
      else delete event.pathParameters;
    },
  };
}
