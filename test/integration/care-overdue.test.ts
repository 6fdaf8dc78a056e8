/**
 * Overdue work (issue 10, point 5) on DynamoDB Local with a fake clock: missed follow-up contacts, care-plan
 * activities and reviews past due; each overdue item notifies its owner and the coordinating role once a day;
 * the worklist shows what is overdue or due soon. Tests move time; nothing sleeps.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CareDeps } from '../../lambdas/domain/care/care-deps';
import { runOverdueJob } from '../../lambdas/domain/care/overdue';
import { scheduleWork } from '../../lambdas/domain/care/worklist';
import { agreementBody, keyed, makeCareCase } from '../support/care';
import { startTestHub, type TestHub } from '../support/hub';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.hub.close();
});

const DAY = 86_400_000;
/** The care deps with the clock at `offsetDays` from now. */
const at = (offsetDays: number, hours = 0): CareDeps => {
  const now = new Date(Date.now() + offsetDays * DAY + hours * 3_600_000);
  return { ...t.hub.runtime.care, now: () => now };
};
/**
 * Later on the same Beijing day as `at(offsetDays)` (the overdue job tells once per Beijing day): a fraction of the
 * time left until Beijing midnight, so the test holds whatever the hour it runs at (fixed hours crossed midnight
 * when run between 22:00 and 24:00 Beijing time).
 */
const laterSameBeijingDay = (offsetDays: number, fraction: number): CareDeps => {
  const beijing = Date.now() + offsetDays * DAY + 8 * 3_600_000;
  return at(offsetDays, ((DAY - (beijing % DAY)) * fraction) / 3_600_000);
};
const overdueNotes = async (agency: string, caseId: string) =>
  (await t.client(agency).get<any>('/v1/notifications?limit=200')).body.items.filter((n: any) => n.kind === 'overdue' && n.caseId === caseId);

async function agreedCase() {
  const { caseId } = await makeCareCase(t);
  expect((await t.client('xz-health').post<any>(`/v1/cases/${caseId}/agreements`, agreementBody(), keyed(randomUUID()))).status).toBe(201);
  return caseId;
}

describe('overdue work', () => {
  it('a missed follow-up contact is overdue after its interval; owner and coordinator are told once a day', async () => {
    const caseId = await agreedCase();
    const contact = {
      kind: 'home_visit',
      interviewed: ['child'],
      outcome: 'stable',
      contactedAt: new Date(Date.now() - 3_600_000).toISOString(),
      staffId: 'SW-1',
    };
    const rec = await t.client('xz-health').post<any>(`/v1/cases/${caseId}/contacts`, contact, { purpose: 'follow_up', ...keyed(randomUUID()) });
    expect(rec.status, JSON.stringify(rec.body)).toBe(201);
    const mine = (run: Awaited<ReturnType<typeof runOverdueJob>>) => run.byKind.follow_up_contact_due ?? 0;

    expect(mine(await runOverdueJob(at(29)))).toBe(0);
    expect(await overdueNotes('xz-health', caseId)).toEqual([]);
    const late = await runOverdueJob(at(31));
    expect(mine(late)).toBeGreaterThanOrEqual(1);
    const owner = await overdueNotes('xz-health', caseId);
    expect(owner).toEqual([
      expect.objectContaining({ subjectId: caseId, overdue: expect.objectContaining({ kind: 'follow_up_contact_due', daysOverdue: 1, owner: true }) }),
    ]);
    const coordinator = await overdueNotes('xz-civil-affairs', caseId);
    expect(coordinator).toEqual([expect.objectContaining({ overdue: expect.objectContaining({ owner: false }) })]);
    // Hourly runs the same day tell nobody again; the next day they do.
    await runOverdueJob(laterSameBeijingDay(31, 1 / 3));
    await runOverdueJob(laterSameBeijingDay(31, 2 / 3));
    expect(await overdueNotes('xz-health', caseId)).toHaveLength(1);
    await runOverdueJob(at(32, 1));
    expect(await overdueNotes('xz-health', caseId)).toHaveLength(2);
    expect(await overdueNotes('xz-civil-affairs', caseId)).toHaveLength(2);
    // The education system neither owns nor coordinates it.
    expect(await overdueNotes('xz-education', caseId)).toEqual([]);
  });

  it('a later contact, by any agency, moves the due date and takes the case off the earlier agency’s list', async () => {
    const caseId = await agreedCase();
    const post = (agency: string, hoursAgo: number) =>
      t
        .client(agency)
        .post<any>(
          `/v1/cases/${caseId}/contacts`,
          { kind: 'talk', interviewed: ['child'], outcome: 'improved', contactedAt: new Date(Date.now() - hoursAgo * 3_600_000).toISOString(), staffId: 'S-2' },
          { purpose: 'follow_up', ...keyed(randomUUID()) },
        );
    expect((await post('xz-health', 5)).status).toBe(201);
    await t
      .client('xz-civil-affairs')
      .post<any>(`/v1/cases/${caseId}/care-team`, { role: 'psych_teacher', agencyId: 'xz-education', staffId: 'PT-1' }, keyed(randomUUID()));
    expect((await post('xz-education', 1)).status).toBe(201);
    // Recorded late, an earlier contact does not move the due date back.
    expect((await post('xz-health', 48)).status).toBe(201);
    const dueFor = async (agency: string) =>
      (await t.hub.runtime.care.worklist.dueFor(agency, {}, { limit: 100 })).items.filter((i) => i.caseId === caseId && i.kind === 'follow_up_contact_due');
    expect(await dueFor('xz-health')).toEqual([]);
    const edu = await dueFor('xz-education');
    expect(edu).toHaveLength(1);
    expect(Date.parse(edu[0]!.due!)).toBeGreaterThan(Date.now() + 29 * DAY);
  });

  it('care-plan activities and reviews past due are overdue until done, dropped or the plan is closed', async () => {
    const caseId = await agreedCase();
    const health = t.client('xz-health');
    const inDays = (n: number) => new Date(Date.now() + n * DAY + 8 * 3_600_000).toISOString().slice(0, 10);
    const plan = (status: string, activityStatus: string) => ({
      status,
      category: 'psychological_care',
      goals: [{ description: '情绪稳定' }],
      activities: [{ activityId: 'visit', kind: 'home_visit', ownerAgencyId: 'xz-womens-federation', due: inDays(7), status: activityStatus }],
      reviewDate: inDays(30),
    });
    const created = await health.post<any>(`/v1/cases/${caseId}/care-plans`, plan('active', 'scheduled'), { purpose: 'care_plan', ...keyed(randomUUID()) });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const kinds = async (offset: number) => {
      const run = await runOverdueJob(at(offset));
      const ours = await Promise.all(
        ['xz-womens-federation', 'xz-health'].map(
          async (a) => (await t.hub.runtime.care.worklist.dueFor(a, { before: new Date(Date.now() + offset * DAY).toISOString() }, { limit: 100 })).items,
        ),
      );
      return {
        run,
        items: ours
          .flat()
          .filter((i) => i.caseId === caseId)
          .map((i) => `${i.agencyId}:${i.kind}`)
          .sort(),
      };
    };
    expect((await kinds(6)).items).toEqual([]);
    expect((await kinds(9)).items).toEqual(['xz-womens-federation:care_plan_activity_due']);
    expect((await overdueNotes('xz-womens-federation', caseId)).map((n: any) => n.overdue.kind)).toEqual(['care_plan_activity_due']);
    expect((await kinds(32)).items).toEqual(['xz-health:care_plan_review_due', 'xz-womens-federation:care_plan_activity_due']);

    const versions = `/v1/cases/${caseId}/care-plans/${created.body.planId}/versions`;
    const done = await health.post<any>(versions, { baseVersion: 1, ...plan('active', 'completed') }, { purpose: 'care_plan', ...keyed(randomUUID()) });
    expect(done.status, JSON.stringify(done.body)).toBe(201);
    expect((await kinds(32)).items).toEqual(['xz-health:care_plan_review_due']);
    const closed = await health.post<any>(versions, { baseVersion: 2, ...plan('completed', 'completed') }, { purpose: 'care_plan', ...keyed(randomUUID()) });
    expect(closed.status).toBe(201);
    expect((await kinds(32)).items).toEqual([]);
  });

  it('the worklist shows what is overdue (with days overdue), what is due soon, and all of it, most overdue first', async () => {
    const { caseId } = await makeCareCase(t);
    const deps = t.hub.runtime.care;
    const due = (days: number) => new Date(Date.now() + days * DAY).toISOString();
    for (const [subject, days] of [
      ['a', -3.5],
      ['b', -1.2],
      ['c', 1],
      ['d', 10],
    ] as const) {
      await scheduleWork(deps, {
        agencyId: 'xz-youth-league',
        kind: 'care_plan_review_due',
        caseId,
        subjectId: `pln_${subject}${caseId}`,
        due: due(days),
        basis: '000001',
      });
    }
    const yl = t.client('xz-youth-league');
    const subjects = async (q: string) => (await yl.get<any>(`/v1/worklist?due=${q}`)).body.items.filter((i: any) => i.caseId === caseId);
    const overdue = await subjects('overdue');
    expect(overdue.map((i: any) => [i.subjectId.slice(4, 5), i.daysOverdue])).toEqual([
      ['a', 3],
      ['b', 1],
    ]);
    expect((await subjects('soon')).map((i: any) => i.subjectId.slice(4, 5))).toEqual(['c']);
    expect((await subjects('all')).map((i: any) => i.subjectId.slice(4, 5))).toEqual(['a', 'b', 'c', 'd']);
    const bad = await yl.get<any>('/v1/worklist?due=late');
    expect([bad.status, bad.body.error.details[0].path]).toEqual([400, 'due']);
  });

  it('a referral not acknowledged or not started by its deadlines is overdue for its owner until it moves', async () => {
    const caseId = await agreedCase();
    const made = await t
      .client('xz-education')
      .post<any>('/v1/referrals', { caseId, to: { agencyType: 'health' }, reasons: ['trauma'], priority: 'routine' }, keyed(randomUUID()));
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const ours = async (offset: number) => {
      await runOverdueJob(at(offset));
      const page = await t.hub.runtime.care.worklist.dueFor('xz-health', { before: new Date(Date.now() + offset * DAY).toISOString() }, { limit: 200 });
      return page.items
        .filter((i) => i.caseId === caseId)
        .map((i) => i.kind)
        .sort();
    };
    expect(await ours(0)).toEqual([]);
    // One working day to acknowledge (at most three calendar days over a weekend), seven days to start.
    expect(await ours(4)).toEqual(['referral_acknowledge_due']);
    expect((await overdueNotes('xz-health', caseId)).map((n: any) => n.overdue.kind)).toEqual(['referral_acknowledge_due']);
    expect(await ours(8)).toEqual(['referral_acknowledge_due', 'referral_start_due']);
    const move = (to: string) => t.client('xz-health').post<any>(`/v1/referrals/${made.body.referralId}/transitions`, { to });
    expect((await move('received')).status).toBe(200);
    expect(await ours(8)).toEqual(['referral_start_due']);
    expect((await move('accepted')).status).toBe(200);
    expect((await move('in-progress')).status).toBe(200);
    expect(await ours(8)).toEqual([]);
  });

  it('a key recipient at high risk without an active plan or a carer is overdue for the coordinator until it has both', async () => {
    const caseId = await agreedCase();
    const civil = t.client('xz-civil-affairs');
    expect((await civil.post<any>(`/v1/cases/${caseId}/key-recipient`, { reasons: ['high_risk'] }, keyed(randomUUID()))).status).toBe(201);
    const assessed = await t
      .client('xz-health')
      .post<any>(
        `/v1/cases/${caseId}/assessments`,
        { kind: 'assessment', riskLevel: 'crisis', assessorStaffId: 'D1', assessedOn: new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10) },
        keyed(randomUUID()),
      );
    expect(assessed.status).toBe(201);
    const owed = async (offset: number) => {
      await runOverdueJob(at(offset));
      const page = await t.hub.runtime.care.worklist.dueFor('xz-civil-affairs', { before: new Date(Date.now() + offset * DAY).toISOString() }, { limit: 200 });
      return page.items
        .filter((i) => i.caseId === caseId)
        .map((i) => i.kind)
        .sort();
    };
    expect(await owed(6)).toEqual([]);
    expect(await owed(8)).toEqual(['high_risk_without_carer', 'high_risk_without_plan']);
    expect(
      (await civil.post<any>(`/v1/cases/${caseId}/care-team`, { role: 'social_worker', agencyId: 'xz-civil-affairs', staffId: 'SW-9' }, keyed(randomUUID())))
        .status,
    ).toBe(201);
    expect(await owed(8)).toEqual(['high_risk_without_plan']);
    const inDays = (n: number) => new Date(Date.now() + n * DAY + 8 * 3_600_000).toISOString().slice(0, 10);
    const plan = await t
      .client('xz-health')
      .post<any>(
        `/v1/cases/${caseId}/care-plans`,
        { status: 'active', category: 'crisis_safety', goals: [{ description: '安全计划' }], activities: [], reviewDate: inDays(30) },
        { purpose: 'care_plan', ...keyed(randomUUID()) },
      );
    expect(plan.status, JSON.stringify(plan.body)).toBe(201);
    expect(await owed(8)).toEqual([]);
  });
});
