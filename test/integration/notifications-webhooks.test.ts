/**
 * Webhooks end to end: the job posts an agency's new notifications, signed for it, to a real HTTP receiver on this
 * machine, through the hub's own tables on DynamoDB Local; a refused post is retried later with the same
 * notifications and the same delivery id; nothing accepted is posted twice.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyNotification } from '../../client/notifications';
import { deliverWebhooks, type WebhookDeps } from '../../lambdas/domain/notifications/webhooks';
import { startTestHub, type TestHub } from '../support/hub';
import { idNumberFor } from '../support/records';

let t: TestHub;
let receiver: Server;
let url: string;
/** What the receiver got, and how it answers next. */
const received: { headers: IncomingHttpHeaders; body: any }[] = [];
let answer: { status: number; location?: string } = { status: 200 };

beforeAll(async () => {
  t = await startTestHub();
  receiver = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => {
      text += chunk;
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(text) });
      res.writeHead(answer.status, answer.location ? { location: answer.location } : {});
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/xinqiao/notifications`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
  await t.hub.close();
});

let n = 0;
async function linkedCase(holder: string, other: string) {
  n++;
  const birth = `2014-0${1 + (n % 9)}-1${n % 10}`;
  const child = {
    name: `推送儿童${'甲乙丙丁戊己庚辛壬癸'[n % 10]}${n}`,
    sex: 'F',
    birthDate: birth,
    idNumber: idNumberFor('540102', birth, 500 + n * 2),
    householdRegion: '540102',
    currentRegion: '540102',
    guardian: { name: '监护人', phone: `1370000${String(n).padStart(4, '0')}`, relation: 'mother' },
    categories: ['left_behind'],
  };
  const first = await t.client(holder).post<any>('/v1/records', { externalId: `H-${n}`, ...child });
  const second = await t.client(other).post<any>('/v1/records', { externalId: `O-${n}`, ...child });
  expect(second.body.caseId).toBe(first.body.caseId);
  return first.body.caseId as string;
}

const deps = (agencyId: string, now?: () => Date): WebhookDeps => ({
  ...t.hub.runtime.notifications.webhooks,
  targets: [{ agencyId, url }],
  ...(now && { now }),
});

describe('webhooks', () => {
  it('starts after what came before, then posts each new notification once, signed for the agency', async () => {
    const agency = 'xz-youth-league';
    await linkedCase(agency, 'xz-health'); // before the webhook: stays in the feed, not posted
    expect(await deliverWebhooks(deps(agency))).toEqual([{ agencyId: agency, outcome: 'started', delivered: 0, failures: 0 }]);
    expect(received).toHaveLength(0);

    const caseId = await linkedCase(agency, 'xz-education');
    expect(await deliverWebhooks(deps(agency))).toEqual([{ agencyId: agency, outcome: 'delivered', delivered: 1, failures: 0 }]);
    expect(received).toHaveLength(1);
    const [post] = received;
    expect(post!.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(post!.headers['x-xinqiao-delivery']).toMatch(/^dlv_[A-Za-z0-9_-]{26}$/);
    expect(post!.body).toMatchObject({ hubId: t.province.config.hubId, agencyId: agency });
    expect(post!.body.items.map((i: any) => [i.kind, i.caseId])).toEqual([['record_linked', caseId]]);
    const jwks = (await t.raw('GET', '/v1/hub-keys')).body;
    const { signature, ...fields } = post!.body.items[0];
    expect((await verifyNotification(signature, jwks, agency, { hubId: t.province.config.hubId })).notification).toEqual(fields);
    await expect(verifyNotification(signature, jwks, 'xz-education')).rejects.toMatchObject({ code: 'NOTIFICATION_SIGNATURE_INVALID' });

    expect(await deliverWebhooks(deps(agency))).toEqual([{ agencyId: agency, outcome: 'nothing', delivered: 0, failures: 0 }]);
    expect(received).toHaveLength(1);
  });

  it('keeps what a receiver refused, waits, and posts the same notifications with the same delivery id later', async () => {
    received.length = 0;
    const agency = 'xz-womens-federation';
    await deliverWebhooks(deps(agency));
    const caseId = await linkedCase(agency, 'xz-health');
    answer = { status: 503 };
    expect(await deliverWebhooks(deps(agency))).toEqual([{ agencyId: agency, outcome: 'failed', delivered: 0, failures: 1 }]);
    const state = await t.hub.runtime.notifications.webhooks.hooks.webhookState(agency);
    expect(state).toMatchObject({ failures: 1, lastFailure: '503' });
    // Not before the retry time: nothing is posted.
    expect(await deliverWebhooks(deps(agency))).toEqual([{ agencyId: agency, outcome: 'waiting', delivered: 0, failures: 1 }]);
    expect(received).toHaveLength(1);

    answer = { status: 302, location: 'http://169.254.169.254/' };
    const later = () => new Date(Date.parse(state!.nextAttemptAt!) + 1);
    expect(await deliverWebhooks(deps(agency, later))).toEqual([{ agencyId: agency, outcome: 'failed', delivered: 0, failures: 2 }]);
    expect(await t.hub.runtime.notifications.webhooks.hooks.webhookState(agency)).toMatchObject({ failures: 2, lastFailure: 'network' });
    expect(received).toHaveLength(2); // the redirect was not followed

    answer = { status: 204 };
    const muchLater = () => new Date(Date.now() + 3 * 3_600_000);
    expect(await deliverWebhooks(deps(agency, muchLater))).toEqual([{ agencyId: agency, outcome: 'delivered', delivered: 1, failures: 0 }]);
    expect(received).toHaveLength(3);
    expect(new Set(received.map((r) => r.headers['x-xinqiao-delivery'])).size).toBe(1);
    for (const r of received) expect(r.body.items.map((i: any) => i.caseId)).toEqual([caseId]);
    expect(await t.hub.runtime.notifications.webhooks.hooks.webhookState(agency)).toEqual({ cursor: expect.any(String), failures: 0 });
    answer = { status: 200 };
  });
});
