/**
 * The middleware chain every signed route group shares, in this order:
 * audit (writes last, sees the final response) -> error mapping -> request
 * state and size limit -> request path (read once) -> signature and replay -> JSON body -> route handler.
 */
import middy from '@middy/core';
import { formersReadInRequest, withCaseFileMemo } from '../domain/cases/case-file';
import type { Context } from 'aws-lambda';
import { type HttpEvent, type HttpResult, type HubContext, noteCases, type RouteHandler } from '../http/context';
import { auditTrail, writeIntent } from '../middleware/audit-trail';
import { errorMapper } from '../middleware/error-mapper';
import { jsonBody } from '../middleware/json-body';
import { requestPath } from '../middleware/request-path';
import { requestState } from '../middleware/request-state';
import { signedRequest } from '../middleware/signed-request';
import type { HubRuntime } from '../runtime';
import { unmatchedRoute } from '../handlers/meta/unmatched';
import { ForbiddenError } from '../shared/errors';

/** A route group as Lambda sees it. */
export type GroupHandler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

export interface SignedGroupOptions {
  /** Clock for signature checks and audit times; tests inject it. */
  now?: () => number;
  /** Body size limit of the group's routes (default 256 KB). */
  maxBodyBytes?: number;
  /** Media types the group's routes read raw (default: JSON only). */
  rawTypes?: readonly string[];
  /** Who may call the group: agency systems (default) or privacy officers; the other gets 403. */
  role?: 'agency' | 'officer' | 'any';
}

export function createSignedGroup(
  runtime: Pick<HubRuntime, 'province' | 'registry' | 'nonces' | 'audit'>,
  routes: Readonly<Record<string, RouteHandler>>,
  options: SignedGroupOptions = {},
): GroupHandler {
  const role = options.role ?? 'agency';
  const now = options.now ?? Date.now;
  const dispatch = async (event: HttpEvent, context: HubContext): Promise<HttpResult> => {
    const handler = routes[event.routeKey];
    if (handler && role !== 'any' && context.hub.caller?.role !== role) {
      throw role === 'officer'
        ? new ForbiddenError('This route is for privacy officers', '此接口仅供隐私官使用')
        : new ForbiddenError('This route is for agency systems', '此接口仅供业务部门系统调用');
    }
    // A mutating route's audit intent is chained before its effect: no effect without an audit record.
    if (handler && !event.routeKey.startsWith('GET ')) await writeIntent(runtime.audit, runtime.province, event, context, new Date(now()));
    // One request, one memo of case files: each file-scoped read computes a child's file once (case-file.ts).
    // The former cases whose data it read are named in the request's audit event, after the case it is filed under.
    return withCaseFileMemo(async () => {
      try {
        return await (handler ?? unmatchedRoute)(event, context);
      } finally {
        const noted = context.hub.caseIds ?? [];
        if (noted.length > 0) noteCases(context, ...formersReadInRequest().filter((id) => !noted.includes(id)));
      }
    });
  };
  return middy<HttpEvent, HttpResult, Error, HubContext>(dispatch)
    .use(auditTrail({ sink: runtime.audit, province: runtime.province, now: () => new Date(now()) }))
    .use(errorMapper())
    .use(requestState(options.maxBodyBytes ? { maxBodyBytes: options.maxBodyBytes } : {}))
    .use(requestPath())
    .use(signedRequest({ registry: runtime.registry, nonces: runtime.nonces, now }))
    .use(jsonBody(options.rawTypes ? { rawTypes: options.rawTypes } : {})) as unknown as GroupHandler;
}
