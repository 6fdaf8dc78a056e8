/**
 * The one place errors become HTTP responses. HubErrors keep their code and
 * status; 4xx carry their messages, 5xx carry a generic message only. A
 * dependency that did not answer or is unavailable (lambdas/shared/dependency-failure.ts)
 * is a 503 SERVICE_UNAVAILABLE with Retry-After; anything else is an INTERNAL
 * 500. Nothing from a stack trace reaches a client.
 */
import type middy from '@middy/core';
import { asServiceUnavailable } from '../shared/dependency-failure';
import { HubError, InternalError } from '../shared/errors';
import type { ApiError } from '../../schemas/api-error';
import { logger } from '../shared/logger';
import type { HttpEvent, HttpResult, HubContext } from '../http/context';
import { json } from '../http/responses';

export function toHubError(error: unknown): HubError {
  if (error instanceof HubError) return error;
  return asServiceUnavailable(error) ?? new InternalError({ cause: error });
}

/** The error body for `error`; 5xx bodies are generic. */
export function errorBody(error: HubError, requestId: string): ApiError {
  const generic = !error.expose;
  return {
    error: {
      code: error.code,
      message: generic ? (error.statusCode === 503 ? 'Service temporarily unavailable; retry later' : 'Internal error') : error.message,
      message_zh: error.messageZh,
      requestId,
      ...(!generic && error.details && { details: error.details }),
    },
  };
}

export function errorResponse(error: HubError, requestId: string): HttpResult {
  const retryAfter = 'retryAfterSeconds' in error && typeof error.retryAfterSeconds === 'number' ? error.retryAfterSeconds : 1;
  const headers: Record<string, string> = error.statusCode === 503 ? { 'retry-after': String(retryAfter) } : {};
  if (error.statusCode === 401) headers['www-authenticate'] = 'Bearer realm="xinqiao"';
  return json(error.statusCode, errorBody(error, requestId), requestId, headers);
}

export function errorMapper(): middy.MiddlewareObj<HttpEvent, HttpResult, Error, HubContext> {
  return {
    onError: async (request) => {
      const error = toHubError(request.error);
      const requestId = request.context.hub?.requestId ?? request.event.requestContext?.requestId ?? 'unknown';
      if (error.statusCode === 503) {
        const cause = error.cause as { name?: string; code?: string } | undefined;
        logger.warn('dependency unavailable', { code: error.code, reason: error.message, causeName: cause?.name, causeCode: cause?.code });
      } else if (error.statusCode >= 500) {
        const cause = (error.cause ?? request.error) as { name?: string; stack?: string } | undefined;
        // Stack frames only: the first line is a message, and messages may quote input.
        logger.error('request failed', { code: error.code, causeName: cause?.name, frames: cause?.stack?.split('\n').slice(1, 12).join('\n') });
      } else {
        logger.info('request refused', { code: error.code, status: error.statusCode });
      }
      request.response = errorResponse(error, requestId);
    },
  };
}
