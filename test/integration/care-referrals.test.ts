/**
 * Referrals both ways and purpose binding (issue 9, points 4 and 5) over HTTP on DynamoDB Local: the agreement
 * gate and the crisis exception, deadlines by priority, the owner reaching the case under `referral`, visibility
 * to the two parties only, a race with one winner, a referral back with its chain, and purposes that must be
 * established.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreementBody, keyed, makeCareCase } from '../support/care';
import { startTestHub, type TestHub } from '../support/hub';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.hub.close();
});

const refer = (agency: string, body: Record<string, unknown>, key = randomUUID()) => t.client(agency).post<any>('/v1/referrals', body, keyed(key));
const move = (agency: string, referralId: string, body: Record<string, unknown>) => t.client(agency).post<any>(`/v1/referrals/${referralId}/transitions`, body);
const toHealth = (caseId: string, overrides: Record<string, unknown> = {}) => ({
  caseId,
  to: { agencyType: 'health' },
  reasons: ['severe_emotional_distress'],
  priority: 'routine',
  note: '近两周课堂上多次哭泣，拒绝与同学交流',
  ...overrides,
});

/** A child held by education and civil affairs (not health), with the guardian's agreement to follow-up. */
async function schoolCase(agree = true) {
  const { caseId } = await makeCareCase(t, ['xz-education', 'xz-civil-affairs']);
  if (agree) expect((await t.client('xz-education').post<any>(`/v1/cases/${caseId}/agreements`, agreementBody(), keyed(randomUUID()))).status).toBe(201);
  return caseId;
}

describe('referrals', () => {
  it('needs the guardian’s agreement to follow-up; a stat referral under emergency access goes without, at high severity', async () => {
    const caseId = await schoolCase(false);
    const refused = await refer('xz-education', toHealth(caseId));
    expect([refused.status, refused.body.error.code]).toEqual([409, 'REFERRAL_NEEDS_AGREEMENT']);
    expect(refused.body.error.message_zh).toMatch(/监护人/);
    const declined = await t.client('xz-education').post<any>(`/v1/cases/${caseId}/agreements`, agreementBody({}, false), keyed(randomUUID()));
    expect(declined.status).toBe(201);
    expect((await refer('xz-education', toHealth(caseId))).status).toBe(409);
    const statWithout = await refer('xz-education', toHealth(caseId, { priority: 'stat', reasons: ['suicide_risk'] }));
    expect(statWithout.body.error?.code).toBe('REFERRAL_NEEDS_AGREEMENT');
    const emergency = await t.client('xz-education').post<any>(`/v1/cases/${caseId}/emergency`, { reason: '学生表达自杀意图，需立即转介', hours: 2 });
    expect(emergency.status, JSON.stringify(emergency.body)).toBe(201);
    const crisis = await refer('xz-education', toHealth(caseId, { priority: 'stat', reasons: ['suicide_risk'] }));
    expect(crisis.status, JSON.stringify(crisis.body)).toBe(201);
    expect(crisis.body).toMatchObject({ priority: 'stat', emergency: true, status: 'requested', owner: 'xz-health' });
    const events = (await t.scan('audit')).filter((e: any) => e.route?.S === 'POST /v1/referrals' && e.caseId?.S === caseId && e.outcome?.S === 'allow');
    expect(events.map((e: any) => e.severity?.S)).toEqual(['high']);
  });

  it('takes a child from school to the mental-health centre and back, both ends seeing the chain', async () => {
    const caseId = await schoolCase();
    const made = await refer('xz-education', toHealth(caseId));
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const r = made.body;
    // Deadlines stored by priority: routine is acknowledged within one working day, first contact within 7 days.
    expect(Date.parse(r.firstContactBy) - Date.parse(r.createdAt)).toBe(7 * 86_400_000);
    expect(Date.parse(r.acknowledgeBy) - Date.parse(r.createdAt)).toBeGreaterThanOrEqual(86_400_000);
    expect(r.childView).toBe('agrees');
    expect(r.allowedMoves).toEqual(['cancelled']);

    // The owner holds no record in the case: under `referral` it reaches the case (consent-gated), not a 404.
    const view = await t.client('xz-health').get<any>(`/v1/cases/${caseId}`, { purpose: 'referral' });
    expect(view.status, JSON.stringify(view.body)).toBe(200);
    expect(view.body.records).toEqual([]);
    expect(view.body.withheld.length).toBeGreaterThan(0);
    const seenByOwner = await t.client('xz-health').get<any>(`/v1/referrals/${r.referralId}`);
    expect(seenByOwner.body).toMatchObject({ note: '近两周课堂上多次哭泣，拒绝与同学交流', allowedMoves: ['received'] });

    for (const [to, extra] of [
      ['received', {}],
      ['accepted', {}],
      ['in-progress', {}],
      ['on-hold', {}],
      ['in-progress', {}],
      ['completed', { outcome: 'discharged' }],
    ] as const) {
      const res = await move('xz-health', r.referralId, { to, ...extra });
      expect(res.status, `${to}: ${JSON.stringify(res.body)}`).toBe(200);
    }
    const notes = (await t.client('xz-education').get<any>('/v1/notifications?limit=100')).body.items.filter((n: any) => n.subjectId === r.referralId);
    expect(notes.map((n: any) => n.referralStatus).sort()).toEqual(['accepted', 'completed', 'in-progress', 'in-progress', 'on-hold', 'received']);
    // A discharge asks the coordinating role to assign a paired carer.
    const civil = await t.client('xz-civil-affairs').get<any>('/v1/worklist?due=all');
    expect(civil.body.items.some((i: any) => i.kind === 'assign_paired_carer' && i.caseId === caseId)).toBe(true);
    // Closed: the referral no longer establishes the purpose.
    const closed = await t.client('xz-health').get<any>(`/v1/cases/${caseId}`, { purpose: 'referral' });
    expect([closed.status, closed.body.error.code]).toEqual([403, 'PURPOSE_NOT_ESTABLISHED']);

    // Health refers back to the school, basedOn the original; the chain is visible to both ends.
    await t.client('xz-health').post<any>('/v1/records', {
      externalId: `BACK-${caseId}`,
      ...(await caseChild(caseId)),
    });
    const back = await refer('xz-health', {
      caseId,
      to: { agencyId: 'xz-education' },
      reasons: ['school_reintegration'],
      priority: 'routine',
      basedOn: r.referralId,
    });
    expect(back.status, JSON.stringify(back.body)).toBe(201);
    for (const agency of ['xz-education', 'xz-health']) {
      const chain = (await t.client(agency).get<any>(`/v1/referrals/${back.body.referralId}`)).body.chain;
      expect(chain.map((c: any) => [c.referralId, c.requester, c.owner])).toEqual([
        [r.referralId, 'xz-education', 'xz-health'],
        [back.body.referralId, 'xz-health', 'xz-education'],
      ]);
    }
  });

  it('is visible to its requester and owner only, and lists by role with a cursor', async () => {
    const caseId = await schoolCase();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await refer('xz-education', toHealth(caseId, { reasons: ['trauma'] }))).body.referralId);
    const other = await t.client('xz-youth-league').get<any>(`/v1/referrals/${ids[0]}`);
    const unknown = await t.client('xz-youth-league').get<any>('/v1/referrals/ref_00000000000000000000000000');
    expect([other.status, unknown.status]).toEqual([404, 404]);
    expect((await move('xz-youth-league', ids[0]!, { to: 'received' })).status).toBe(404);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await t.client('xz-health').get<any>(`/v1/referrals?as=owner&status=requested&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.filter((x: any) => x.caseId === caseId).map((x: any) => x.referralId));
      cursor = page.body.cursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    const asRequester = await t.client('xz-health').get<any>('/v1/referrals?as=requester');
    expect(asRequester.body.items.filter((x: any) => x.caseId === caseId)).toEqual([]);
    const bad = await t.client('xz-health').get<any>('/v1/referrals?as=viewer');
    expect([bad.status, bad.body.error.details[0].path]).toEqual([400, 'as']);
  });

  it('two transitions racing on one referral: exactly one wins, the other gets 409', async () => {
    const caseId = await schoolCase();
    for (let trial = 0; trial < 10; trial++) {
      const { referralId } = (await refer('xz-education', toHealth(caseId))).body;
      expect((await move('xz-health', referralId, { to: 'received' })).status).toBe(200);
      // Accepting and rejecting exclude each other: whichever lands first, the other is refused.
      const race = await Promise.all([
        move('xz-health', referralId, { to: 'accepted' }),
        move('xz-health', referralId, { to: 'rejected', reason: 'no_capacity' }),
      ]);
      expect(race.map((x) => x.status).sort()).toEqual([200, 409]);
      const final = (await t.client('xz-education').get<any>(`/v1/referrals/${referralId}`)).body;
      expect(final.transitions).toHaveLength(2);
      expect(final.status).toBe(race[0]!.status === 200 ? 'accepted' : 'rejected');
    }
    // The store's guard itself: two moves written on the same version read, truly at once: one lands.
    const { referralId } = (await refer('xz-education', toHealth(caseId))).body;
    const store = t.hub.runtime.care.referrals;
    const head = (await store.get(caseId, referralId))!;
    const at = new Date().toISOString();
    const attempts = await Promise.all(
      (['received', 'cancelled'] as const).map((to) =>
        store.transition({ ...head, status: to, version: 2, updatedAt: at }, { referralId, seq: 1, from: 'requested', to, by: 'x', at }, 1),
      ),
    );
    expect(attempts.sort()).toEqual([false, true]);
    expect(await store.transitions(caseId, referralId)).toHaveLength(1);
  });

  it('refuses bad referrals by field, and a retried create is the same referral', async () => {
    const caseId = await schoolCase();
    const bad: [Record<string, unknown>, string][] = [
      [{ to: { agencyType: 'police' } }, 'to'],
      [{ to: { agencyId: 'xz-nobody' } }, 'to.agencyId'],
      [{ to: { agencyId: 'xz-education' } }, 'to'],
      [{ reasons: [] }, 'reasons'],
      [{ reasons: ['curiosity'] }, 'reasons.0'],
      [{ priority: 'now' }, 'priority'],
      [{ basedOn: 'ref_00000000000000000000000000' }, 'basedOn'],
    ];
    for (const [override, path] of bad) {
      const res = await refer('xz-education', toHealth(caseId, override));
      expect([res.status, res.body.error?.details?.[0]?.path], JSON.stringify(override)).toEqual([400, path]);
    }
    expect((await refer('xz-youth-league', toHealth(caseId))).status).toBe(404);
    const key = randomUUID();
    const [a, b] = [await refer('xz-education', toHealth(caseId), key), await refer('xz-education', toHealth(caseId), key)];
    expect([a.status, b.status, b.body.referralId]).toEqual([201, 200, a.body.referralId]);
    const rejectWithoutReason = await move('xz-health', a.body.referralId, { to: 'rejected' });
    expect([rejectWithoutReason.status, rejectWithoutReason.body.error.details[0].path]).toEqual([400, 'reason']);
  });
});

describe('purposes must be established', () => {
  it('referral, follow_up and care_plan are refused without the care that establishes them, and each refusal is audited', async () => {
    const caseId = await schoolCase(false);
    const edu = t.client('xz-education');
    for (const purpose of ['referral', 'follow_up', 'care_plan']) {
      const res = await edu.get<any>(`/v1/cases/${caseId}`, { purpose });
      expect([res.status, res.body.error.code], purpose).toEqual([403, 'PURPOSE_NOT_ESTABLISHED']);
      expect(res.body.error.message_zh.length).toBeGreaterThan(0);
    }
    // Declared purposes that need no care relation still pass to the consent gate.
    expect((await edu.get<any>(`/v1/cases/${caseId}`, { purpose: 'assessment' })).status).toBe(200);
    const denials = (await t.scan('audit')).filter((e: any) => e.route?.S === 'GET /v1/cases/{caseId}' && e.caseId?.S === caseId && e.outcome?.S === 'deny');
    expect(denials.map((e: any) => e.errorCode?.S)).toEqual(['PURPOSE_NOT_ESTABLISHED', 'PURPOSE_NOT_ESTABLISHED', 'PURPOSE_NOT_ESTABLISHED']);
    // With the guardian's agreement, follow_up and care_plan are established for a holder; referral needs a referral.
    await edu.post<any>(`/v1/cases/${caseId}/agreements`, agreementBody(), keyed(randomUUID()));
    expect((await edu.get<any>(`/v1/cases/${caseId}`, { purpose: 'follow_up' })).status).toBe(200);
    expect((await edu.get<any>(`/v1/cases/${caseId}`, { purpose: 'referral' })).status).toBe(403);
    await refer('xz-education', toHealth(caseId));
    expect((await edu.get<any>(`/v1/cases/${caseId}`, { purpose: 'referral' })).status).toBe(200);
  });
});

/** The identity fields of the child of a case, as education published them (for another agency's record). */
async function caseChild(caseId: string) {
  const rec = await t.client('xz-education').get<any>(`/v1/cases/${caseId}`, { purpose: 'assessment' });
  const own = rec.body.records.find((r: any) => r.own);
  const f = own.fields;
  return { name: f.name, sex: f.sex, birthDate: f.birthDate, idNumber: f.idNumber, householdRegion: f.householdRegion, categories: f.categories };
}
