/**
 * Care plans (issue 10, point 4) over HTTP on DynamoDB Local: the care_plan purpose established by the reader's
 * care, participants only, versions based on the latest with one winner per version, sealed text at rest,
 * notifications that carry no content, and every read in the access report.
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

const plans = (caseId: string) => `/v1/cases/${caseId}/care-plans`;
const asPlan = (key = randomUUID()) => ({ purpose: 'care_plan', ...keyed(key) });
const inFuture = (days: number) => new Date(Date.now() + days * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);

function planBody(overrides: Record<string, unknown> = {}) {
  return {
    status: 'active',
    category: 'post_discharge',
    goals: [{ description: '每周与监护人沟通一次情绪变化' }, { description: '恢复正常到校' }],
    activities: [
      { activityId: 'visit', kind: 'home_visit', description: '家访：了解祖母照护情况', ownerAgencyId: 'xz-womens-federation', due: inFuture(14) },
      { activityId: 'school', kind: 'school_support', ownerAgencyId: 'xz-education', due: inFuture(7), status: 'scheduled' },
    ],
    reviewDate: inFuture(30),
    ...overrides,
  };
}

/** A case held by education and health, with the guardian's agreement to follow-up recorded by health. */
async function agreedCase() {
  const { caseId } = await makeCareCase(t);
  const agreed = await t.client('xz-health').post<any>(`/v1/cases/${caseId}/agreements`, agreementBody(), keyed(randomUUID()));
  expect(agreed.status).toBe(201);
  return caseId;
}

describe('care plans', () => {
  it('a holder with the guardian’s agreement writes a plan; its participants read it whole; others see only that it exists', async () => {
    const caseId = await agreedCase();
    const created = await t.client('xz-health').post<any>(plans(caseId), planBody(), asPlan());
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ version: 1, status: 'active', author: 'xz-health', category: 'post_discharge' });
    expect(created.body.goals).toEqual([{ description: '每周与监护人沟通一次情绪变化' }, { description: '恢复正常到校' }]);
    const { planId } = created.body;

    // Education owns an activity: a participant, it reads the plan, sealed text included.
    const edu = await t.client('xz-education').get<any>(plans(caseId), { purpose: 'care_plan' });
    expect(edu.status, JSON.stringify(edu.body)).toBe(200);
    expect(edu.body.items).toHaveLength(1);
    expect(edu.body.items[0].activities.find((a: any) => a.activityId === 'visit').description).toBe('家访：了解祖母照护情况');
    // The Women's Federation owns an activity too, without holding a record: it reads the plan as a participant.
    const wf = await t.client('xz-womens-federation').get<any>(plans(caseId), { purpose: 'care_plan' });
    expect([wf.status, wf.body.items.length]).toEqual([200, 1]);
    // The coordinating role sees that a plan exists, never its content.
    const civil = await t.client('xz-civil-affairs').get<any>(plans(caseId), { purpose: 'care_plan' });
    expect(civil.status).toBe(200);
    expect(civil.body).toEqual({ caseId, items: [], withheld: [{ planId, reason: 'NOT_A_PARTICIPANT' }] });
    const history = await t.client('xz-civil-affairs').get<any>(`${plans(caseId)}/${planId}`, { purpose: 'care_plan' });
    expect(history.status).toBe(404);
    // An agency with no part in the case: 404, as for an unknown case.
    const yl = await t.client('xz-youth-league').get<any>(plans(caseId), { purpose: 'care_plan' });
    expect(yl.status).toBe(404);

    const stored = JSON.stringify(await t.scan('care'));
    expect(stored).not.toContain('恢复正常到校');
    expect(stored).not.toContain('祖母照护');
    const notes = await t.client('xz-womens-federation').get<any>('/v1/notifications');
    const note = notes.body.items.find((n: any) => n.kind === 'care_plan_updated' && n.caseId === caseId);
    expect(note).toMatchObject({ subjectId: planId });
    expect(JSON.stringify(note)).not.toContain('家访');
  });

  it('the care_plan purpose must be declared and established by the reader’s care', async () => {
    const { caseId } = await makeCareCase(t);
    const health = t.client('xz-health');
    const noAgreement = await health.post<any>(plans(caseId), planBody(), asPlan());
    expect([noAgreement.status, noAgreement.body.error.code]).toEqual([403, 'PURPOSE_NOT_ESTABLISHED']);
    expect(noAgreement.body.error.message_zh).toMatch(/关爱方案/);
    const declined = await health.post<any>(`/v1/cases/${caseId}/agreements`, agreementBody({}, false), keyed(randomUUID()));
    expect(declined.status).toBe(201);
    expect((await health.post<any>(plans(caseId), planBody(), asPlan())).status).toBe(403);
    const otherPurpose = await health.post<any>(plans(caseId), planBody(), { purpose: 'assessment', ...keyed(randomUUID()) });
    expect([otherPurpose.status, otherPurpose.body.error.code]).toEqual([403, 'PURPOSE_NOT_ESTABLISHED']);
    const noPurpose = await health.post<any>(plans(caseId), planBody(), keyed(randomUUID()));
    expect([noPurpose.status, noPurpose.body.error.details[0].path]).toEqual([400, 'purpose']);
    // An active care-team member establishes it for its agency, without a record or an agreement.
    const carer = await t
      .client('xz-civil-affairs')
      .post<any>(`/v1/cases/${caseId}/care-team`, { role: 'paired_carer', agencyId: 'xz-youth-league', staffId: 'YL-3' }, keyed(randomUUID()));
    expect(carer.status).toBe(201);
    const byTeam = await t.client('xz-youth-league').post<any>(plans(caseId), planBody({ activities: [] }), asPlan());
    expect(byTeam.status, JSON.stringify(byTeam.body)).toBe(201);
  });

  it('updates by versions on the latest: a stale base, a lost race and an illegal status move answer 409; a retry is the same version', async () => {
    const caseId = await agreedCase();
    const health = t.client('xz-health');
    const { planId } = (await health.post<any>(plans(caseId), planBody(), asPlan())).body;
    const versions = `${plans(caseId)}/${planId}/versions`;
    const key = randomUUID();
    const body = { baseVersion: 1, ...planBody({ status: 'on-hold' }) };
    const v2 = await t.client('xz-education').post<any>(versions, body, asPlan(key));
    expect(v2.status, JSON.stringify(v2.body)).toBe(201);
    expect(v2.body).toMatchObject({ version: 2, status: 'on-hold', author: 'xz-education' });
    const retry = await t.client('xz-education').post<any>(versions, body, asPlan(key));
    expect([retry.status, retry.body.version]).toEqual([200, 2]);
    const stale = await health.post<any>(versions, { baseVersion: 1, ...planBody() }, asPlan());
    expect([stale.status, stale.body.error.code]).toEqual([409, 'STATE_CONFLICT']);
    expect(stale.body.error.message).toMatch(/version 2/);

    const race = await Promise.all([health, t.client('xz-education')].map((c) => c.post<any>(versions, { baseVersion: 2, ...planBody() }, asPlan())));
    expect(race.map((r) => r.status).sort()).toEqual([201, 409]);

    const done = await health.post<any>(versions, { baseVersion: 3, ...planBody({ status: 'completed' }) }, asPlan());
    expect(done.status).toBe(201);
    const reopen = await health.post<any>(versions, { baseVersion: 4, ...planBody({ status: 'active' }) }, asPlan());
    expect([reopen.status, reopen.body.error.code]).toEqual([409, 'STATE_CONFLICT']);
    expect(reopen.body.error.message).toMatch(/final/);

    const history = await health.get<any>(`${plans(caseId)}/${planId}`, { purpose: 'care_plan' });
    expect(history.body.versions.map((v: any) => [v.version, v.status])).toEqual([
      [1, 'active'],
      [2, 'on-hold'],
      [3, 'active'],
      [4, 'completed'],
    ]);
  });

  it('refuses bad input by field: unknown codes, an unregistered owner, a past review date, duplicate activity ids', async () => {
    const caseId = await agreedCase();
    const health = t.client('xz-health');
    const cases: [Record<string, unknown>, string][] = [
      [{ category: 'therapy' }, 'category'],
      [{ goals: [] }, 'goals'],
      [{ status: 'completed' }, 'status'],
      [{ reviewDate: '2020-01-01' }, 'reviewDate'],
      [{ activities: [{ kind: 'home_visit', ownerAgencyId: 'xz-nobody', due: inFuture(3) }] }, 'activities.0.ownerAgencyId'],
      [{ activities: [{ kind: 'massage', ownerAgencyId: 'xz-health', due: inFuture(3) }] }, 'activities.0.kind'],
      [
        {
          activities: [
            { activityId: 'x', kind: 'home_visit', ownerAgencyId: 'xz-health', due: inFuture(3) },
            { activityId: 'x', kind: 'counselling', ownerAgencyId: 'xz-health', due: inFuture(3) },
          ],
        },
        'activities.1.activityId',
      ],
    ];
    for (const [override, path] of cases) {
      const res = await health.post<any>(plans(caseId), planBody(override), asPlan());
      expect([res.status, res.body.error?.details?.[0]?.path], JSON.stringify(override)).toEqual([400, path]);
    }
  });

  it('every read of a plan is a disclosure in the case’s access report', async () => {
    const caseId = await agreedCase();
    await t.client('xz-health').post<any>(plans(caseId), planBody(), asPlan());
    await t.client('xz-education').get<any>(plans(caseId), { purpose: 'care_plan' });
    const report = await t.client('officer-zhang', 'officer-zhang').get<any>(`/v1/audit/cases/${caseId}/access-report`);
    const reads = report.body.entries.filter((e: any) => e.route === 'GET /v1/cases/{caseId}/care-plans');
    expect(reads.map((e: any) => [e.agencyId, e.purpose, e.legalBasis, e.categories])).toEqual([
      ['xz-education', 'care_plan', ['care_plan_participant'], ['care_plan']],
    ]);
  });
});
