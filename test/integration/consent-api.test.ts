/**
 * Consent-gated disclosure end to end. Each scenario builds its own case: one child
 * known to civil affairs (holder), health (holder) and education (the reader).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../support/hub';
import { idNumberFor } from '../support/records';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.hub.close();
});

const IDENTITY = ['birthDate', 'externalId', 'householdRegion', 'idNumber', 'name', 'sex'];
let n = 0;

async function makeCase() {
  n++;
  const birth = `2012-0${1 + (n % 9)}-1${n % 10}`;
  const child = {
    name: `测试儿童${'甲乙丙丁戊己庚辛壬癸'[n % 10]}${n}`,
    sex: 'F',
    birthDate: birth,
    idNumber: idNumberFor('540102', birth, 100 + n * 2),
    householdRegion: '540102',
    currentRegion: '540102',
    address: `城关区幸福路${n}号`,
    guardian: { name: '监护人', phone: `1380000${String(n).padStart(4, '0')}`, relation: 'mother' },
    school: '城关区第一小学',
    categories: ['left_behind'],
  };
  const civil = await t
    .client('xz-civil-affairs')
    .post<any>('/v1/records', { externalId: `MZ-C${n}`, ...child, assessment: { assessedOn: '2024-01-01', summary: '情绪低落' } });
  const health = await t
    .client('xz-health')
    .post<any>('/v1/records', { externalId: `WJ-C${n}`, ...child, treatment: { institution: '自治区精神卫生中心', diagnosis: '抑郁发作' } });
  const edu = await t.client('xz-education').post<any>('/v1/records', { externalId: `JY-C${n}`, ...child });
  expect(new Set([civil.body.caseId, health.body.caseId, edu.body.caseId]).size).toBe(1);
  return { caseId: civil.body.caseId as string, civil: civil.body, health: health.body, edu: edu.body };
}

function consent(caseId: string, overrides: Record<string, unknown> = {}) {
  return {
    caseId,
    grantor: { type: 'guardian', name: '卓玛', relation: 'mother' },
    purposes: ['assessment'],
    dataCategories: ['identity', 'contact'],
    recipients: [{ agencyType: 'education' }],
    validFrom: new Date(Date.now() - 86_400_000).toISOString(),
    validUntil: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    evidence: { documentRef: 'MZ-2024-同意书-001', sha256: 'a'.repeat(64), collectedBy: 'worker-7', collectedAt: new Date().toISOString() },
    ...overrides,
  };
}

async function record(agency: string, body: unknown) {
  const res = await t.client(agency).post<any>('/v1/consents', body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function read(caseId: string, purpose = 'assessment', agency = 'xz-education') {
  const res = await t.client(agency).get<any>(`/v1/cases/${caseId}`, { purpose });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** fields returned per holder kind, and withheld (category, reason) pairs, in a stable form. */
function summary(view: any, c: { civil: any; health: any; edu: any }) {
  const fieldsOf = (recordId: string) => Object.keys(view.records.find((r: any) => r.recordId === recordId)?.fields ?? {}).sort();
  const withheld = [...new Set(view.withheld.map((w: any) => `${w.category}:${w.reason}`))].sort();
  return { civil: fieldsOf(c.civil.recordId), health: fieldsOf(c.health.recordId), own: fieldsOf(c.edu.recordId), withheld };
}

const ALL_WITHHELD = (reason: string, extra: string[] = []) =>
  [
    ...['assessment', 'contact', 'family', 'identity', 'school'].map((cat) => `${cat}:${reason}`),
    'diagnosis_treatment:NO_CONSENT',
    'hotline:NO_CONSENT',
    ...extra,
  ].sort();

describe('consent gate', () => {
  it('requires a declared purpose', async () => {
    const c = await makeCase();
    const res = await t.client('xz-education').get<any>(`/v1/cases/${c.caseId}`);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ path: 'purpose', message: expect.stringContaining('purpose') }]);
  });

  it('table: exactly which fields come back and which are withheld, and why', async () => {
    const OWN = ['address', 'birthDate', 'categories', 'currentRegion', 'externalId', 'guardian', 'householdRegion', 'idNumber', 'name', 'school', 'sex'];
    const scenarios: { name: string; setup: (caseId: string) => Promise<void>; purpose?: string; expect: (c: any) => ReturnType<typeof summary> }[] = [
      {
        name: 'no consent',
        setup: async () => undefined,
        expect: () => ({ civil: [], health: [], own: OWN, withheld: ALL_WITHHELD('NO_CONSENT') }),
      },
      {
        name: 'wrong purpose',
        setup: async (caseId) => void (await record('xz-civil-affairs', consent(caseId, { purposes: ['referral'] }))),
        expect: () => ({
          civil: [],
          health: [],
          own: OWN,
          withheld: [
            'assessment:NO_CONSENT',
            'contact:PURPOSE_NOT_COVERED',
            'diagnosis_treatment:NO_CONSENT',
            'family:NO_CONSENT',
            'hotline:NO_CONSENT',
            'identity:PURPOSE_NOT_COVERED',
            'school:NO_CONSENT',
          ],
        }),
      },
      {
        name: 'wrong recipient',
        setup: async (caseId) => void (await record('xz-civil-affairs', consent(caseId, { recipients: [{ agencyType: 'womens_federation' }] }))),
        expect: () => ({
          civil: [],
          health: [],
          own: OWN,
          withheld: [
            'assessment:NO_CONSENT',
            'contact:RECIPIENT_NOT_COVERED',
            'diagnosis_treatment:NO_CONSENT',
            'family:NO_CONSENT',
            'hotline:NO_CONSENT',
            'identity:RECIPIENT_NOT_COVERED',
            'school:NO_CONSENT',
          ],
        }),
      },
      {
        name: 'withdrawn',
        setup: async (caseId) => {
          const c = await record('xz-civil-affairs', consent(caseId));
          const w = await t.client('xz-health').post<any>(`/v1/consents/${c.consentId}/withdraw`, { reason: '监护人撤回' });
          expect(w.body).toMatchObject({ status: 'withdrawn' });
        },
        expect: () => ({
          civil: [],
          health: [],
          own: OWN,
          withheld: [
            'assessment:NO_CONSENT',
            'contact:WITHDRAWN',
            'diagnosis_treatment:NO_CONSENT',
            'family:NO_CONSENT',
            'hotline:NO_CONSENT',
            'identity:WITHDRAWN',
            'school:NO_CONSENT',
          ],
        }),
      },
      {
        name: 'expired',
        setup: async (caseId) =>
          void (await record(
            'xz-civil-affairs',
            consent(caseId, { validFrom: new Date(Date.now() - 9e8).toISOString(), validUntil: new Date(Date.now() - 1000).toISOString() }),
          )),
        expect: () => ({
          civil: [],
          health: [],
          own: OWN,
          withheld: [
            'assessment:NO_CONSENT',
            'contact:EXPIRED',
            'diagnosis_treatment:NO_CONSENT',
            'family:NO_CONSENT',
            'hotline:NO_CONSENT',
            'identity:EXPIRED',
            'school:NO_CONSENT',
          ],
        }),
      },
      {
        name: 'not yet valid',
        setup: async (caseId) => void (await record('xz-civil-affairs', consent(caseId, { validFrom: new Date(Date.now() + 86_400_000).toISOString() }))),
        expect: () => ({ civil: [], health: [], own: OWN, withheld: ALL_WITHHELD('NO_CONSENT') }),
      },
      {
        name: 'some categories only, covering only the recorder until the other holder confirms',
        setup: async (caseId) => void (await record('xz-civil-affairs', consent(caseId, { dataCategories: ['identity'] }))),
        expect: () => ({
          civil: IDENTITY,
          health: [],
          own: OWN,
          withheld: [
            'assessment:NO_CONSENT',
            'contact:NO_CONSENT',
            'diagnosis_treatment:NO_CONSENT',
            'family:NO_CONSENT',
            'hotline:NO_CONSENT',
            'identity:NOT_CONFIRMED',
            'school:NO_CONSENT',
          ],
        }),
      },
      {
        name: 'some categories only, confirmed by the other holder',
        setup: async (caseId) => {
          const c = await record('xz-civil-affairs', consent(caseId, { dataCategories: ['identity'] }));
          expect((await t.client('xz-health').post<any>(`/v1/consents/${c.consentId}/confirm`, {})).status).toBe(200);
        },
        expect: () => ({
          civil: IDENTITY,
          health: IDENTITY,
          own: OWN,
          withheld: [
            'assessment:NO_CONSENT',
            'contact:NO_CONSENT',
            'diagnosis_treatment:NO_CONSENT',
            'family:NO_CONSENT',
            'hotline:NO_CONSENT',
            'school:NO_CONSENT',
          ],
        }),
      },
      {
        name: 'emergency',
        setup: async (caseId) => {
          const e = await t.client('xz-education').post<any>(`/v1/cases/${caseId}/emergency`, { reason: '学生在校出现自伤行为，需立即了解诊疗情况' });
          expect(e.status).toBe(201);
        },
        expect: () => ({
          civil: [
            'assessment',
            'birthDate',
            'categories',
            'currentRegion',
            'externalId',
            'guardian',
            'householdRegion',
            'idNumber',
            'name',
            'address',
            'school',
            'sex',
          ].sort(),
          health: [
            'birthDate',
            'categories',
            'currentRegion',
            'externalId',
            'guardian',
            'householdRegion',
            'idNumber',
            'name',
            'address',
            'school',
            'sex',
            'treatment',
          ].sort(),
          own: OWN,
          withheld: [],
        }),
      },
    ];
    for (const s of scenarios) {
      const c = await makeCase();
      await s.setup(c.caseId);
      expect(summary(await read(c.caseId, s.purpose), c), s.name).toEqual(s.expect(c));
    }
  });

  it('shows other holders only as opaque labels, and names each one under a case_coordination consent it recorded or confirmed', async () => {
    const c = await makeCase();
    const before = await read(c.caseId);
    expect(new Set(before.withheld.map((w: any) => w.agency))).toEqual(new Set(['holder:1', 'holder:2']));
    const given = await record('xz-civil-affairs', consent(c.caseId, { purposes: ['case_coordination'], dataCategories: ['identity', 'contact'] }));
    const recorderOnly = await read(c.caseId, 'case_coordination');
    expect(recorderOnly.records.map((r: any) => r.holder).sort()).toEqual(['xz-civil-affairs', 'xz-education']);
    // Health neither recorded nor confirmed it: still a label, the same one as before.
    const healthLabels = new Set(recorderOnly.withheld.filter((w: any) => w.agency !== 'xz-civil-affairs').map((w: any) => w.agency));
    expect(healthLabels.size).toBe(1);
    expect(['holder:1', 'holder:2']).toContain([...healthLabels][0]);
    expect(JSON.stringify(recorderOnly)).not.toContain('xz-health');
    await t.client('xz-health').post<any>(`/v1/consents/${given.consentId}/confirm`, {});
    const after = await read(c.caseId, 'case_coordination');
    expect(after.records.map((r: any) => r.holder).sort()).toEqual(['xz-civil-affairs', 'xz-education', 'xz-health']);
    expect(after.records.find((r: any) => r.holder === 'xz-health')).toMatchObject({ agencyType: 'health', holderName: { zh: 'xz-health', en: 'xz-health' } });
    expect(before.records.every((r: any) => r.own || r.holderName === undefined)).toBe(true);
  });

  it('tells holders that another agency linked a record, without saying who', async () => {
    const c = await makeCase();
    const notes = await t.client('xz-civil-affairs').get<any>('/v1/notifications');
    const mine = notes.body.items.filter((x: any) => x.caseId === c.caseId);
    expect(mine.length).toBe(2); // health, then education linked
    for (const note of mine)
      expect(note).toEqual({
        notificationId: expect.any(String),
        at: expect.any(String),
        kind: 'record_linked',
        caseId: c.caseId,
        severity: 'info',
        signature: expect.any(String),
      });
    expect(c.edu.otherHolders).toBe(true);
  });

  it('answers 404 to an agency with no record in the case, for reads and for consent', async () => {
    const c = await makeCase();
    expect((await t.client('xz-youth-league').get<any>(`/v1/cases/${c.caseId}`, { purpose: 'assessment' })).status).toBe(404);
    expect((await t.client('xz-youth-league').post<any>('/v1/consents', consent(c.caseId))).status).toBe(404);
    expect((await t.client('xz-youth-league').get<any>(`/v1/consents?caseId=${c.caseId}`)).status).toBe(404);
  });

  it('accepts the child’s own consent only from 14, by the recording agency’s birth date', async () => {
    const c = await makeCase();
    const young = await t.client('xz-civil-affairs').post<any>('/v1/records', {
      externalId: 'MZ-YOUNG',
      name: '小孩',
      sex: 'M',
      birthDate: '2019-01-01',
      householdRegion: '540102',
      categories: [],
    });
    const childGrantor = { type: 'child', name: '本人' };
    const tooYoung = await t.client('xz-civil-affairs').post<any>('/v1/consents', consent(young.body.caseId, { grantor: childGrantor }));
    expect(tooYoung.status).toBe(400);
    expect(tooYoung.body.error.details[0].path).toBe('grantor.type');
    const older = await t.client('xz-civil-affairs').post<any>('/v1/records', {
      externalId: 'MZ-OLDER',
      name: '青少年',
      sex: 'F',
      birthDate: '2009-01-01',
      householdRegion: '540102',
      categories: [],
    });
    await record('xz-civil-affairs', consent(older.body.caseId, { grantor: childGrantor }));
    expect(c.caseId).toMatch(/^case_/);
  });

  it('lets only civil affairs record consent as guardian, and only for a child its own record shows in its care', async () => {
    const c = await makeCase();
    const asGuardian = { grantor: { type: 'civil_affairs_guardian', institution: '拉萨市儿童福利院' } };
    const res = await t.client('xz-health').post<any>('/v1/consents', consent(c.caseId, asGuardian));
    expect(res.status).toBe(403);
    const notInCare = await t.client('xz-civil-affairs').post<any>('/v1/consents', consent(c.caseId, asGuardian));
    expect(notInCare.status).toBe(400);
    expect(notInCare.body.error.details).toEqual([
      { path: 'grantor.type', message: expect.stringContaining('institution'), message_zh: expect.stringContaining('监护') },
    ]);
  });

  it('audits every gate decision: purpose, legal basis, consent ids, categories disclosed and withheld', async () => {
    const c = await makeCase();
    const given = await record('xz-civil-affairs', consent(c.caseId, { dataCategories: ['identity'] }));
    const view = await read(c.caseId);
    const event = (await t.scan('audit')).find((e: any) => e.route.S === 'GET /v1/cases/{caseId}' && e.recordIds?.SS?.includes(c.civil.recordId)) as any;
    const disclosure = JSON.parse(event.disclosure.S);
    expect(disclosure).toMatchObject({ purpose: 'assessment', legalBasis: expect.arrayContaining(['own_record', 'consent']), consentIds: [given.consentId] });
    expect(disclosure.withheld.length).toBe(view.withheld.length);
    expect(event.purpose.S).toBe('assessment');
  });

  it('audits emergency access at high severity, notifies privacy officers, and lists it on the case ever after', async () => {
    const c = await makeCase();
    const e = await t.client('xz-education').post<any>(`/v1/cases/${c.caseId}/emergency`, { reason: '紧急危机干预需要完整信息', hours: 1 });
    expect(Date.parse(e.body.expiresAt) - Date.parse(e.body.openedAt)).toBe(3_600_000);
    const event = (await t.scan('audit')).find((x: any) => x.route.S === 'POST /v1/cases/{caseId}/emergency' && x.status.N === '201') as any;
    expect(event.severity.S).toBe('high');
    const notes = await t.scan('notifications');
    expect(
      notes.some(
        (x: any) => x.recipient.S === 'privacy-officers' && x.kind.S === 'emergency_access' && x.caseId.S === c.caseId && x.byAgency.S === 'xz-education',
      ),
    ).toBe(true);
    const listed = await t.client('xz-civil-affairs').get<any>(`/v1/consents?caseId=${c.caseId}`);
    // Who opened it is another holder: shown by its label, not its name.
    expect(listed.body.emergencies).toEqual([
      { grantId: e.body.grantId, caseId: c.caseId, agency: expect.stringMatching(/^holder:\d$/), openedAt: e.body.openedAt, expiresAt: e.body.expiresAt },
    ]);
    expect(JSON.stringify(listed.body)).not.toContain('xz-education');
  });

  it('takes a withdrawal into account on the very next request, even with reads racing it', async () => {
    const c = await makeCase();
    const given = await record('xz-civil-affairs', consent(c.caseId, { dataCategories: ['identity'] }));
    const racing = Array.from({ length: 6 }, () => read(c.caseId));
    const withdrawal = t.client('xz-civil-affairs').post<any>(`/v1/consents/${given.consentId}/withdraw`, {});
    const views = await Promise.all(racing);
    await withdrawal;
    for (const v of views) {
      const civilFields = Object.keys(v.records.find((r: any) => r.recordId === c.civil.recordId)?.fields ?? {});
      expect([[], IDENTITY]).toContainEqual(civilFields.sort()); // all of the consent or nothing, never a mix
    }
    const after = await read(c.caseId);
    expect(after.records.find((r: any) => r.recordId === c.civil.recordId)).toBeUndefined();
    expect(after.withheld).toContainEqual({ agency: 'holder:1', category: 'identity', reason: 'WITHDRAWN' });
  });

  it('keeps grantor names, document references and reasons sealed', async () => {
    const dump = JSON.stringify(await t.scan('cases'));
    for (const secret of ['卓玛', 'MZ-2024-同意书', 'worker-7', '监护人撤回', '自伤行为']) expect(dump.includes(secret), secret).toBe(false);
  });
});
