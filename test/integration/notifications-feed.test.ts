/**
 * GET /v1/notifications as a long-poll, and the hub's signatures on what it hands out, end to end on DynamoDB
 * Local: another agency publishing a record for the same child wakes a waiting reader; a wait in which nothing
 * comes ends with an empty page and the same cursor; every notification verifies with GET /v1/hub-keys for its
 * recipient only.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { NotificationSignatureError, verifyNotification } from '../../client/notifications';
import { startTestHub, type TestHub } from '../support/hub';
import { idNumberFor } from '../support/records';

let t: TestHub;
/** Reads of a recipient's feed after a cursor (what a waiting long-poll does), by recipient. */
const feedReads = new Map<string, number>();

beforeAll(async () => {
  t = await startTestHub();
  t.hub.dynamo.middlewareStack.add(
    (next) => async (args) => {
      const input = (args as { input: Record<string, any> }).input;
      if (input.TableName === t.hub.tables.notifications && String(input.KeyConditionExpression).includes('sk >=')) {
        const recipient = String(input.ExpressionAttributeValues[':pk'].S).replace(/^NOTE#/, '');
        feedReads.set(recipient, (feedReads.get(recipient) ?? 0) + 1);
      }
      return next(args);
    },
    { step: 'initialize', name: 'countFeedReads' },
  );
});
afterAll(async () => {
  await t.hub.close();
});

let n = 0;
function child() {
  n++;
  const birth = `2013-0${1 + (n % 9)}-2${n % 10}`;
  return {
    name: `通知儿童${'甲乙丙丁戊己庚辛壬癸'[n % 10]}${n}`,
    sex: 'M',
    birthDate: birth,
    idNumber: idNumberFor('540102', birth, 300 + n * 2),
    householdRegion: '540102',
    currentRegion: '540102',
    guardian: { name: '监护人', phone: `1390000${String(n).padStart(4, '0')}`, relation: 'father' },
    categories: ['left_behind'],
  };
}

async function publish(agency: string, externalId: string, record: Record<string, unknown>) {
  const res = await t.client(agency).post<any>('/v1/records', { externalId, ...record });
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  return res.body as { caseId: string; recordId: string };
}

const feed = (agency: string, query = '') => t.client(agency).get<any>(`/v1/notifications${query}`);
const jwks = async () => (await t.raw('GET', '/v1/hub-keys')).body;
const auditedFeedReads = async () => (await t.scan('audit')).filter((e: any) => e.route?.S === 'GET /v1/notifications').length;

describe('GET /v1/hub-keys', () => {
  it('publishes the notification key as a JWKS without a signature, cacheable, audited like other public routes', async () => {
    const res = await fetch(new URL('/v1/hub-keys', t.hub.baseUrl));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    const body = await res.json();
    expect(body).toEqual({
      keys: [{ kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String), kid: expect.any(String), alg: 'ES256', use: 'sig' }],
    });
    expect(JSON.stringify(body)).not.toMatch(/"d"/);
    const events = (await t.scan('audit')).filter((e: any) => e.route?.S === 'GET /v1/hub-keys');
    expect(events.map((e: any) => e.status.N)).toEqual(['200']);
  });
});

describe('signed notifications', () => {
  it('hands out notifications that verify with the JWKS for their recipient, and not for another agency or once changed', async () => {
    const kid = child();
    const { caseId } = await publish('xz-civil-affairs', `MZ-N${n}`, kid);
    await publish('xz-health', `WJ-N${n}`, kid);
    const page = await feed('xz-civil-affairs');
    const item = page.body.items.find((x: any) => x.caseId === caseId && x.kind === 'record_linked');
    const { signature, ...fields } = item;
    const keys = await jwks();
    const verified = await verifyNotification(signature, keys, 'xz-civil-affairs', { hubId: t.province.config.hubId });
    expect(verified.notification).toEqual(fields);
    expect(verified.kid).toBe(keys.keys[0].kid);

    await expect(verifyNotification(signature, keys, 'xz-health')).rejects.toBeInstanceOf(NotificationSignatureError);
    const [h, p, s] = signature.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, notification: { ...claims.notification, caseId: 'case_OTHER' } })).toString('base64url')}.${s}`;
    await expect(verifyNotification(tampered, keys, 'xz-civil-affairs')).rejects.toMatchObject({ code: 'NOTIFICATION_SIGNATURE_INVALID' });
  });

  it('signs each notification once: a second read hands out the same signature, kept on the item', async () => {
    const kid = child();
    const { caseId } = await publish('xz-civil-affairs', `MZ-N${n}`, kid);
    await publish('xz-education', `JY-N${n}`, kid);
    const first = (await feed('xz-civil-affairs')).body.items.find((x: any) => x.caseId === caseId);
    const second = (await feed('xz-civil-affairs')).body.items.find((x: any) => x.caseId === caseId);
    expect(second.signature).toBe(first.signature);
    const stored = (await t.scan('notifications')).find((i: any) => i.notificationId?.S === first.notificationId) as any;
    expect(stored.sigToken.S).toBe(first.signature);
  });
});

describe('long-poll', () => {
  it('ends a wait in which nothing came with 200, an empty page and the same cursor, audited once', async () => {
    const { cursor } = (await feed('xz-youth-league')).body;
    const before = await auditedFeedReads();
    const res = await feed('xz-youth-league', `?after=${cursor}&wait=1`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [], cursor });
    expect(await auditedFeedReads()).toBe(before + 1);
    // It read the feed more than once while waiting.
    expect(feedReads.get('xz-youth-league')).toBeGreaterThan(1);
  });

  it('answers a waiting reader as soon as another agency publishes a record for a child it holds, then continues from there', async () => {
    const kid = child();
    const { caseId } = await publish('xz-womens-federation', `FL-N${n}`, kid);
    const { cursor } = (await feed('xz-womens-federation')).body;
    const readsBefore = feedReads.get('xz-womens-federation') ?? 0;
    const auditedBefore = await auditedFeedReads();
    const waiting = feed('xz-womens-federation', `?after=${cursor}&wait=20`);
    // Publish only once the reader is waiting: it has read the feed after its cursor and found nothing, twice.
    await vi.waitFor(() => expect(feedReads.get('xz-womens-federation') ?? 0).toBeGreaterThanOrEqual(readsBefore + 2), { timeout: 15_000, interval: 50 });
    await publish('xz-health', `WJ-N${n}`, kid);
    const res = await waiting;
    expect(res.status).toBe(200);
    expect(res.body.items.map((x: any) => [x.kind, x.caseId])).toEqual([['record_linked', caseId]]);
    expect(res.body.cursor).not.toBe(cursor);
    await expect(verifyNotification(res.body.items[0].signature, await jwks(), 'xz-womens-federation')).resolves.toBeDefined();
    expect(await auditedFeedReads()).toBe(auditedBefore + 1);
    // From the new cursor, nothing is delivered twice.
    expect((await feed('xz-womens-federation', `?after=${res.body.cursor}`)).body.items).toEqual([]);
  });

  it('answers at once when something already came after the cursor, oldest first', async () => {
    const { cursor } = (await feed('xz-education')).body;
    const a = child();
    const b = child();
    const first = await publish('xz-education', `JY-A${n}`, a);
    const second = await publish('xz-education', `JY-B${n}`, b);
    await publish('xz-civil-affairs', `MZ-A${n}`, a);
    await publish('xz-civil-affairs', `MZ-B${n}`, b);
    const readsBefore = feedReads.get('xz-education') ?? 0;
    const res = await feed('xz-education', `?after=${cursor}&wait=20`);
    expect(res.body.items.map((x: any) => x.caseId)).toEqual([first.caseId, second.caseId]);
    expect(feedReads.get('xz-education')).toBe(readsBefore + 1);
  });

  it.each([
    ['more than 20 seconds', 'wait=21', 'wait'],
    ['not a number', 'wait=soon', 'wait'],
    ['negative', 'wait=-1', 'wait'],
    ['a fraction', 'wait=1.5', 'wait'],
    ['empty', 'wait=', 'wait'],
  ])('refuses a wait that is %s with 400 VALIDATION_FAILED naming wait, in Chinese and English', async (_case, query, path) => {
    const { cursor } = (await feed('xz-health')).body;
    const res = await feed('xz-health', `?after=${cursor}&${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path, message: expect.any(String), message_zh: expect.stringMatching(/整数秒/) }],
    });
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts/);
  });

  it('refuses a wait without a cursor, and a cursor that is not one, naming the parameter', async () => {
    const noCursor = await feed('xz-health', '?wait=5');
    expect(noCursor.status).toBe(400);
    expect(noCursor.body.error.details).toEqual([expect.objectContaining({ path: 'wait', message_zh: expect.stringContaining('after') })]);
    const forged = await feed('xz-health', '?after=bm90LWEtY3Vyc29y&wait=5');
    expect(forged.status).toBe(400);
    expect(forged.body.error).toMatchObject({ code: 'VALIDATION_FAILED', message_zh: '通知游标无效', details: [{ path: 'after' }] });
  });
});
