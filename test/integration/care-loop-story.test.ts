/**
 * One child through the care loop (issue 9, "Tests"), over HTTP on DynamoDB Local: two agencies' lists merge into
 * one case; the school identifies and assesses the child; the guardian agrees; the school refers to the
 * mental-health centre, which accepts, treats and discharges; the coordinating role assigns a paired carer; the
 * centre refers back to the school; and the privacy officer's access report shows every read of the child's data.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../client/sign-request';
import { agreementBody, keyed } from '../support/care';
import { startTestHub, type TestHub } from '../support/hub';
import { idNumberFor } from '../support/records';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.hub.close();
});

async function uploadList(agency: string, csv: string) {
  const authorization = await signRequest(t.province.agencies[agency]!.credentials, {
    hubId: 'xinqiao-540000',
    method: 'POST',
    pathWithQuery: '/v1/lists',
    body: csv,
  });
  const res = await fetch(new URL('/v1/lists', t.hub.baseUrl), {
    method: 'POST',
    headers: { authorization, 'content-type': 'text/csv; charset=utf-8' },
    body: csv,
  });
  expect(res.status).toBe(202);
  const { job } = (await res.json()) as any;
  await t.hub.listQueue.drained();
  const report = await t.client(agency).get<any>(`/v1/lists/${job.jobId}`);
  expect(report.body.job.status).toBe('done');
  expect(report.body.rows[0].state, JSON.stringify(report.body.rows[0])).toBe('done');
  return report.body.rows[0].result;
}

const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

describe('the care loop, end to end', () => {
  it('takes one child from two lists through identification, assessment, agreement, referral, discharge, a paired carer and a referral back', async () => {
    const id = idNumberFor('540102', '2012-06-15', 41);
    const header = '\uFEFF原系统编号,姓名,性别,出生日期,身份证号,户籍地,现居住地,监护人姓名,监护人电话,与儿童关系,就读学校,儿童类别';
    const row = (ext: string) => `${ext},次仁央金,女,2012-06-15,${id},540102,540102,次仁,13800003333,奶奶,城关区第二小学,留守儿童`;
    const school = await uploadList('xz-education', [header, row('EDU-S1'), ''].join('\r\n'));
    const civil = await uploadList('xz-civil-affairs', [header, row('MZ-S1'), ''].join('\r\n'));
    expect(civil.caseId).toBe(school.caseId);
    const caseId: string = school.caseId;
    const edu = t.client('xz-education', 'psych-teacher-1');
    const health = t.client('xz-health', 'doctor-7');

    // Identification (识别) and assessment with a risk level (评估).
    const base = { assessorStaffId: 'PT-1', assessedOn: today() };
    expect((await edu.post<any>(`/v1/cases/${caseId}/assessments`, { ...base, kind: 'identification', outcome: 'at_risk' }, keyed(randomUUID()))).status).toBe(
      201,
    );
    const assessed = await edu.post<any>(
      `/v1/cases/${caseId}/assessments`,
      {
        ...base,
        kind: 'assessment',
        riskLevel: 'high',
        riskFactors: ['left_behind', 'social_isolation'],
        instrument: 'SDQ',
        score: 21,
        notes: '长期独处，情绪低落',
      },
      keyed(randomUUID()),
    );
    expect(assessed.status).toBe(201);

    // The guardian agrees with the result and to follow-up services, and consents to share the assessment with health for the referral.
    expect(
      (await edu.post<any>(`/v1/cases/${caseId}/agreements`, agreementBody({ assessmentId: assessed.body.assessmentId }), keyed(randomUUID()))).status,
    ).toBe(201);
    const consent = await edu.post<any>('/v1/consents', {
      caseId,
      grantor: { type: 'guardian', name: '次仁', relation: 'grandparent' },
      purposes: ['referral'],
      dataCategories: ['assessment', 'identity'],
      recipients: [{ agencyType: 'health' }],
      validFrom: new Date(Date.now() - 3_600_000).toISOString(),
      validUntil: new Date(Date.now() + 90 * 86_400_000).toISOString(),
      evidence: {
        documentRef: `转介同意-${caseId}`,
        sha256: randomUUID().replaceAll('-', '').padEnd(64, 'b'),
        collectedBy: 'PT-1',
        collectedAt: new Date().toISOString(),
      },
    });
    expect(consent.status, JSON.stringify(consent.body)).toBe(201);

    // School -> mental-health centre.
    const referral = await edu.post<any>(
      '/v1/referrals',
      { caseId, to: { agencyType: 'health' }, reasons: ['severe_emotional_distress'], priority: 'urgent' },
      keyed(randomUUID()),
    );
    expect(referral.status, JSON.stringify(referral.body)).toBe(201);
    const referralId: string = referral.body.referralId;
    expect(Date.parse(referral.body.acknowledgeBy) - Date.parse(referral.body.createdAt)).toBe(2 * 3_600_000);

    // The centre holds no record: under `referral` it reads what the consent covers, the school's assessment included.
    const seen = await health.get<any>(`/v1/cases/${caseId}/assessments`, { purpose: 'referral' });
    expect(seen.status, JSON.stringify(seen.body)).toBe(404); // the history is for holders; the case view is the owner's way in
    const view = await health.get<any>(`/v1/cases/${caseId}`, { purpose: 'referral' });
    expect(view.status, JSON.stringify(view.body)).toBe(200);
    expect(view.body.assessment).toMatchObject({ state: 'assessed', riskLevel: 'high' });
    expect(view.body.records.length, JSON.stringify(view.body)).toBeGreaterThan(0);

    for (const [to, extra] of [
      ['received', {}],
      ['accepted', {}],
      ['in-progress', {}],
      ['completed', { outcome: 'discharged' }],
    ] as const) {
      expect((await health.post<any>(`/v1/referrals/${referralId}/transitions`, { to, ...extra })).status, to).toBe(200);
    }

    // After discharge: the coordinating role assigns a paired carer (结对关爱), which meets its worklist item.
    const coordinator = t.client('xz-civil-affairs');
    const due = await coordinator.get<any>('/v1/worklist?due=all');
    expect(due.body.items.some((i: any) => i.kind === 'assign_paired_carer' && i.caseId === caseId)).toBe(true);
    // ... and decides whether the child becomes a key recipient for follow-up after discharge (post_discharge).
    const proposals = (await coordinator.get<any>('/v1/worklist')).body.items.filter((i: any) => i.kind === 'key_recipient_proposal' && i.caseId === caseId);
    expect(proposals.map((p: any) => p.detail)).toEqual([{ reasons: 'post_discharge', proposedBy: 'health' }]);
    expect(
      (
        await coordinator.post<any>(
          `/v1/cases/${caseId}/care-team`,
          { role: 'paired_carer', agencyId: 'xz-womens-federation', staffId: 'WF-2' },
          keyed(randomUUID()),
        )
      ).status,
    ).toBe(201);
    expect((await coordinator.get<any>('/v1/worklist?due=all')).body.items.some((i: any) => i.kind === 'assign_paired_carer' && i.caseId === caseId)).toBe(
      false,
    );

    // The centre refers back to the school (双向转介), and both ends see the chain.
    const back = await health.post<any>(
      '/v1/referrals',
      { caseId, to: { agencyId: 'xz-education' }, reasons: ['school_reintegration'], priority: 'routine', basedOn: referralId },
      keyed(randomUUID()),
    );
    expect(back.status, JSON.stringify(back.body)).toBe(201);
    const chain = (await edu.get<any>(`/v1/referrals/${back.body.referralId}`)).body.chain;
    expect(chain.map((c: any) => c.referralId)).toEqual([referralId, back.body.referralId]);
    expect((await edu.post<any>(`/v1/referrals/${back.body.referralId}/transitions`, { to: 'received' })).status).toBe(200);

    // The privacy officer sees every read of the child's data, with its basis.
    const report = await t.client('officer-zhang', 'officer-zhang').get<any>(`/v1/audit/cases/${caseId}/access-report`);
    expect(report.status).toBe(200);
    const reads = report.body.entries.map((e: any) => `${e.agencyId} ${e.route}`);
    expect(reads).toContain('xz-health GET /v1/cases/{caseId}');
    expect(reads).toContain('xz-education GET /v1/referrals/{referralId}');
    const healthView = report.body.entries.find((e: any) => e.agencyId === 'xz-health' && e.route === 'GET /v1/cases/{caseId}');
    expect(healthView).toMatchObject({ purpose: 'referral', legalBasis: ['consent'] });
  });
});
