/**
 * Webhooks: the hub posts an agency's notifications, each signed for it as in the feed, to the https URL the
 * province config gives that agency. A scheduled job (every minute in the stack) reads each agency's feed after
 * the cursor its webhook reached, posts what came, and moves the cursor only when the receiver answers 2xx; a
 * refused or unanswered post is retried with the same notifications, waiting longer after each failure (1 minute
 * doubling to 1 hour), so delivery is at least once and in order. The same cursor as GET /v1/notifications, so
 * nothing is skipped there that is not skipped here.
 */
import { createHash } from 'node:crypto';
import { cursorAfterNewest, encodeCursor } from './feed-cursor';
import { type NotificationFeedDeps, readFeed } from './feed';
import type { WebhookStateStore, WebhookTransport } from './ports';

export interface WebhookDeps extends NotificationFeedDeps {
  readonly hooks: WebhookStateStore;
  readonly transport: WebhookTransport;
  /** The agencies with a webhook, from the province config. */
  readonly targets: readonly { readonly agencyId: string; readonly url: string }[];
}

export type WebhookOutcome = 'started' | 'nothing' | 'delivered' | 'failed' | 'waiting';

export interface WebhookRun {
  readonly agencyId: string;
  readonly outcome: WebhookOutcome;
  /** Notifications accepted by the receiver in this run. */
  readonly delivered: number;
  readonly failures: number;
}

/** Notifications in one post, and posts to one agency in one run (the rest waits for the next run). */
export const WEBHOOK_BATCH = 50;
export const WEBHOOK_POSTS_PER_RUN = 5;
const FIRST_RETRY_MS = 60_000;
const LAST_RETRY_MS = 3_600_000;
const AGENCIES_AT_ONCE = 16;

/** How long to wait after the `failures`-th failure in a row. */
export function retryDelayMs(failures: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, failures - 1), LAST_RETRY_MS);
}

/** One delivery's id: the same for every attempt at the same notifications, so a receiver can drop a repeat. */
export function deliveryId(agencyId: string, cursor: string): string {
  return `dlv_${createHash('sha256').update(`${agencyId}\n${cursor}`).digest('base64url').slice(0, 26)}`;
}

export async function deliverWebhooks(deps: WebhookDeps): Promise<WebhookRun[]> {
  const runs: WebhookRun[] = new Array(deps.targets.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < deps.targets.length; i = next++) runs[i] = await deliverTo(deps, deps.targets[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(AGENCIES_AT_ONCE, deps.targets.length) }, worker));
  return runs;
}

async function deliverTo(deps: WebhookDeps, target: WebhookDeps['targets'][number]): Promise<WebhookRun> {
  const now = deps.now ?? (() => new Date());
  const { agencyId } = target;
  let state = await deps.hooks.webhookState(agencyId);
  if (!state) {
    // A new webhook starts with what comes next; what came before is in the agency's feed.
    const newest = await deps.feed.newest(agencyId, WEBHOOK_BATCH);
    await deps.hooks.saveWebhookState(agencyId, { cursor: encodeCursor(cursorAfterNewest(newest.map((r) => r.notification))), failures: 0 });
    return { agencyId, outcome: 'started', delivered: 0, failures: 0 };
  }
  if (state.nextAttemptAt && state.nextAttemptAt > now().toISOString()) return { agencyId, outcome: 'waiting', delivered: 0, failures: state.failures };
  let delivered = 0;
  for (let post = 0; post < WEBHOOK_POSTS_PER_RUN; post++) {
    const page = await readFeed(deps, { agencyId }, { after: state.cursor, waitMs: 0, limit: WEBHOOK_BATCH });
    if (page.items.length === 0) break;
    const body = JSON.stringify({ hubId: deps.hubId, agencyId, items: page.items });
    const status = await deps.transport.post(target.url, body, {
      'content-type': 'application/json; charset=utf-8',
      'x-xinqiao-delivery': deliveryId(agencyId, state.cursor),
    });
    if (status < 200 || status > 299) {
      const failures = state.failures + 1;
      state = {
        cursor: state.cursor,
        failures,
        nextAttemptAt: new Date(now().getTime() + retryDelayMs(failures)).toISOString(),
        lastFailure: status === 0 ? 'network' : String(status),
      };
      await deps.hooks.saveWebhookState(agencyId, state);
      return { agencyId, outcome: 'failed', delivered, failures };
    }
    state = { cursor: page.cursor, failures: 0 };
    await deps.hooks.saveWebhookState(agencyId, state);
    delivered += page.items.length;
  }
  return { agencyId, outcome: delivered > 0 ? 'delivered' : 'nothing', delivered, failures: 0 };
}
