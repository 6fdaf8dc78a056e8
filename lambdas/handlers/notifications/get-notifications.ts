/** GET /v1/notifications: this agency's feed, hub-signed; with `after` and `wait`, a long-poll. */
import type { Context } from 'aws-lambda';
import { MAX_WAIT_SECONDS, notificationsQuery } from '../../../schemas/notifications';
import { type NotificationFeedDeps, readFeed } from '../../domain/notifications/feed';
import { callerOf, type RouteHandler } from '../../http/context';
import { json } from '../../http/responses';
import { parseQuery } from '../../http/validate';

/** Kept back from the Lambda's remaining time for the last read, the signing and the audit write. */
export const ANSWER_MARGIN_MS = 4_000;

/** How long this request may wait: what was asked, within what the Lambda has left. */
export function waitBudgetMs(waitSeconds: number, context: Pick<Context, 'getRemainingTimeInMillis'>): number {
  const asked = Math.min(waitSeconds, MAX_WAIT_SECONDS) * 1000;
  const left = typeof context.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() - ANSWER_MARGIN_MS : asked;
  return Math.max(0, Math.min(asked, left));
}

export function notificationsHandler(deps: NotificationFeedDeps): RouteHandler {
  return async (event, context) => {
    const { limit, after, wait } = parseQuery(notificationsQuery, event.queryStringParameters);
    const page = await readFeed(deps, callerOf(context), { limit, ...(after !== undefined && { after }), waitMs: waitBudgetMs(wait ?? 0, context) });
    return json(200, page, context.hub.requestId);
  };
}
