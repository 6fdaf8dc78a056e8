/**
 * The notification feed's cursor: where an agency's reader stands. A notification's time (`at`) is taken before
 * it is written, so one stamped earlier can become visible after a later one (a linking transaction that took a
 * moment). A cursor that kept only "the last one seen" would skip it. So the cursor keeps `since`, a time before
 * which everything was delivered, and the ids already delivered at or after it; it trails the newest delivered
 * notification by SETTLE_MS, and a notification that appears up to that late is still delivered, once.
 *
 * Pure: no clock, no store. A cursor is a position, not a secret (like the paging cursors): a forged one can only
 * move within the caller's own feed. Anything that does not decode to a well-formed cursor is a 400 naming `after`.
 */
import * as z from 'zod';
import { canonicalJson } from '../../crypto/canonical-json';
import { ValidationError } from '../../shared/errors';

/** How late a notification may become visible, after its own time, and still be delivered. */
export const SETTLE_MS = 30_000;
/** At most this many delivered ids in a cursor (about 1.6 KB once encoded); a burst beyond it gives up the oldest. */
export const MAX_SEEN = 50;
/** The cursor of a feed read from its start. */
export const FEED_START = '1970-01-01T00:00:00.000Z';

export interface FeedCursor {
  /** Every notification of the feed before this time was delivered. */
  readonly since: string;
  /** Notifications at or after `since` already delivered, sorted. */
  readonly seen: readonly string[];
}

/** A notification as the cursor sees it: its time and id. */
export interface FeedPosition {
  readonly at: string;
  readonly notificationId: string;
}

const wire = z.strictObject({
  v: z.literal(1),
  since: z.iso.datetime(),
  seen: z
    .array(z.string().regex(/^ntf_[0-9A-Z]{26}$/))
    .max(MAX_SEEN)
    .refine((ids) => ids.every((id, i) => i === 0 || ids[i - 1]! < id)),
});

const MAX_ENCODED = 4096;

const invalid = () =>
  new ValidationError(
    [{ path: 'after', message: 'not a cursor from a previous notifications page', message_zh: '不是之前通知页面返回的游标' }],
    'The notifications cursor is invalid',
    '通知游标无效',
  );

export function encodeCursor(cursor: FeedCursor): string {
  return Buffer.from(canonicalJson({ v: 1, since: cursor.since, seen: [...cursor.seen].sort() }), 'utf8').toString('base64url');
}

export function decodeCursor(text: string): FeedCursor {
  if (text.length > MAX_ENCODED || !/^[A-Za-z0-9_-]+$/.test(text)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(text, 'base64url')));
  } catch {
    throw invalid();
  }
  const result = wire.safeParse(parsed);
  if (!result.success || new Date(result.data.since).toISOString() !== result.data.since) throw invalid();
  const cursor = { since: result.data.since, seen: result.data.seen };
  // Only the canonical spelling of a position is accepted (base64url ignores stray bits; JSON allows spacing).
  if (encodeCursor(cursor) !== text) throw invalid();
  return cursor;
}

const byPosition = (a: FeedPosition, b: FeedPosition) =>
  a.at < b.at ? -1 : a.at > b.at ? 1 : a.notificationId < b.notificationId ? -1 : a.notificationId > b.notificationId ? 1 : 0;

/**
 * Which of `rows` (the feed at and after `cursor.since`, oldest first, as read now) to deliver, at most `limit`,
 * and the cursor after them. Delivered rows are always a prefix of the undelivered ones, so nothing is skipped.
 */
export function advance<T extends FeedPosition>(cursor: FeedCursor, rows: readonly T[], limit: number): { deliver: T[]; next: FeedCursor } {
  const seen = new Set(cursor.seen);
  const sorted = [...rows].sort(byPosition);
  const deliver = sorted.filter((r) => !seen.has(r.notificationId)).slice(0, limit);
  for (const r of deliver) seen.add(r.notificationId);
  // The rows read, up to the first one still undelivered: all delivered now.
  const firstPending = sorted.find((r) => !seen.has(r.notificationId));
  const settledUpTo = firstPending ? sorted.slice(0, sorted.indexOf(firstPending)) : sorted;
  const newest = settledUpTo.at(-1);
  let since = cursor.since;
  if (newest) {
    const trailing = new Date(Date.parse(newest.at) - SETTLE_MS).toISOString();
    if (trailing > since) since = trailing;
  }
  // Ids the cursor must keep: delivered, at or after `since` (ids not among the rows read are kept as they are).
  const atOf = new Map(sorted.map((r) => [r.notificationId, r.at]));
  let kept = [...seen].filter((id) => (atOf.get(id) ?? since) >= since);
  if (kept.length > MAX_SEEN) {
    // A burst: give up the oldest ids by moving `since` past them, never past a notification still undelivered.
    const known = kept.filter((id) => atOf.has(id)).sort((a, b) => (atOf.get(a)! < atOf.get(b)! ? -1 : atOf.get(a)! > atOf.get(b)! ? 1 : 0));
    const limitAt = firstPending?.at;
    for (const id of known) {
      if (kept.length <= MAX_SEEN) break;
      const past = new Date(Date.parse(atOf.get(id)!) + 1).toISOString();
      if (limitAt !== undefined && past > limitAt) break;
      since = past > since ? past : since;
      kept = kept.filter((k) => (atOf.get(k) ?? since) >= since);
    }
  }
  return { deliver, next: { since, seen: kept.sort() } };
}

/** The cursor after a newest-first page (`items` newest first): from there a reader waits for what comes next. */
export function cursorAfterNewest(items: readonly FeedPosition[]): FeedCursor {
  if (items.length === 0) return { since: FEED_START, seen: [] };
  const oldest = items.at(-1)!.at;
  const trailing = new Date(Date.parse(items[0]!.at) - SETTLE_MS).toISOString();
  let since = trailing > oldest ? trailing : oldest;
  // More than MAX_SEEN in the window: keep the newest, from just after the newest one given up.
  const window = items.filter((n) => n.at >= since);
  if (window.length > MAX_SEEN) since = new Date(Date.parse(window[MAX_SEEN]!.at) + 1).toISOString();
  return {
    since,
    seen: window
      .filter((n) => n.at >= since)
      .map((n) => n.notificationId)
      .sort(),
  };
}
