/** Privacy officers: the role matrix, verification of an intact trail, and every kind of tampering. */
import { DeleteItemCommand, GetItemCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../support/hub';
import { sampleRecord } from '../support/records';

const hubs: TestHub[] = [];
afterEach(async () => {
  while (hubs.length) await hubs.pop()!.hub.close();
});

async function hubWithTraffic() {
  const t = await startTestHub();
  hubs.push(t);
  const edu = t.client('xz-education', 'teacher-1');
  for (let i = 0; i < 40; i++) await edu.post('/v1/records', sampleRecord({ externalId: `AUD-${i}`, name: `审计儿童${i}`, idNumber: undefined }));
  await t.raw('GET', '/v1/openapi.json', { authorization: 'Bearer x.y.z' });
  return t;
}

const officer = (t: TestHub) => t.client('officer-zhang', 'officer-zhang');

async function chainedEvents(t: TestHub) {
  const out = await t.hub.dynamo.send(new ScanCommand({ TableName: t.hub.tables.audit }));
  return (out.Items ?? []).sort((a, b) => Number(a.chain!.N) - Number(b.chain!.N) || Number(a.seq!.N) - Number(b.seq!.N));
}

/** A chain with at least `min` items (events and intents), in chain order. */
async function aChain(t: TestHub, min = 3) {
  const events = await chainedEvents(t);
  const byChain = new Map<string, typeof events>();
  for (const e of events) (byChain.get(e.chain!.N!) ?? byChain.set(e.chain!.N!, []).get(e.chain!.N!)!).push(e);
  const chain = [...byChain.values()].find((c) => c.length >= min);
  if (!chain) throw new Error('no chain long enough: add traffic');
  return chain;
}

describe('privacy officer role', () => {
  it('keeps agency systems off officer routes and officers off agency routes', async () => {
    const t = await hubWithTraffic();
    for (const path of ['/v1/audit/verify', '/v1/audit/events', '/v1/audit/notifications']) {
      const res = await t.client('xz-civil-affairs').get<any>(path);
      expect(res.status, path).toBe(403);
      expect(res.body.error).toMatchObject({ code: 'FORBIDDEN', message_zh: '此接口仅供隐私官使用' });
    }
    const publish = await officer(t).post<any>('/v1/records', sampleRecord({ externalId: 'X' }));
    expect(publish.status).toBe(403);
    expect(publish.body.error.message_zh).toBe('此接口仅供业务部门系统调用');
    expect((await officer(t).get<any>('/v1/ledger')).status).toBe(403);
    expect((await officer(t).get<any>('/v1/openapi.json')).status).toBe(200);
  });

  it('finds events by agency, staff member, action and outcome, newest first a page at a time, audits its own queries, and exports CSV', async () => {
    const t = await hubWithTraffic();
    const res = await officer(t).get<any>('/v1/audit/events?agencyId=xz-education&sub=teacher-1&route=POST%20%2Fv1%2Frecords&outcome=allow');
    expect(res.body.items).toHaveLength(40);
    const first = await officer(t).get<any>('/v1/audit/events?agencyId=xz-education&limit=15');
    const second = await officer(t).get<any>(`/v1/audit/events?agencyId=xz-education&limit=15&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(first.body.items).toHaveLength(15);
    // Newest first, and the second page continues where the first stopped.
    expect(first.body.items.map((e: any) => e.time)).toEqual([...first.body.items.map((e: any) => e.time)].sort().reverse());
    expect(second.body.items[0].time <= first.body.items[14].time).toBe(true);
    expect(new Set([...first.body.items, ...second.body.items].map((e: any) => e.eventId)).size).toBe(30);
    const denied = await officer(t).get<any>('/v1/audit/events?outcome=deny');
    expect(denied.body.items.map((e: any) => e.errorCode)).toContain('AUTH_MALFORMED');
    const own = await officer(t).get<any>('/v1/audit/events?agencyId=officer-zhang');
    expect(own.body.items.map((e: any) => e.route)).toContain('GET /v1/audit/events');
    const csv = await officer(t).get<string>('/v1/audit/events?format=csv&agencyId=xz-education');
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.body.split('\r\n')[0]).toBe(
      'time(时间),agencyId(机构),sub(经办人),route(操作),outcome(结果),status,errorCode,purpose(目的),recordIds,requestId,eventId',
    );
    expect(csv.body.trim().split('\r\n')).toHaveLength(41);
  });
});

describe('tamper evidence', () => {
  it('verifies an intact trail with its signed digests', async () => {
    const t = await hubWithTraffic();
    const digest = await officer(t).post<any>('/v1/audit/digests', {});
    expect(digest.status).toBe(201);
    expect(digest.body.signature).toBeTruthy();
    const res = await officer(t).get<any>('/v1/audit/verify');
    expect(res.body).toMatchObject({ ok: true, digests: 1, problems: [] });
    expect(res.body.events).toBeGreaterThan(40);
  });

  it('names a changed event', async () => {
    const t = await hubWithTraffic();
    const [, victim] = await aChain(t);
    await t.hub.dynamo.send(new PutItemCommand({ TableName: t.hub.tables.audit, Item: { ...victim!, outcome: { S: 'deny' } } }));
    const res = await officer(t).get<any>('/v1/audit/verify');
    expect(res.body.ok).toBe(false);
    expect(res.body.first).toMatchObject({ kind: 'changed', eventId: victim!.eventId!.S });
  });

  it('names a deleted event', async () => {
    const t = await hubWithTraffic();
    const [, victim, next] = await aChain(t);
    await t.hub.dynamo.send(new DeleteItemCommand({ TableName: t.hub.tables.audit, Key: { pk: victim!.pk! } }));
    const res = await officer(t).get<any>('/v1/audit/verify');
    expect(res.body.first).toMatchObject({ kind: 'deleted', seq: Number(victim!.seq!.N), eventId: next!.eventId!.S });
  });

  it('names reordered events', async () => {
    const t = await hubWithTraffic();
    const [a, b] = await aChain(t);
    await t.hub.dynamo.send(new PutItemCommand({ TableName: t.hub.tables.audit, Item: { ...a!, seq: b!.seq! } }));
    await t.hub.dynamo.send(new PutItemCommand({ TableName: t.hub.tables.audit, Item: { ...b!, seq: a!.seq! } }));
    const res = await officer(t).get<any>('/v1/audit/verify');
    expect(res.body.first.kind).toBe('reordered');
    expect([a!.eventId!.S, b!.eventId!.S]).toContain(res.body.first.eventId);
  });

  it('names a trail cut off at the end, even when the chain head is rolled back too', async () => {
    const t = await hubWithTraffic();
    const digest = await officer(t).post<any>('/v1/audit/digests', {});
    const chain = await aChain(t, 2);
    // Cut the chain off from the last event the digest saw, and roll its head back to the event before.
    const sealedSeq = digest.body.heads[chain[0]!.chain!.N!].seq;
    const last = chain.find((e) => Number(e.seq!.N) === sealedSeq)!;
    const before = chain.find((e) => Number(e.seq!.N) === sealedSeq - 1)!;
    for (const e of chain.filter((x) => Number(x.seq!.N) >= sealedSeq))
      await t.hub.dynamo.send(new DeleteItemCommand({ TableName: t.hub.tables.audit, Key: { pk: e.pk! } }));
    const headKey = { pk: { S: `HEAD#${last.chain!.N}` }, sk: { S: 'HEAD' } };
    const head = (await t.hub.dynamo.send(new GetItemCommand({ TableName: t.hub.tables.seals, Key: headKey }))).Item!;
    // Roll the head back as an attacker with table access would.
    await t.hub.dynamo.send(new PutItemCommand({ TableName: t.hub.tables.seals, Item: { ...head, seq: before.seq!, hash: before.hash! } }));
    const res = await officer(t).get<any>('/v1/audit/verify');
    expect(res.body.ok).toBe(false);
    expect(res.body.problems.map((p: any) => p.kind)).toContain('truncated');
    expect(res.body.problems.find((p: any) => p.kind === 'truncated')).toMatchObject({ chain: Number(last.chain!.N), seq: Number(last.seq!.N) });
  });
});
