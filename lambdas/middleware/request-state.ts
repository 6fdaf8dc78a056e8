/**
 * Starts the per-request state (request id, exact body bytes) and refuses
 * bodies over the limit with 413 before any crypto or database work.
 */
import type middy from '@middy/core';
import { PayloadTooLargeError } from '../shared/errors';
import { logger } from '../shared/logger';
import type { HttpEvent, HttpResult, HubContext } from '../http/context';

export const MAX_BODY_BYTES = 256 * 1024;

export interface RequestStateOptions {
  maxBodyBytes?: number;
}

export function requestState(options: RequestStateOptions = {}): middy.MiddlewareObj<HttpEvent, HttpResult, Error, HubContext> {
  const limit = options.maxBodyBytes ?? MAX_BODY_BYTES;
  return {
    before: async (request) => {
      const { event } = request;
      const requestId = event.requestContext?.requestId ?? request.context.awsRequestId;
      request.context.hub = { requestId, body: new Uint8Array(0), auth: {}, recordIds: [] };
      // Temporary keys from the previous invocation (agency, kid) must not leak into this one.
      logger.resetKeys();
      logger.appendKeys({ requestId });
      const raw = event.body ?? '';
      // A UTF-8 string has at least as many bytes as UTF-16 units; base64 is 4 characters per 3 bytes.
      // Checking the length first means a huge body is never decoded.
      const surelyTooLarge = event.isBase64Encoded ? raw.length > Math.ceil(limit / 3) * 4 : raw.length > limit;
      if (surelyTooLarge) throw new PayloadTooLargeError(limit);
      const body = Buffer.from(raw, event.isBase64Encoded ? 'base64' : 'utf8');
      if (body.length > limit) throw new PayloadTooLargeError(limit);
      request.context.hub.body = body;
    },
  };
}
