/**
 * The feed use case: answers at once when something came, otherwise waits (reading with backoff) until something
 * comes or the wait ends; signs each notification once per hub key. A store in memory, a clock the sleeps move.
 */
import { describe, expect, it } from 'vitest';
import { verifyNotification } from '../../../../client/notifications';
import { LocalDigestSigner } from '../../../../lambdas/crypto/digest-signer';
import { HubJwsSigner } from '../../../../lambdas/crypto/hub-jws';
import { generateAuditSigningKey } from '../../../../lambdas/crypto/local-keyring';
import { decodeCursor } from '../../../../lambdas/domain/notifications/feed-cursor';
import { type NotificationFeedDeps, POLL_FIRST_MS, POLL_MAX_MS, readFeed } from '../../../../lambdas/domain/notifications/feed';
import { hubKeys } from '../../../../lambdas/domain/notifications/hub-keys';
import type { NotificationFeedStore, StoredNotification, StoredSignature } from '../../../../lambdas/domain/notifications/ports';
import type { Notification } from '../../../../schemas/entities/notifications';
import { ANSWER_MARGIN_MS, waitBudgetMs } from '../../../../lambdas/handlers/notifications/get-notifications';

const T0 = Date.parse('2026-12-03T09:00:00.000Z');
const id = (n: number) => `ntf_${String(n).padStart(26, '0')}`;
const note = (n: number, ms: number, recipient = 'xz-education'): Notification => ({
  notificationId: id(n),
  recipient,
  at: new Date(T0 + ms).toISOString(),
  kind: 'record_linked',
  caseId: 'case_01HZZZZZZZZZZZZZZZZZZZZZZZ',
  severity: 'info',
});

class MemoryFeed implements NotificationFeedStore {
  readonly rows: { notification: Notification; signature?: StoredSignature }[] = [];
  reads = 0;
  keeps = 0;
  add(n: Notification) {
    this.rows.push({ notification: n });
  }
  async newest(recipient: string, limit: number): Promise<StoredNotification[]> {
    this.reads++;
    return this.mine(recipient).reverse().slice(0, limit);
  }
  async since(recipient: string, since: string, limit: number): Promise<StoredNotification[]> {
    this.reads++;
    return this.mine(recipient)
      .filter((r) => r.notification.at >= since)
      .slice(0, limit);
  }
  async keepSignature(n: Notification, signature: StoredSignature): Promise<void> {
    this.keeps++;
    const row = this.rows.find((r) => r.notification.notificationId === n.notificationId)!;
    row.signature = signature;
  }
  private mine(recipient: string) {
    return this.rows
      .filter((r) => r.notification.recipient === recipient)
      .map((r) => ({ ...r }))
      .sort((a, b) => (a.notification.at < b.notification.at ? -1 : a.notification.at > b.notification.at ? 1 : 0));
  }
}

/** A clock that only sleeps move; `during` runs at a given time, as another agency would write meanwhile. */
function world(options: { during?: { at: number; run: () => void } } = {}) {
  let clock = T0 + 100_000;
  const sleeps: number[] = [];
  const feed = new MemoryFeed();
  const key = new HubJwsSigner(new LocalDigestSigner(generateAuditSigningKey()));
  let pending = options.during;
  const deps: NotificationFeedDeps = {
    hubId: 'xinqiao-540000',
    feed,
    signer: key,
    now: () => new Date(clock),
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
      if (pending && clock - (T0 + 100_000) >= pending.at) {
        pending.run();
        pending = undefined;
      }
    },
  };
  return { deps, feed, sleeps, key, elapsed: () => clock - (T0 + 100_000) };
}

const reader = { agencyId: 'xz-education' };

describe('the notification feed', () => {
  it('gives the newest page, each notification signed for its recipient, and a cursor after it', async () => {
    const w = world();
    w.feed.add(note(1, 0));
    w.feed.add(note(2, 1_000));
    w.feed.add(note(3, 2_000, 'xz-health'));
    const page = await readFeed(w.deps, reader, { waitMs: 0, limit: 50 });
    expect(page.items.map((i) => i.notificationId)).toEqual([id(2), id(1)]);
    const jwks = await hubKeys([w.key]);
    for (const item of page.items) {
      const { signature, ...fields } = item;
      expect((await verifyNotification(signature, jwks, 'xz-education')).notification).toEqual(fields);
    }
    expect(decodeCursor(page.cursor).seen).toEqual([id(1), id(2)]);
  });

  it('answers at once, without sleeping, when something came after the cursor', async () => {
    const w = world();
    w.feed.add(note(1, 0));
    const { cursor } = await readFeed(w.deps, reader, { waitMs: 0, limit: 50 });
    w.feed.add(note(2, 50_000));
    const page = await readFeed(w.deps, reader, { after: cursor, waitMs: 20_000, limit: 50 });
    expect(page.items.map((i) => i.notificationId)).toEqual([id(2)]);
    expect(w.sleeps).toEqual([]);
  });

  it('waits, reading with growing pauses, and answers with what arrived during the wait', async () => {
    const w = world({ during: { at: 3_000, run: () => w.feed.add(note(2, 103_000)) } });
    w.feed.add(note(1, 0));
    const { cursor } = await readFeed(w.deps, reader, { waitMs: 0, limit: 50 });
    const page = await readFeed(w.deps, reader, { after: cursor, waitMs: 20_000, limit: 50 });
    expect(page.items.map((i) => i.notificationId)).toEqual([id(2)]);
    expect(w.sleeps).toEqual([POLL_FIRST_MS, POLL_FIRST_MS * 2, POLL_FIRST_MS * 4, POLL_MAX_MS]);
    expect(w.elapsed()).toBeLessThan(20_000);
  });

  it('ends a wait in which nothing came with an empty page and the same cursor, never sleeping past the deadline', async () => {
    const w = world();
    w.feed.add(note(1, 0));
    w.feed.add(note(3, 0, 'xz-health'));
    const { cursor } = await readFeed(w.deps, reader, { waitMs: 0, limit: 50 });
    const page = await readFeed(w.deps, reader, { after: cursor, waitMs: 5_000, limit: 50 });
    expect(page).toEqual({ items: [], cursor });
    expect(w.elapsed()).toBe(5_000);
    expect(w.sleeps.every((ms) => ms <= POLL_MAX_MS)).toBe(true);
  });

  it('reads the feed 14 times in a 20 s wait in which nothing comes (what a waiting reader costs in DynamoDB queries)', async () => {
    const w = world();
    const { cursor } = await readFeed(w.deps, reader, { waitMs: 0, limit: 50 });
    const before = w.feed.reads;
    await readFeed(w.deps, reader, { after: cursor, waitMs: 20_000, limit: 50 });
    expect(w.feed.reads - before).toBe(14);
    expect(w.elapsed()).toBe(20_000);
  });

  it('does not wait at all with wait 0', async () => {
    const w = world();
    const { cursor } = await readFeed(w.deps, reader, { waitMs: 0, limit: 50 });
    expect(await readFeed(w.deps, reader, { after: cursor, waitMs: 0, limit: 50 })).toEqual({ items: [], cursor });
    expect(w.sleeps).toEqual([]);
  });

  it('signs each notification once per key: a second read hands out the kept signature, a new key signs again', async () => {
    const w = world();
    w.feed.add(note(1, 0));
    const first = await readFeed(w.deps, reader, { waitMs: 0, limit: 50 });
    const again = await readFeed(w.deps, reader, { waitMs: 0, limit: 50 });
    expect(again.items[0]!.signature).toBe(first.items[0]!.signature);
    expect(w.feed.keeps).toBe(1);
    const rotated = new HubJwsSigner(new LocalDigestSigner(generateAuditSigningKey()));
    const after = await readFeed({ ...w.deps, signer: rotated }, reader, { waitMs: 0, limit: 50 });
    expect(after.items[0]!.signature).not.toBe(first.items[0]!.signature);
    expect(w.feed.keeps).toBe(2);
    await expect(verifyNotification(after.items[0]!.signature, await hubKeys([rotated]), 'xz-education')).resolves.toMatchObject({
      kid: (await rotated.jwk()).kid,
    });
  });

  it('still answers when keeping a signature fails (the next read signs again)', async () => {
    const w = world();
    w.feed.add(note(1, 0));
    w.feed.keepSignature = async () => {
      throw new Error('throttled');
    };
    const page = await readFeed(w.deps, reader, { waitMs: 0, limit: 50 });
    expect(page.items).toHaveLength(1);
  });
});

describe('how long a request may wait', () => {
  it('is what was asked, within what the Lambda has left less the margin for answering', () => {
    const left = (ms: number) => ({ getRemainingTimeInMillis: () => ms });
    expect(waitBudgetMs(20, left(25_000))).toBe(20_000);
    expect(waitBudgetMs(20, left(10_000))).toBe(10_000 - ANSWER_MARGIN_MS);
    expect(waitBudgetMs(5, left(1_000))).toBe(0);
    expect(waitBudgetMs(0, left(25_000))).toBe(0);
  });
});
