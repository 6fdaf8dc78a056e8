/**
 * One person, one file (issue 10, point 6) over HTTP on DynamoDB Local: the archive as JSON and as a zip of forms,
 * deterministic (the same state gives the same bytes, and the header carries their SHA-256), consent-gated per
 * holder (a category without consent never appears and is never decrypted), spreadsheet-safe, one audit event per
 * export that names what it disclosed and shows in the case's access report; bad input gets stable 4xx codes.
 */
import { createHash, randomUUID } from 'node:crypto';
import { unzipSync } from 'fflate';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FieldCipher } from '../../lambdas/crypto/field-cipher';
import { agreementBody, keyed, makeCareCase } from '../support/care';
import { startTestHub, type TestHub } from '../support/hub';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.hub.close();
});
afterEach(() => {
  vi.restoreAllMocks();
});

const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const inDays = (d: number) => new Date(Date.now() + 8 * 3_600_000 + d * 86_400_000).toISOString().slice(0, 10);
const archive = (caseId: string, format?: string) => `/v1/cases/${caseId}/archive${format ? `?format=${format}` : ''}`;
const HEALTH_SECRET = '住院期间有自伤行为（卫健机密）';
const FORMULA = '=HYPERLINK("http://evil.example","点击")';

/** A case with something in every section: education's own care, and a health assessment with sealed notes. */
async function fullCase() {
  const { caseId } = await makeCareCase(t, ['xz-education', 'xz-health', 'xz-civil-affairs']);
  const edu = t.client('xz-education', 'teacher-3');
  const health = t.client('xz-health', 'doctor-9');
  const created = (res: { status: number; body: unknown }) => {
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as any;
  };
  const assessment = created(
    await edu.post(
      `/v1/cases/${caseId}/assessments`,
      {
        kind: 'assessment',
        riskLevel: 'medium',
        riskFactors: ['left_behind'],
        instrument: 'SDQ',
        score: 15,
        assessorStaffId: 'PT-3',
        assessedOn: today(),
        notes: FORMULA,
      },
      keyed(randomUUID()),
    ),
  );
  const healthAssessment = created(
    await health.post(
      `/v1/cases/${caseId}/assessments`,
      { kind: 'assessment', riskLevel: 'high', riskFactors: ['self_harm_history'], assessorStaffId: 'PSY-1', assessedOn: today(), notes: HEALTH_SECRET },
      keyed(randomUUID()),
    ),
  );
  created(await edu.post(`/v1/cases/${caseId}/agreements`, agreementBody({ assessmentId: assessment.assessmentId }), keyed(randomUUID())));
  created(
    await edu.post(
      `/v1/cases/${caseId}/contacts`,
      {
        kind: 'home_visit',
        interviewed: ['child', 'guardian', 'neighbour'],
        outcome: 'stable',
        contactedAt: new Date(Date.now() - 3_600_000).toISOString(),
        staffId: 'PT-3',
        notes: '@SUM(1+1) 与祖母及邻居交谈，情绪平稳',
      },
      { purpose: 'follow_up', ...keyed(randomUUID()) },
    ),
  );
  created(
    await edu.post(
      `/v1/cases/${caseId}/care-plans`,
      {
        status: 'active',
        category: 'school_support',
        goals: [{ description: '-每周一次心理辅导' }],
        activities: [{ activityId: 'talk', kind: 'counselling', ownerAgencyId: 'xz-education', due: inDays(7), description: '+班主任谈心' }],
        reviewDate: inDays(30),
      },
      { purpose: 'care_plan', ...keyed(randomUUID()) },
    ),
  );
  created(await edu.post(`/v1/cases/${caseId}/care-team`, { role: 'growth_mentor', agencyId: 'xz-education', staffId: 'GM-8' }, keyed(randomUUID())));
  const referral = created(
    await edu.post('/v1/referrals', { caseId, to: { agencyType: 'health' }, reasons: ['severe_emotional_distress'], priority: 'urgent' }, keyed(randomUUID())),
  );
  expect((await health.post(`/v1/referrals/${referral.referralId}/transitions`, { to: 'received' })).status).toBe(200);
  created(await t.client('xz-civil-affairs').post(`/v1/cases/${caseId}/key-recipient`, { reasons: ['high_risk'] }, keyed(randomUUID())));
  return { caseId, edu, health, healthAssessment, referral };
}

/** Every field binding the cipher opens while `act` runs (the real FieldCipher, watched). */
async function opened<T>(act: () => Promise<T>): Promise<{ result: T; recordIds: string[] }> {
  const spy = vi.spyOn(FieldCipher.prototype, 'open');
  const result = await act();
  const recordIds = spy.mock.calls.map((call) => call[1].recordId);
  spy.mockRestore();
  return { result, recordIds };
}

describe('one person, one file', () => {
  it('exports every section as JSON, withholds another holder without consent and never decrypts it', async () => {
    const { caseId, edu, health, healthAssessment, referral } = await fullCase();
    const { result: res, recordIds } = await opened(() => edu.get<any>(archive(caseId), { purpose: 'assessment' }));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const a = res.body;
    expect(a).toMatchObject({ archiveVersion: 1, caseId, purpose: 'assessment' });
    expect(a.file.records.some((r: any) => r.own && r.fields.name)).toBe(true);
    expect(a.assessments.items.map((i: any) => i.agencyId)).toEqual(['xz-education']);
    expect(a.assessments.withheld).toEqual([
      { assessmentId: healthAssessment.assessmentId, agencyId: expect.stringMatching(/^holder:/), reason: 'NO_CONSENT' },
    ]);
    expect(a.contacts.items[0]).toMatchObject({ kind: 'home_visit', interviewed: ['child', 'guardian', 'neighbour'] });
    expect(a.referrals.items.map((r: any) => [r.referralId, r.transitions.map((x: any) => x.to)])).toEqual([[referral.referralId, ['received']]]);
    expect(a.carePlans.items[0].versions.map((v: any) => v.version)).toEqual([1]);
    expect(a.careTeam.items.map((m: any) => m.role)).toEqual(['growth_mentor']);
    expect(a.keyRecipient.current.status).toBe('active');
    expect(a.agreements.followUpAgreed).toBe(true);
    expect(a.consents.consents).toEqual([]);
    // Health's sealed notes and its record's fields were withheld: never decrypted, nowhere in the bytes.
    expect(JSON.stringify(a)).not.toContain(HEALTH_SECRET);
    expect(recordIds).not.toContain(healthAssessment.assessmentId);
    const healthOwn = await health.get<any>(`/v1/cases/${caseId}`, { purpose: 'assessment' });
    const healthRecordId = healthOwn.body.records.find((r: any) => r.own).recordId;
    expect(recordIds).not.toContain(healthRecordId);
    expect(a.file.records.map((r: any) => r.recordId)).not.toContain(healthRecordId);
  });

  it('once the holder consents, its assessment appears, and only the consented category', async () => {
    const { caseId, edu, health, healthAssessment } = await fullCase();
    const consent = await health.post<any>('/v1/consents', {
      caseId,
      grantor: { type: 'guardian', name: '卓嘎', relation: 'grandparent' },
      purposes: ['assessment'],
      dataCategories: ['assessment'],
      recipients: [{ agencyId: 'xz-education' }],
      validFrom: new Date(Date.now() - 3_600_000).toISOString(),
      validUntil: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      evidence: { documentRef: `同意书-${caseId}`, sha256: 'c'.repeat(64), collectedBy: 'doctor-9', collectedAt: new Date().toISOString() },
    });
    expect(consent.status, JSON.stringify(consent.body)).toBe(201);
    const { result: res, recordIds } = await opened(() => edu.get<any>(archive(caseId), { purpose: 'assessment' }));
    expect(res.status).toBe(200);
    expect(res.body.assessments.items.find((i: any) => i.assessmentId === healthAssessment.assessmentId)).toMatchObject({ notes: HEALTH_SECRET });
    expect(recordIds).toContain(healthAssessment.assessmentId);
    // Under another purpose the same consent does not cover it.
    const other = await edu.get<any>(archive(caseId), { purpose: 'case_coordination' });
    expect(other.status).toBe(200);
    expect(JSON.stringify(other.body)).not.toContain(HEALTH_SECRET);
    expect(other.body.assessments.withheld.map((w: any) => w.reason)).toEqual(['PURPOSE_NOT_COVERED']);
  });

  it('gives the same bytes for the same state, with their SHA-256 in the header, and a zip of spreadsheet-safe forms', async () => {
    const { caseId, edu } = await fullCase();
    const first = await edu.get<Uint8Array>(archive(caseId, 'zip'), { purpose: 'assessment' });
    const second = await edu.get<Uint8Array>(archive(caseId, 'zip'), { purpose: 'assessment' });
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/zip');
    expect(first.body).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(second.body).equals(Buffer.from(first.body))).toBe(true);
    const sha = createHash('sha256').update(first.body).digest('hex');
    expect(first.headers.get('x-content-sha256')).toBe(sha);
    expect(first.headers.get('repr-digest')).toBe(`sha-256=:${createHash('sha256').update(first.body).digest('base64')}:`);
    const json1 = await edu.get<any>(archive(caseId, 'json'), { purpose: 'assessment' });
    const json2 = await edu.get<any>(archive(caseId), { purpose: 'assessment' });
    expect(json1.headers.get('x-content-sha256')).toBe(json2.headers.get('x-content-sha256'));

    const files = unzipSync(first.body);
    const names = Object.keys(files);
    expect(names).toEqual([
      '01-file-form.csv',
      '02-identification-assessment.csv',
      '03-follow-up-contacts.csv',
      '04-referrals.csv',
      '05-referral-transitions.csv',
      '06-care-plans.csv',
      '07-care-plan-activities.csv',
      '08-care-team.csv',
      '09-key-recipient-episodes.csv',
      '10-service-agreements.csv',
      '11-data-consents.csv',
      '12-withheld.csv',
      'archive.json',
      'manifest.json',
    ]);
    const text = (n: string) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(files[n]!);
    const manifest = JSON.parse(text('manifest.json'));
    for (const f of manifest.files) expect(createHash('sha256').update(files[f.file]!).digest('hex'), f.file).toBe(f.sha256);
    expect(manifest.files.find((f: any) => f.file === '03-follow-up-contacts.csv')).toMatchObject({ title: { zh: '观察与访谈记录（随访）' }, rows: 1 });
    // The JSON form inside is the JSON export, byte for byte.
    expect(createHash('sha256').update(files['archive.json']!).digest('hex')).toBe(json1.headers.get('x-content-sha256'));
    for (const n of names.filter((x) => x.endsWith('.csv'))) expect([...files[n]!.subarray(0, 3)], n).toEqual([0xef, 0xbb, 0xbf]);
    expect(text('02-identification-assessment.csv').split('\r\n')[0]).toBe(
      '\uFEFF编号(assessmentId),类型(kind),日期(assessedOn),识别结果(outcome),风险等级(riskLevel),风险因素(riskFactors),评估工具(instrument),得分(score),机构(agencyId),评估人编号(assessorStaffId),备注(notes)',
    );
    // Nothing an agency wrote reaches a spreadsheet as a formula.
    const cells = names
      .filter((x) => x.endsWith('.csv'))
      .flatMap((n) =>
        text(n)
          .replace(/^\uFEFF/, '')
          .split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)|\r\n/),
      );
    for (const c of cells) expect(/^"?[=+\-@]/.test(c), c).toBe(false);
    expect(text('02-identification-assessment.csv')).toContain(`'=HYPERLINK`);
    expect(text('03-follow-up-contacts.csv')).toContain(`'@SUM(1+1)`);
    expect(text('06-care-plans.csv')).toContain(`'-每周一次心理辅导`);
    expect(text('07-care-plan-activities.csv')).toContain(`'+班主任谈心`);
    expect(text('12-withheld.csv')).toContain('NO_CONSENT');
  });

  it('writes one audit event per export naming what it disclosed, and the access report shows it', async () => {
    const { caseId, edu } = await fullCase();
    expect((await edu.get(archive(caseId, 'zip'), { purpose: 'assessment' })).status).toBe(200);
    const events = (await t.scan('audit')).filter((e: any) => e.route?.S === 'GET /v1/cases/{caseId}/archive');
    const mine = events.filter((e: any) => JSON.stringify(e).includes(caseId));
    expect(mine).toHaveLength(1);
    const report = await t.client('officer-zhang', 'officer-zhang').get<any>(`/v1/audit/cases/${caseId}/access-report`);
    expect(report.status).toBe(200);
    const entry = report.body.entries.find((e: any) => e.route === 'GET /v1/cases/{caseId}/archive');
    expect(entry).toMatchObject({ agencyId: 'xz-education', purpose: 'assessment' });
    expect(entry.categories).toEqual(
      expect.arrayContaining(['identity', 'assessment', 'follow_up_contact', 'referral', 'care_plan', 'care_team', 'service_agreement']),
    );
    expect(entry.legalBasis).toContain('own_record');
  });

  it('refuses what it must, with stable codes', async () => {
    const { caseId, edu } = await fullCase();
    const stranger = await t.client('xz-youth-league').get<any>(archive(caseId), { purpose: 'assessment' });
    expect([stranger.status, stranger.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const unknown = await edu.get<any>(archive('case_0000000000000000000000000A'), { purpose: 'assessment' });
    expect(unknown.status).toBe(404);
    const noPurpose = await edu.get<any>(archive(caseId));
    expect([noPurpose.status, noPurpose.body.error.code, noPurpose.body.error.details[0].path]).toEqual([400, 'VALIDATION_FAILED', 'purpose']);
    const badFormat = await edu.get<any>(archive(caseId, 'xlsx'), { purpose: 'assessment' });
    expect([badFormat.status, badFormat.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(badFormat.body.error.message_zh).toBeTruthy();
    // Referral needs an open referral the reader takes part in: the civil-affairs holder has none.
    const notEstablished = await t.client('xz-civil-affairs').get<any>(archive(caseId), { purpose: 'referral' });
    expect([notEstablished.status, notEstablished.body.error.code]).toEqual([403, 'PURPOSE_NOT_ESTABLISHED']);
  });
});
