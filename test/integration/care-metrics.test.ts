/**
 * The loop at a glance (issue 10 point 7) on DynamoDB Local: `GET /v1/care-metrics?county=` over a province with
 * two counties in care, counted exactly and published with small-cell suppression; the coordinating role only;
 * county validated; nothing in the answer names a child. Time-dependent figures (days to first contact, a carer
 * within N days) are set up by moving the use cases' clock, never by sleeping.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CareDeps } from '../../lambdas/domain/care/care-deps';
import { startAfterDischarge } from '../../lambdas/domain/care/discharge';
import { moveReferral } from '../../lambdas/domain/care/referrals';
import { agreementBody, keyed } from '../support/care';
import { startTestHub, type TestHub } from '../support/hub';
import { idNumberFor } from '../support/records';

let t: TestHub;
const DAY = 86_400_000;
const COUNTY_A = '540104';
const COUNTY_B = '540103';
let serial = 0;

/** One child, published by each agency with the county as household region; returns the case. */
async function child(county: string, agencies: readonly string[]) {
  serial++;
  const birth = `2013-0${1 + (serial % 9)}-2${serial % 8}`;
  const body = {
    name: `统计儿童${'甲乙丙丁戊己庚辛壬癸'[serial % 10]}${serial}`,
    sex: serial % 2 ? 'F' : 'M',
    birthDate: birth,
    idNumber: idNumberFor(county, birth, 300 + serial * 2),
    householdRegion: county,
    categories: ['left_behind'],
    guardian: { name: '卓玛', relation: 'grandparent' },
  };
  let caseId = '';
  for (const agency of agencies) {
    const res = await t.client(agency).post<any>('/v1/records', { externalId: `MET-${agency}-${serial}`, ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    caseId ||= res.body.caseId;
    expect(res.body.caseId).toBe(caseId);
  }
  return caseId;
}

const coordinator = () => t.client('xz-civil-affairs', 'coordinator-1');
const metrics = async (query = '') => coordinator().get<any>(`/v1/care-metrics${query}`);
const clockAt = (ms: number): CareDeps => ({ ...t.hub.runtime.care, now: () => new Date(ms) });
const health = { agencyId: 'xz-health', agencyType: 'health' as const };

const EMPTY_LEVELS = { low: 0, medium: 0, high: 0, crisis: 0, unassessed: 0 };
const EMPTY_STATUSES = { requested: 0, received: 0, accepted: 0, rejected: 0, 'in-progress': 0, 'on-hold': 0, completed: 0, failed: 0, cancelled: 0 };
const EMPTY_KINDS = {
  follow_up_contact_due: 0,
  care_plan_activity_due: 0,
  care_plan_review_due: 0,
  referral_acknowledge_due: 0,
  referral_start_due: 0,
  assign_paired_carer: 0,
  high_risk_without_plan: 0,
  high_risk_without_carer: 0,
};

const countyA = {
  keyRecipients: { active: 6, byRiskLevel: { ...EMPTY_LEVELS, high: 5, unassessed: '<5' } },
  referrals: { total: 7, byStatus: { ...EMPTY_STATUSES, 'in-progress': 6, requested: '<5' } },
  firstContact: { started: 6, medianDays: 3.5 },
  overdue: { total: 5, byKind: { ...EMPTY_KINDS, follow_up_contact_due: 5 } },
};
const countyB = {
  pairedCarer: { withinDays: 7, discharged: 13, inTime: 6, late: 6, pending: '<5', share: 50 },
  overdue: { total: '<5', byKind: { ...EMPTY_KINDS, assign_paired_carer: '<5' } },
};
const noCarers = { withinDays: 7, discharged: 0, inTime: 0, late: 0, pending: 0, share: null };

beforeAll(async () => {
  t = await startTestHub();
}, 60_000);
afterAll(async () => {
  await t.hub.close();
});

describe('GET /v1/care-metrics', () => {
  it('answers an empty province with zeros, for the coordinating role', async () => {
    const res = await metrics();
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      province: '540000',
      suppression: { below: 5, shownAs: '<5' },
      keyRecipients: { active: 0, byRiskLevel: EMPTY_LEVELS },
      referrals: { total: 0, byStatus: EMPTY_STATUSES },
      firstContact: { started: 0, medianDays: null },
      pairedCarer: noCarers,
      overdue: { total: 0, byKind: EMPTY_KINDS },
    });
    expect(res.body.county).toBeUndefined();
  });

  it('refuses every other agency with 403 FORBIDDEN in Chinese and English, audited once without a case', async () => {
    for (const agency of ['xz-education', 'xz-health', 'xz-youth-league', 'xz-womens-federation']) {
      const res = await t.client(agency, `staff-${agency}`).get<any>('/v1/care-metrics?county=540104');
      expect(res.status, agency).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
      expect(res.body.error.message).toMatch(/coordinating role/);
      expect(res.body.error.message_zh).toMatch(/统筹部门/);
    }
    const events = (await t.scan('audit')).filter((e: any) => e.route?.S === 'GET /v1/care-metrics' && e.sub?.S === 'staff-xz-health');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ outcome: { S: 'deny' }, errorCode: { S: 'FORBIDDEN' } });
    expect(events[0]!.caseId).toBeUndefined();
  });

  it('validates the county: six digits, inside the province, nothing else in the query (400 in Chinese and English)', async () => {
    for (const [query, path] of [
      ['?county=5401', 'county'],
      ['?county=54010x', 'county'],
      ['?county=054010', 'county'],
      ['?county=%E6%8B%89%E8%90%A8', 'county'],
      ['?county=', 'county'],
      ['?county=310107', 'county'],
      ['?region=540104', 'region'],
    ] as const) {
      const res = await metrics(query);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code, query).toBe('VALIDATION_FAILED');
      const detail = res.body.error.details.find((d: any) => d.path === path);
      expect(detail, `${query}: ${JSON.stringify(res.body)}`).toBeDefined();
      if (path === 'county') expect(detail.message_zh, query).toMatch(/行政区划代码/);
    }
    const outside = await metrics('?county=310107');
    expect(outside.body.error.details[0].message).toMatch(/inside province 540000/);
  });

  it('counts two counties exactly, suppresses cells of 1 to 4, and names no child', async () => {
    const edu = t.client('xz-education', 'psych-teacher-2');
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

    // County A: seven children in care at school and the centre.
    const a: string[] = [];
    for (let i = 0; i < 7; i++) a.push(await child(COUNTY_A, ['xz-education', 'xz-health']));
    for (const [i, caseId] of a.entries()) {
      if (i === 5) continue; // A6 is never assessed
      const level = i === 6 ? 'medium' : 'high';
      const res = await edu.post<any>(
        `/v1/cases/${caseId}/assessments`,
        { kind: 'assessment', riskLevel: level, assessorStaffId: 'PT-2', assessedOn: today },
        keyed(randomUUID()),
      );
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    for (const caseId of a) expect((await edu.post<any>(`/v1/cases/${caseId}/agreements`, agreementBody(), keyed(randomUUID()))).status).toBe(201);
    for (const caseId of a.slice(0, 6)) {
      const res = await coordinator().post<any>(`/v1/cases/${caseId}/key-recipient`, { reasons: ['high_risk'] }, keyed(randomUUID()));
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    // Referrals school -> centre; six started 1, 2, 3, 4, 10 and 12 days after they were made (median 3.5), one not yet.
    const startedAfter = [1, 2, 3, 4, 10, 12];
    for (const [i, caseId] of a.entries()) {
      const ref = await edu.post<any>(
        '/v1/referrals',
        { caseId, to: { agencyType: 'health' }, reasons: ['severe_emotional_distress'], priority: 'routine' },
        keyed(randomUUID()),
      );
      expect(ref.status, JSON.stringify(ref.body)).toBe(201);
      if (i === 6) continue;
      const when = Date.parse(ref.body.createdAt) + startedAfter[i]! * DAY;
      for (const to of ['received', 'accepted', 'in-progress'] as const) await moveReferral(clockAt(when), health, ref.body.referralId, { to });
    }
    // Follow-up contacts 40 days ago for the five at high risk (every 14 days): each is overdue now.
    for (const caseId of a.slice(0, 5)) {
      const res = await edu.post<any>(
        `/v1/cases/${caseId}/contacts`,
        {
          kind: 'home_visit',
          interviewed: ['child', 'guardian'],
          outcome: 'stable',
          contactedAt: new Date(Date.now() - 40 * DAY).toISOString(),
          staffId: 'PT-2',
        },
        { purpose: 'follow_up', ...keyed(randomUUID()) },
      );
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }

    // County B: thirteen discharged children (N = 7 days).
    const carer = async (caseId: string) =>
      expect(
        (
          await coordinator().post<any>(
            `/v1/cases/${caseId}/care-team`,
            { role: 'paired_carer', agencyId: 'xz-womens-federation', staffId: 'WF-9' },
            keyed(randomUUID()),
          )
        ).status,
      ).toBe(201);
    const discharge = (caseId: string, daysAgo: number) =>
      startAfterDischarge(t.hub.runtime.care, { caseId, agencyId: 'xz-health', dischargedAt: new Date(Date.now() - daysAgo * DAY).toISOString() });
    const b: string[] = [];
    for (let i = 0; i < 13; i++) b.push(await child(COUNTY_B, ['xz-health']));
    for (const caseId of b.slice(0, 5)) await discharge(caseId, 2); // a carer now: in time
    for (const caseId of b.slice(5, 11)) await discharge(caseId, 20); // a carer now for five: late; the sixth has none: late, overdue
    await discharge(b[11]!, 1); // none yet, within N days: pending
    for (const caseId of [...b.slice(0, 10)]) await carer(caseId);
    await carer(b[12]!); // a carer before the discharge: met at discharge
    await discharge(b[12]!, 1 / 24);

    const province = await metrics();
    expect(province.status, JSON.stringify(province.body)).toBe(200);
    expect(province.body).toMatchObject({
      keyRecipients: countyA.keyRecipients,
      referrals: countyA.referrals,
      firstContact: countyA.firstContact,
      pairedCarer: countyB.pairedCarer,
      overdue: { total: 6, byKind: { ...EMPTY_KINDS, follow_up_contact_due: 5, assign_paired_carer: '<5' } },
    });
    const inA = await metrics(`?county=${COUNTY_A}`);
    expect(inA.body).toMatchObject({ county: COUNTY_A, ...countyA, pairedCarer: noCarers });
    const inB = await metrics(`?county=${COUNTY_B}`);
    expect(inB.body).toMatchObject({
      county: COUNTY_B,
      keyRecipients: { active: 0, byRiskLevel: EMPTY_LEVELS },
      referrals: { total: 0, byStatus: EMPTY_STATUSES },
      firstContact: { started: 0, medianDays: null },
      ...countyB,
    });
    // A prefecture code covers its counties; a county with nobody in care is all zeros.
    const prefecture = await metrics('?county=540100');
    expect({ ...prefecture.body, county: undefined, at: undefined }).toEqual({ ...province.body, at: undefined });
    const empty = await metrics('?county=540122');
    expect(empty.body).toMatchObject({ keyRecipients: { active: 0 }, referrals: { total: 0 }, pairedCarer: noCarers, overdue: { total: 0 } });

    // Codes and counts only: no case, record or referral id, no name, no staff id.
    for (const body of [province, inA, inB].map((r) => JSON.stringify(r.body))) {
      expect(body).not.toMatch(/case_|rec_|ref_|wrk_|统计儿童|卓玛|PT-2|WF-9|xz-/);
    }
    // The coordinator's reads are audited (allow) without naming a case.
    const reads = (await t.scan('audit')).filter((e: any) => e.route?.S === 'GET /v1/care-metrics' && e.outcome?.S === 'allow');
    expect(reads.length).toBeGreaterThanOrEqual(5);
    expect(reads.every((e: any) => e.caseId === undefined && e.caseIds === undefined)).toBe(true);

    // An exit takes the child off the active listing at once.
    const exit = await coordinator().post<any>(`/v1/cases/${a[5]}/key-recipient/exit`, { reason: 'recovered' });
    expect(exit.status, JSON.stringify(exit.body)).toBe(200);
    expect((await metrics(`?county=${COUNTY_A}`)).body.keyRecipients).toEqual({ active: 5, byRiskLevel: { ...EMPTY_LEVELS, high: 5 } });
  }, 120_000);
});
