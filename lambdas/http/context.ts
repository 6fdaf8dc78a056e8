/** What the middlewares learn about one request and hand to the route handler. */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { AuthAttempt, VerifiedAgency, VerifiedCaller, VerifiedOfficer } from '../auth/verify-request';
import { ForbiddenError } from '../shared/errors';

export interface RequestState {
  readonly requestId: string;
  /** The path with each segment decoded once and re-encoded one way (request-path middleware). */
  path?: string;
  /** The exact body bytes (decoded from base64 when API Gateway encoded them). */
  body: Uint8Array;
  /** Filled in by the signed-request middleware as verification proceeds. */
  readonly auth: AuthAttempt;
  caller?: VerifiedCaller;
  /** Parsed JSON body, set by the json-body middleware. */
  json?: unknown;
  /** Record ids this request touched, for its audit event. */
  readonly recordIds: string[];
  /** Cases this request concerned beyond its path's `caseId` (officers search events by case). */
  caseIds?: string[];
  /** The write-ahead audit intent of a mutating request, once chained. */
  intentId?: string;
  /** Set by routes that disclose another agency's data: the gate's decision, for the audit event. */
  disclosure?: unknown;
  severity?: 'high';
}

export interface HubContext extends Context {
  hub: RequestState;
}

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;

/** A route handler: parse, authorize, call domain code, shape the response. */
export type RouteHandler = (event: HttpEvent, context: HubContext) => Promise<HttpResult>;

/** Names cases the request concerned, for its audit event (the officers' search by case and the access report). */
export function noteCases(context: HubContext, ...caseIds: (string | undefined)[]): void {
  const ids = caseIds.filter((c): c is string => typeof c === 'string' && c.length > 0);
  if (ids.length > 0) context.hub.caseIds = [...(context.hub.caseIds ?? []), ...ids];
}

/** The agency system calling; the signed group guarantees the role on agency routes. */
export function callerOf(context: HubContext): VerifiedAgency {
  const caller = context.hub.caller;
  if (!caller) throw new TypeError('route is not behind the signed-request middleware');
  if (caller.role !== 'agency') throw new ForbiddenError('This route is for agency systems', '此接口仅供业务部门系统调用');
  return caller;
}

/** The privacy officer calling; the signed group guarantees the role on officer routes. */
export function officerOf(context: HubContext): VerifiedOfficer {
  const caller = context.hub.caller;
  if (!caller) throw new TypeError('route is not behind the signed-request middleware');
  if (caller.role !== 'officer') throw new ForbiddenError('This route is for privacy officers', '此接口仅供隐私官使用');
  return caller;
}

/** Path and query exactly as sent, as bound by the `htu` claim. */
export function pathWithQuery(event: HttpEvent): string {
  return event.rawQueryString ? `${event.rawPath}?${event.rawQueryString}` : event.rawPath;
}
