/** The feed cursor: nothing skipped, nothing delivered twice, even when a notification becomes visible late. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  advance,
  cursorAfterNewest,
  decodeCursor,
  encodeCursor,
  FEED_START,
  type FeedCursor,
  type FeedPosition,
  MAX_SEEN,
  SETTLE_MS,
} from '../../../../lambdas/domain/notifications/feed-cursor';
import { ValidationError } from '../../../../lambdas/shared/errors';

const T0 = Date.parse('2026-12-03T09:00:00.000Z');
const iso = (ms: number) => new Date(T0 + ms).toISOString();
const id = (n: number) => `ntf_${String(n).padStart(26, '0')}`;
const note = (n: number, ms: number): FeedPosition => ({ notificationId: id(n), at: iso(ms) });
const byPosition = (a: FeedPosition, b: FeedPosition) => (a.at === b.at ? (a.notificationId < b.notificationId ? -1 : 1) : a.at < b.at ? -1 : 1);
/** What the store answers: the visible notifications at or after `since`, oldest first, at most `limit`. */
const read = (visible: readonly FeedPosition[], since: string, limit: number) =>
  visible
    .filter((v) => v.at >= since)
    .sort(byPosition)
    .slice(0, limit);
const poll = (cursor: FeedCursor, visible: readonly FeedPosition[], limit: number) =>
  advance(cursor, read(visible, cursor.since, limit + cursor.seen.length), limit);

describe('feed cursor encoding', () => {
  it('round-trips a cursor and sorts its ids', () => {
    const cursor = { since: iso(5), seen: [id(2), id(1)] };
    expect(decodeCursor(encodeCursor(cursor))).toEqual({ since: iso(5), seen: [id(1), id(2)] });
  });

  it.each([
    ['not base64url', '!!!'],
    ['not JSON', Buffer.from('nope').toString('base64url')],
    ['an unknown field', Buffer.from(JSON.stringify({ seen: [], since: iso(0), v: 1, x: 1 })).toString('base64url')],
    ['another version', Buffer.from(JSON.stringify({ seen: [], since: iso(0), v: 2 })).toString('base64url')],
    ['a time not in the canonical form', Buffer.from(JSON.stringify({ seen: [], since: '2026-12-03T09:00:00Z', v: 1 })).toString('base64url')],
    ['not an id', Buffer.from(JSON.stringify({ seen: ['rec_x'], since: iso(0), v: 1 })).toString('base64url')],
    ['unsorted ids', Buffer.from(JSON.stringify({ seen: [id(2), id(1)], since: iso(0), v: 1 })).toString('base64url')],
    ['too many ids', Buffer.from(JSON.stringify({ seen: Array.from({ length: MAX_SEEN + 1 }, (_, i) => id(i)), since: iso(0), v: 1 })).toString('base64url')],
    ['too long', 'A'.repeat(5000)],
    ['spaced JSON', Buffer.from(JSON.stringify({ seen: [], since: iso(0), v: 1 }, null, 1)).toString('base64url')],
    [
      'stray bits',
      `${encodeCursor({ since: iso(0), seen: [] }).slice(0, -1)}${String.fromCharCode(
        encodeCursor({ since: iso(0), seen: [] })
          .at(-1)!
          .charCodeAt(0) + 1,
      )}`,
    ],
  ])('refuses %s as a 400 naming after, in Chinese and English', (_case, text) => {
    const error = (() => {
      try {
        decodeCursor(text);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      code: 'VALIDATION_FAILED',
      statusCode: 400,
      messageZh: '通知游标无效',
      details: [{ path: 'after', message_zh: expect.any(String) }],
    });
  });
});

describe('advancing the feed', () => {
  it('delivers what is new, oldest first, at most the limit, and trails the newest delivered by the settle time', () => {
    const visible = [note(1, 0), note(2, 40_000), note(3, 50_000)];
    const first = poll({ since: FEED_START, seen: [] }, visible, 2);
    expect(first.deliver.map((d) => d.notificationId)).toEqual([id(1), id(2)]);
    expect(first.next).toEqual({ since: iso(40_000 - SETTLE_MS), seen: [id(2)] });
    const second = poll(first.next, visible, 2);
    expect(second.deliver.map((d) => d.notificationId)).toEqual([id(3)]);
    expect(poll(second.next, visible, 2).deliver).toEqual([]);
  });

  it('delivers, once, a notification stamped before the newest delivered that became visible after it', () => {
    const early = note(1, 10_000);
    const late = note(2, 12_000);
    const first = poll({ since: FEED_START, seen: [] }, [late], 10);
    expect(first.deliver.map((d) => d.notificationId)).toEqual([id(2)]);
    const second = poll(first.next, [late, early], 10);
    expect(second.deliver.map((d) => d.notificationId)).toEqual([id(1)]);
    expect(poll(second.next, [late, early], 10).deliver).toEqual([]);
  });

  it('keeps a cursor unchanged when nothing new came', () => {
    const visible = [note(1, 0), note(2, 1_000)];
    const { next } = poll({ since: FEED_START, seen: [] }, visible, 10);
    expect(poll(next, visible, 10)).toEqual({ deliver: [], next });
  });

  it('stays bounded through a burst, never moving past a notification it has not delivered', () => {
    const burst = Array.from({ length: 3 * MAX_SEEN }, (_, i) => note(i + 1, i));
    let cursor: FeedCursor = { since: FEED_START, seen: [] };
    const delivered: string[] = [];
    for (let i = 0; i < 10; i++) {
      const step = poll(cursor, burst, 40);
      delivered.push(...step.deliver.map((d) => d.notificationId));
      expect(step.next.seen.length).toBeLessThanOrEqual(MAX_SEEN);
      expect(() => decodeCursor(encodeCursor(step.next))).not.toThrow();
      cursor = step.next;
    }
    expect(delivered).toEqual(burst.map((b) => b.notificationId));
  });

  it('starts a reader after the newest page: what it saw is not delivered again, what comes next is', () => {
    const page = [note(3, 70_000), note(2, 60_000), note(1, 0)];
    const cursor = cursorAfterNewest(page);
    expect(cursor).toEqual({ since: iso(70_000 - SETTLE_MS), seen: [id(2), id(3)] });
    expect(poll(cursor, page, 10).deliver).toEqual([]);
    expect(poll(cursor, [...page, note(4, 65_000)], 10).deliver.map((d) => d.notificationId)).toEqual([id(4)]);
    expect(cursorAfterNewest([])).toEqual({ since: FEED_START, seen: [] });
  });

  it('delivers every notification exactly once when notifications turn visible in any order within the settle time', () => {
    const scenario = fc.record({
      // Each notification: its time, and how long after its time it becomes visible (at most the settle time).
      notes: fc.array(fc.record({ at: fc.integer({ min: 0, max: 120_000 }), lag: fc.integer({ min: 0, max: SETTLE_MS }) }), { maxLength: 40 }),
      polls: fc.array(fc.record({ clock: fc.integer({ min: 0, max: 160_000 }), limit: fc.integer({ min: 1, max: 5 }) }), { minLength: 1, maxLength: 30 }),
    });
    fc.assert(
      fc.property(scenario, ({ notes, polls }) => {
        const all = notes.map((n, i) => ({ ...note(i + 1, n.at), visibleAt: n.at + n.lag }));
        let cursor: FeedCursor = { since: FEED_START, seen: [] };
        const delivered: string[] = [];
        const clocks = [...polls].sort((a, b) => a.clock - b.clock);
        // Polls at increasing times, then enough polls after everything is visible to drain the feed.
        for (const p of [...clocks, ...Array.from({ length: 45 }, () => ({ clock: 200_000, limit: 5 }))]) {
          const step = poll(
            cursor,
            all.filter((n) => n.visibleAt <= p.clock),
            p.limit,
          );
          delivered.push(...step.deliver.map((d) => d.notificationId));
          cursor = step.next;
        }
        expect([...delivered].sort()).toEqual(all.map((n) => n.notificationId).sort());
      }),
      { numRuns: 500 },
    );
  });
});
