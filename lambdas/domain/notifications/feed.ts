/**
 * An agency's notification feed (GET /v1/notifications): the newest page, or what came after a cursor, waiting for
 * it when there is nothing yet (long-poll) so that agency systems need not poll blindly. Every notification handed
 * out carries the hub's signature for its recipient, signed once per hub key and kept with the notification.
 */
import type { HubJwsSigner } from '../../crypto/hub-jws';
import { advance, cursorAfterNewest, decodeCursor, encodeCursor } from './feed-cursor';
import { type DeliveredNotification, delivered, signNotification } from './notification-signature';
import type { NotificationFeedStore, StoredNotification } from './ports';

export interface NotificationFeedDeps {
  readonly hubId: string;
  readonly feed: NotificationFeedStore;
  readonly signer: HubJwsSigner;
  readonly now?: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface FeedRequest {
  /** A cursor from an earlier page; without it, the newest page. */
  readonly after?: string;
  /** How long to wait for a notification after the cursor, in milliseconds (0: answer at once). */
  readonly waitMs: number;
  readonly limit: number;
}

export interface FeedPage {
  readonly items: (DeliveredNotification & { readonly signature: string })[];
  /** Where this page ends: pass it as `after` to get what comes next. */
  readonly cursor: string;
}

/** The first pause between two reads of the feed while waiting, doubled each time up to POLL_MAX_MS. */
export const POLL_FIRST_MS = 250;
export const POLL_MAX_MS = 2_000;
/** KMS Sign requests in flight at once for one page. */
const SIGN_CONCURRENCY = 8;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function readFeed(deps: NotificationFeedDeps, reader: { agencyId: string }, request: FeedRequest): Promise<FeedPage> {
  const now = deps.now ?? (() => new Date());
  const sleep = deps.sleep ?? defaultSleep;
  if (request.after === undefined) {
    const rows = await deps.feed.newest(reader.agencyId, request.limit);
    const cursor = encodeCursor(cursorAfterNewest(rows.map((r) => r.notification)));
    return { items: await signed(deps, rows, now()), cursor };
  }
  const cursor = decodeCursor(request.after);
  const deadline = now().getTime() + request.waitMs;
  for (let pause = POLL_FIRST_MS; ; pause = Math.min(pause * 2, POLL_MAX_MS)) {
    const rows = await deps.feed.since(reader.agencyId, cursor.since, request.limit + cursor.seen.length);
    const { deliver, next } = advance(
      cursor,
      rows.map((row) => ({ at: row.notification.at, notificationId: row.notification.notificationId, row })),
      request.limit,
    );
    if (deliver.length > 0) {
      return {
        items: await signed(
          deps,
          deliver.map((d) => d.row),
          now(),
        ),
        cursor: encodeCursor(next),
      };
    }
    const left = deadline - now().getTime();
    if (left <= 0) return { items: [], cursor: request.after };
    await sleep(Math.min(pause, left));
  }
}

/** Each row with its signature: the kept one if made with the current key, else signed now and kept. */
async function signed(deps: NotificationFeedDeps, rows: readonly StoredNotification[], at: Date): Promise<FeedPage['items']> {
  const { kid } = await deps.signer.jwk();
  const out: FeedPage['items'] = new Array(rows.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < rows.length; i = next++) {
      const row = rows[i]!;
      let token = row.signature?.kid === kid ? row.signature.token : undefined;
      if (!token) {
        const signature = await signNotification(deps.signer, deps.hubId, row.notification, at);
        token = signature.token;
        // Keeping it only saves a KMS request next time: if the write fails, the next read signs again.
        await deps.feed.keepSignature(row.notification, signature).catch(() => undefined);
      }
      out[i] = { ...delivered(row.notification), signature: token };
    }
  };
  await Promise.all(Array.from({ length: Math.min(SIGN_CONCURRENCY, rows.length) }, worker));
  return out;
}
