/** Parses a JSON body for methods that carry one; refuses other media types with 415. */
import type middy from '@middy/core';
import { UnsupportedMediaTypeError, ValidationError } from '../shared/errors';
import type { HttpEvent, HttpResult, HubContext } from '../http/context';

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

export interface JsonBodyOptions {
  /** Other media types the group's routes read from the raw body themselves (e.g. text/csv). */
  rawTypes?: readonly string[];
}

export function jsonBody(options: JsonBodyOptions = {}): middy.MiddlewareObj<HttpEvent, HttpResult, Error, HubContext> {
  const raw = new Set(options.rawTypes ?? []);
  return {
    before: async (request) => {
      const { event, context } = request;
      if (!WITH_BODY.has(event.requestContext.http.method)) return;
      const type = (event.headers?.['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (raw.has(type)) return;
      if (type !== 'application/json') throw new UnsupportedMediaTypeError();
      try {
        context.hub.json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(context.hub.body));
      } catch {
        // The parser's own message may quote the body: keep it out of responses and logs.
        throw new ValidationError([{ message: 'body is not valid UTF-8 JSON' }], 'The request body is not valid JSON');
      }
    },
  };
}
