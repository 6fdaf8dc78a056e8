/**
 * Writes exactly one audit event per request, allowed or denied, after the
 * response is known. If the write fails the request fails with a generic 503:
 * nothing is disclosed without an audit record. Must be the first middleware
 * used (its `after`/`onError` then run last, seeing the final response).
 * A mutating route also chains a write-ahead intent before its effect
 * (`writeIntent`, called by the signed group once the caller is verified): if
 * that write fails, the route never runs, so nothing changes unaudited.
 */
import type middy from '@middy/core';
import { outcomeOf } from '../domain/audit/audit-event';
import type { AuditEvent } from '../../schemas/entities/audit';
import type { AuditAppender } from '../domain/audit/ports';
import { AuditUnavailableError } from '../shared/errors';
import { timeOrderedId } from '../shared/ids';
import { logger } from '../shared/logger';
import { emitAuditMetrics } from '../shared/metrics';
import type { HttpEvent, HttpResult, HubContext } from '../http/context';
import { errorResponse, toHubError } from './error-mapper';

export type AuditSink = AuditAppender;

/** Case ids as the hub makes them (a path's `caseId` is indexed only when well-formed). */
const CASE_ID = /^case_[0-9A-HJKMNP-TV-Z]{26}$/;

/** The cases a request concerned: the path's case first, then those the route named. */
function casesOf(event: HttpEvent, context: HubContext): string[] {
  const fromPath = event.pathParameters?.caseId;
  return [...new Set([...(fromPath && CASE_ID.test(fromPath) ? [fromPath] : []), ...(context.hub.caseIds ?? [])])];
}

/**
 * Chains the write-ahead record of a mutating request (who, which route, which
 * path) before its effect; the request's event follows with the same `intentId`.
 * Throws AuditUnavailableError (503) when it cannot be written: the route must not run.
 */
export async function writeIntent(sink: AuditSink, province: string, event: HttpEvent, context: HubContext, now: Date): Promise<void> {
  const { hub } = context;
  const intentId = timeOrderedId('int', now.getTime());
  try {
    await sink.appendIntent({
      intentId,
      time: now.toISOString(),
      requestId: hub.requestId,
      province,
      route: event.routeKey,
      path: hub.path ?? event.rawPath,
      ...(hub.caller?.agencyId && { agencyId: hub.caller.agencyId }),
      ...(hub.caller?.sub && { sub: hub.caller.sub }),
      ...(hub.caller?.purpose && { purpose: hub.caller.purpose }),
    });
  } catch (error) {
    throw new AuditUnavailableError({ cause: error });
  }
  hub.intentId = intentId;
}

export interface AuditTrailOptions {
  sink: AuditSink;
  province: string;
  now?: () => Date;
}

const WRITTEN = Symbol('auditWritten');
const STARTED = Symbol('auditStarted');

export function auditTrail(options: AuditTrailOptions): middy.MiddlewareObj<HttpEvent, HttpResult, Error, HubContext> {
  const now = options.now ?? (() => new Date());

  const eventFor = (request: middy.Request<HttpEvent, HttpResult, Error, HubContext>): AuditEvent => {
    const { hub } = request.context;
    const status = request.response?.statusCode ?? 500;
    const caller = hub.caller;
    const errorCode = request.error ? toHubError(request.error).code : undefined;
    const time = now();
    return {
      eventId: timeOrderedId('evt', time.getTime()),
      time: time.toISOString(),
      requestId: hub.requestId,
      province: options.province,
      route: request.event.routeKey && request.event.routeKey !== '$default' ? request.event.routeKey : 'UNMATCHED',
      // The path as read once by the request-path middleware; as received when it could not be read.
      path: hub.path ?? request.event.rawPath,
      agencyVerified: caller !== undefined,
      ...((caller?.agencyId ?? hub.auth.agencyId) && { agencyId: caller?.agencyId ?? hub.auth.agencyId }),
      ...((caller?.kid ?? hub.auth.kid) && { kid: caller?.kid ?? hub.auth.kid }),
      ...((caller?.sub ?? hub.auth.sub) && { sub: caller?.sub ?? hub.auth.sub }),
      ...(caller?.purpose && { purpose: caller.purpose }),
      recordIds: hub.recordIds,
      caseIds: casesOf(request.event, request.context),
      ...(hub.intentId && { intentId: hub.intentId }),
      outcome: outcomeOf(status),
      status,
      ...(errorCode && { errorCode }),
      ...(hub.severity && { severity: hub.severity }),
      ...(hub.disclosure !== undefined && { disclosure: hub.disclosure }),
    };
  };

  const write = async (request: middy.Request<HttpEvent, HttpResult, Error, HubContext>) => {
    const event = eventFor(request);
    (request.internal as Record<symbol, boolean>)[WRITTEN] = true;
    await options.sink.append(event);
    const started = (request.internal as Record<symbol, number | undefined>)[STARTED];
    emitAuditMetrics(event, started === undefined ? undefined : performance.now() - started);
    logger.info('audited', { eventId: event.eventId, route: event.route, outcome: event.outcome, status: event.status, errorCode: event.errorCode });
  };

  return {
    before: (request) => {
      (request.internal as Record<symbol, number>)[STARTED] = performance.now();
    },
    after: async (request) => {
      try {
        await write(request);
      } catch (error) {
        throw new AuditUnavailableError({ cause: error });
      }
    },
    onError: async (request) => {
      if ((request.internal as Record<symbol, boolean>)[WRITTEN]) {
        // The audit write itself failed in `after`: the error mapper has already shaped a generic 503.
        return;
      }
      try {
        await write(request);
      } catch (error) {
        logger.error('audit write failed; response withheld', { causeName: (error as Error)?.name });
        request.response = errorResponse(new AuditUnavailableError({ cause: error }), request.context.hub.requestId);
      }
    },
  };
}
