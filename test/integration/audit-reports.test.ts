/** Privacy officers' reports and alerts through the local hub. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../client/sign-request';
import { startTestHub, type TestHub } from '../support/hub';
import { idNumberFor } from '../support/records';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.hub.close();
});

const officer = () => t.client('officer-zhang', 'officer-zhang');

describe('access report', () => {
  it('lists every disclosure of the child’s data with agency, staff member, purpose and legal basis, in JSON and CSV', async () => {
    const child = {
      name: '旦增曲珍',
      sex: 'F',
      birthDate: '2011-11-11',
      idNumber: idNumberFor('540102', '2011-11-11', 44),
      householdRegion: '540102',
      categories: [],
    };
    const civil = await t.client('xz-civil-affairs', 'worker-1').post<any>('/v1/records', { externalId: 'AR-1', ...child });
    await t.client('xz-education', 'teacher-2').post<any>('/v1/records', { externalId: 'AR-1E', ...child });
    const caseId = civil.body.caseId;
    await t.client('xz-civil-affairs', 'worker-1').get(`/v1/records/${civil.body.recordId}`);
    const consent = await t.client('xz-civil-affairs').post<any>('/v1/consents', {
      caseId,
      grantor: { type: 'guardian', name: '旦增', relation: 'father' },
      purposes: ['assessment'],
      dataCategories: ['identity'],
      recipients: [{ agencyType: 'education' }],
      validFrom: new Date(Date.now() - 60_000).toISOString(),
      validUntil: new Date(Date.now() + 86_400_000).toISOString(),
      evidence: { documentRef: 'd', sha256: 'c'.repeat(64), collectedBy: 'w', collectedAt: new Date().toISOString() },
    });
    await t.client('xz-education', 'teacher-2').get(`/v1/cases/${caseId}`, { purpose: 'assessment' });
    await t.client('xz-education', 'teacher-2').post(`/v1/cases/${caseId}/emergency`, { reason: '学生出现危机，需要立即协调' });

    const report = await officer().get<any>(`/v1/audit/cases/${caseId}/access-report`);
    const bases = report.body.entries.map((e: any) => [e.agencyId, e.sub, e.route, e.legalBasis.join('+')]);
    expect(bases).toEqual(
      expect.arrayContaining([
        ['xz-civil-affairs', 'worker-1', 'GET /v1/records/{recordId}', 'own_record'],
        ['xz-education', 'teacher-2', 'GET /v1/cases/{caseId}', 'consent+own_record'],
        ['xz-education', 'teacher-2', 'POST /v1/cases/{caseId}/emergency', 'emergency'],
      ]),
    );
    const viaConsent = report.body.entries.find((e: any) => e.route === 'GET /v1/cases/{caseId}');
    expect(viaConsent).toMatchObject({ purpose: 'assessment', consentIds: [consent.body.consentId] });
    expect(viaConsent.categories).toContain('identity');

    const csv = await officer().get<string>(`/v1/audit/cases/${caseId}/access-report?format=csv`);
    expect(csv.body.split('\r\n')[0]).toBe(
      'time(时间),agencyId(机构),sub(经办人),purpose(目的),legalBasis(法律依据),consentIds(同意编号),categories(信息类别),route(操作),eventId',
    );
    expect(csv.body).toContain(consent.body.consentId);
  });
});

describe('alerts', () => {
  it('notifies officers once of failed signatures for a known agency, a staff member reading too much, emergency access and denied bursts', async () => {
    // Failed signatures presenting women's federation's key id: signed with education's key.
    const wrong = {
      ...t.province.agencies['xz-education']!.credentials.privateJwk,
      kid: t.province.agencies['xz-womens-federation']!.credentials.privateJwk.kid,
    };
    for (let i = 0; i < 2; i++) {
      const authorization = await signRequest(
        { agencyId: 'xz-womens-federation', privateJwk: wrong },
        { hubId: 'xinqiao-540000', method: 'GET', pathWithQuery: '/v1/notifications' },
      );
      expect((await t.raw('GET', '/v1/notifications', { authorization })).status).toBe(401);
    }
    // A staff member reading many records.
    const pub = await t.client('xz-womens-federation').post<any>('/v1/records', { externalId: 'AL-1', name: '央金', categories: [] });
    for (let i = 0; i < 5; i++) await t.client('xz-womens-federation', 'curious-7').get(`/v1/records/${pub.body.recordId}`);
    // Denied requests by a verified agency.
    for (let i = 0; i < 5; i++) await t.client('xz-youth-league').get('/v1/ledger');

    const run = await officer().post<any>('/v1/audit/alerts/run', {});
    const kinds = run.body.alerts.map((a: any) => `${a.kind}:${a.agencyId}${a.sub ? `:${a.sub}` : ''}`);
    expect(kinds).toEqual(
      expect.arrayContaining(['failed_signatures:xz-womens-federation', 'read_rate_staff:xz-womens-federation:curious-7', 'denied_burst:xz-youth-league']),
    );

    await officer().post<any>('/v1/audit/alerts/run', {});
    const notes = (await officer().get<any>('/v1/audit/notifications')).body.items;
    const alertNotes = notes.filter((n: any) => n.kind === 'alert');
    expect(alertNotes.filter((n: any) => n.alert.kind === 'failed_signatures')).toHaveLength(1); // once, however often the job runs
    expect(notes.some((n: any) => n.kind === 'emergency_access')).toBe(true);
  });
});
