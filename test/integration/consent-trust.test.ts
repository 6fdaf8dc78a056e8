/**
 * No self-granted consent, and nothing leaks who holds a child (issue 8, points 1 and 2), over HTTP on DynamoDB
 * Local. Each scenario builds its own case: one child known to civil affairs, health and education.
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

let n = 0;
const officer = () => t.client('officer-zhang', 'officer-zhang');

async function makeCase(options: { civilGuardian?: 'institution' | 'mother' } = {}) {
  n++;
  const birth = `2011-0${1 + (n % 9)}-2${n % 10}`;
  const child = {
    name: `信任测试${'甲乙丙丁戊己庚辛壬癸'[n % 10]}${n}`,
    sex: 'M',
    birthDate: birth,
    idNumber: idNumberFor('540103', birth, 300 + n * 2),
    householdRegion: '540103',
    categories: ['orphan'],
  };
  const civil = await t.client('xz-civil-affairs').post<any>('/v1/records', {
    externalId: `TR-C${n}`,
    ...child,
    guardian: { name: '拉萨市儿童福利院', relation: options.civilGuardian ?? 'mother' },
  });
  const health = await t.client('xz-health').post<any>('/v1/records', {
    externalId: `TR-H${n}`,
    ...child,
    treatment: { institution: '自治区精神卫生中心', diagnosis: '创伤后应激障碍' },
    family: { situation: '父母双亡', notes: '家访记录：祖母年迈' },
  });
  const edu = await t.client('xz-education').post<any>('/v1/records', { externalId: `TR-E${n}`, ...child, school: '城关区实验小学' });
  expect(new Set([civil.body.caseId, health.body.caseId, edu.body.caseId]).size).toBe(1);
  return { caseId: civil.body.caseId as string, civil: civil.body, health: health.body, edu: edu.body };
}

let form = 0;
function consent(caseId: string, overrides: Record<string, unknown> = {}) {
  form++;
  return {
    caseId,
    grantor: { type: 'guardian', name: '次仁', relation: 'grandparent' },
    purposes: ['assessment'],
    dataCategories: ['diagnosis_treatment', 'family'],
    recipients: [{ agencyType: 'education' }],
    validFrom: new Date(Date.now() - 86_400_000).toISOString(),
    validUntil: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    evidence: {
      documentRef: `TR-同意书-${form}`,
      sha256: form.toString(16).padStart(64, '0'),
      collectedBy: 'teacher-9',
      collectedAt: new Date().toISOString(),
    },
    ...overrides,
  };
}

async function record(agency: string, body: unknown) {
  const res = await t.client(agency).post<any>('/v1/consents', body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function view(caseId: string, purpose = 'assessment', agency = 'xz-education') {
  const res = await t.client(agency).get<any>(`/v1/cases/${caseId}`, { purpose });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

const healthFields = (v: any, recordId: string) => Object.keys(v.records.find((r: any) => r.recordId === recordId)?.fields ?? {}).sort();

describe('no self-granted consent', () => {
  it("education's own 'guardian' consent naming itself does not open health's diagnosis and family notes until health confirms; taking the confirmation or the consent back closes them on the next request", async () => {
    const c = await makeCase();
    const self = await record('xz-education', consent(c.caseId));
    expect(self).toMatchObject({ recordedBy: 'xz-education', yourRecords: 'recorded', confirmations: [] });

    const before = await view(c.caseId);
    expect(healthFields(before, c.health.recordId)).toEqual([]);
    expect(before.withheld).toEqual(expect.arrayContaining([expect.objectContaining({ category: 'diagnosis_treatment', reason: 'NOT_CONFIRMED' })]));
    expect(JSON.stringify(before)).not.toContain('创伤后应激障碍');

    // Health sees the consent, as not covering its records, and confirms it.
    const listed = await t.client('xz-health').get<any>(`/v1/consents?caseId=${c.caseId}`);
    expect(listed.body.consents).toEqual([expect.objectContaining({ consentId: self.consentId, yourRecords: 'not_confirmed' })]);
    const confirmed = await t.client('xz-health').post<any>(`/v1/consents/${self.consentId}/confirm`, {});
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toEqual({ consentId: self.consentId, caseId: c.caseId, confirmation: 'confirmed', at: expect.any(String) });
    const again = await t.client('xz-health').post<any>(`/v1/consents/${self.consentId}/confirm`, {});
    expect(again.body.at).toBe(confirmed.body.at); // idempotent

    const opened = await view(c.caseId);
    expect(healthFields(opened, c.health.recordId)).toEqual(['family', 'treatment']);
    expect(opened.records.find((r: any) => r.recordId === c.health.recordId).fields.treatment.diagnosis).toBe('创伤后应激障碍');
    expect(healthFields(opened, c.civil.recordId)).toEqual([]); // civil affairs never confirmed

    // Health takes its confirmation back: closed on the very next request.
    const taken = await t.client('xz-health').post<any>(`/v1/consents/${self.consentId}/confirm`, { withdraw: true });
    expect(taken.body).toMatchObject({ confirmation: 'withdrawn' });
    expect(healthFields(await view(c.caseId), c.health.recordId)).toEqual([]);

    // Confirmed again, then the consent itself is withdrawn: closed again.
    await t.client('xz-health').post<any>(`/v1/consents/${self.consentId}/confirm`, {});
    expect(healthFields(await view(c.caseId), c.health.recordId)).toEqual(['family', 'treatment']);
    const withdrawn = await t.client('xz-education').post<any>(`/v1/consents/${self.consentId}/withdraw`, { reason: '监护人撤回' });
    expect(withdrawn.status).toBe(200);
    const closed = await view(c.caseId);
    expect(healthFields(closed, c.health.recordId)).toEqual([]);
    expect(closed.withheld).toEqual(expect.arrayContaining([expect.objectContaining({ category: 'diagnosis_treatment', reason: 'WITHDRAWN' })]));
    const late = await t.client('xz-health').post<any>(`/v1/consents/${self.consentId}/confirm`, {});
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('STATE_CONFLICT');
  });

  it('refuses confirmation from the recorder, from non-holders, and a withdrawal of a confirmation never given', async () => {
    const c = await makeCase();
    const given = await record('xz-civil-affairs', consent(c.caseId));
    const own = await t.client('xz-civil-affairs').post<any>(`/v1/consents/${given.consentId}/confirm`, {});
    expect([own.status, own.body.error.code]).toEqual([409, 'STATE_CONFLICT']);
    const outsider = await t.client('xz-youth-league').post<any>(`/v1/consents/${given.consentId}/confirm`, {});
    expect([outsider.status, outsider.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const never = await t.client('xz-health').post<any>(`/v1/consents/${given.consentId}/confirm`, { withdraw: true });
    expect([never.status, never.body.error.code]).toEqual([409, 'STATE_CONFLICT']);
    const unknown = await t.client('xz-health').post<any>('/v1/consents/cns_00000000000000000000000000/confirm', {});
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'NOT_FOUND']);
    // A consent that exists but is not the caller's business answers exactly as one that does not exist.
    expect({ ...outsider.body.error, requestId: '' }).toEqual({ ...unknown.body.error, requestId: '' });
    const bad = await t.client('xz-health').post<any>(`/v1/consents/${given.consentId}/confirm`, { withdraw: 'yes' });
    expect(bad.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'withdraw' }] });
  });

  it('civil affairs as guardian of a child in its care covers every holder without confirmation, and the audit event says so', async () => {
    const c = await makeCase({ civilGuardian: 'institution' });
    const given = await record('xz-civil-affairs', consent(c.caseId, { grantor: { type: 'civil_affairs_guardian', institution: '拉萨市儿童福利院' } }));
    const opened = await view(c.caseId);
    expect(healthFields(opened, c.health.recordId)).toEqual(['family', 'treatment']);
    const events = await officer().get<any>(`/v1/audit/events?caseId=${c.caseId}&route=${encodeURIComponent('GET /v1/cases/{caseId}')}`);
    const read = events.body.items.find((e: any) => e.outcome === 'allow' && e.agencyId === 'xz-education');
    expect(read.disclosure.guardianException).toEqual({ rule: 'civil_affairs_guardian', consentIds: [given.consentId], holders: ['xz-health'] });
    const recorded = (await officer().get<any>(`/v1/audit/events?caseId=${c.caseId}&route=${encodeURIComponent('POST /v1/consents')}`)).body.items;
    expect(recorded).toEqual([
      expect.objectContaining({
        outcome: 'allow',
        disclosure: expect.objectContaining({ guardianException: expect.objectContaining({ rule: 'civil_affairs_guardian', consentIds: [given.consentId] }) }),
      }),
    ]);
  });

  it('one signed form is one consent: a retry answers the same consent, and the same form with other terms is refused', async () => {
    const c = await makeCase();
    const body = consent(c.caseId);
    const first = await record('xz-civil-affairs', body);
    const retry = await t.client('xz-civil-affairs').post<any>('/v1/consents', body);
    expect([retry.status, retry.body.consentId]).toEqual([200, first.consentId]);
    const other = await t.client('xz-civil-affairs').post<any>('/v1/consents', { ...body, purposes: ['referral'] });
    expect([other.status, other.body.error.code]).toEqual([409, 'STATE_CONFLICT']);
    const listed = await t.client('xz-civil-affairs').get<any>(`/v1/consents?caseId=${c.caseId}`);
    expect(listed.body.consents).toHaveLength(1);
    const notes = (await t.client('xz-health').get<any>('/v1/notifications')).body.items.filter((x: any) => x.consentId === first.consentId);
    expect(notes).toHaveLength(1); // the retry repaired nothing twice
  });
});

describe('notifications about consent', () => {
  it('tell every other holder the consent id, never the recorder; a withdrawal tells the same holders', async () => {
    const c = await makeCase();
    const given = await record('xz-education', consent(c.caseId));
    for (const holder of ['xz-civil-affairs', 'xz-health']) {
      const items = (await t.client(holder).get<any>('/v1/notifications')).body.items.filter((x: any) => x.consentId === given.consentId);
      expect(items).toEqual([
        {
          notificationId: expect.any(String),
          at: given.recordedAt,
          kind: 'consent_recorded',
          caseId: c.caseId,
          consentId: given.consentId,
          severity: 'info',
          signature: expect.any(String),
        },
      ]);
      // Nor does the hub's signature: its claims are the same fields, for this holder.
      const claims = Buffer.from(items[0].signature.split('.')[1], 'base64url').toString();
      expect(`${JSON.stringify(items)}${claims}`).not.toContain('education');
    }
    const mine = (await t.client('xz-education').get<any>('/v1/notifications')).body.items.filter((x: any) => x.consentId === given.consentId);
    expect(mine).toEqual([]);

    await t.client('xz-health').post<any>(`/v1/consents/${given.consentId}/withdraw`, {});
    const twice = await t.client('xz-health').post<any>(`/v1/consents/${given.consentId}/withdraw`, {});
    expect(twice.status).toBe(200); // idempotent: the first withdrawal stands
    for (const holder of ['xz-civil-affairs', 'xz-education']) {
      const items = (await t.client(holder).get<any>('/v1/notifications')).body.items.filter(
        (x: any) => x.kind === 'consent_withdrawn' && x.consentId === given.consentId,
      );
      expect(items).toEqual([
        {
          notificationId: expect.any(String),
          at: twice.body.withdrawnAt,
          kind: 'consent_withdrawn',
          caseId: c.caseId,
          consentId: given.consentId,
          severity: 'info',
          signature: expect.any(String),
        },
      ]);
      const claims = Buffer.from(items[0].signature.split('.')[1], 'base64url').toString();
      expect(`${JSON.stringify(items)}${claims}`).not.toContain('health');
    }
  });
});

describe('consent validation', () => {
  const post = (body: unknown) => t.client('xz-civil-affairs').post<any>('/v1/consents', body);

  it('refuses a consent without evidence.documentRef or collectedAt, or with a digest that is not SHA-256 hex, naming each field in Chinese and English', async () => {
    const c = await makeCase();
    const base = consent(c.caseId);
    const { documentRef: _d, collectedAt: _c, ...partial } = base.evidence;
    const missing = await post({ ...base, evidence: { ...partial, sha256: 'not-a-digest' } });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.any(String), message_zh: '请求内容校验失败' });
    const byPath = Object.fromEntries(missing.body.error.details.map((d: any) => [d.path, d]));
    expect(Object.keys(byPath).sort()).toEqual(['evidence.collectedAt', 'evidence.documentRef', 'evidence.sha256']);
    expect(byPath['evidence.documentRef'].message_zh).toBe('缺少必填字段');
    expect(byPath['evidence.sha256']).toEqual({
      path: 'evidence.sha256',
      message: expect.stringContaining('64 hexadecimal'),
      message_zh: expect.stringContaining('SHA-256'),
    });
    const short = await post({ ...base, evidence: { ...base.evidence, sha256: 'a'.repeat(63) } });
    expect(short.body.error.details).toEqual([expect.objectContaining({ path: 'evidence.sha256' })]);
    const future = await post({ ...base, evidence: { ...base.evidence, collectedAt: new Date(Date.now() + 86_400_000).toISOString() } });
    expect(future.body.error.details).toEqual([{ path: 'evidence.collectedAt', message: 'must not be in the future', message_zh: '不能晚于当前时间' }]);
    const noEvidence = await post({ ...base, evidence: undefined });
    expect(noEvidence.body.error.details).toEqual([expect.objectContaining({ path: 'evidence', message_zh: '缺少必填字段' })]);
  });

  it('refuses duplicate or too many values in purposes, categories and recipients, naming the offending item', async () => {
    const c = await makeCase();
    const base = consent(c.caseId);
    const dup = await post({ ...base, purposes: ['assessment', 'referral', 'assessment'], recipients: [{ agencyType: 'health' }, { agencyType: 'health' }] });
    expect(dup.status).toBe(400);
    expect(dup.body.error.details).toEqual([
      { path: 'purposes.2', message: 'duplicate value', message_zh: '重复的值' },
      { path: 'recipients.1', message: 'duplicate value', message_zh: '重复的值' },
    ]);
    const many = await post({ ...base, dataCategories: [...Array(8)].map(() => 'identity') });
    expect(many.body.error.details[0]).toEqual({ path: 'dataCategories', message: 'at most 7 values', message_zh: '最多 7 项' });
    const none = await post({ ...base, recipients: [] });
    expect(none.body.error.details).toEqual([{ path: 'recipients', message: 'must name at least one value', message_zh: '至少填写一项' }]);
    const stranger = await post({ ...base, recipients: [{ agencyId: 'xz-nobody' }] });
    expect(stranger.body.error.details).toEqual([
      { path: 'recipients.0.agencyId', message: 'not a registered agency system', message_zh: '不是已登记的机构系统' },
    ]);
  });
});

describe('nothing leaks who holds a child', () => {
  it('history and the consents listing show other holders as the case view labels, and name a holder only under a case_coordination consent it confirmed', async () => {
    const c = await makeCase();
    // The coordinator (civil affairs) reads history; health and education are other holders.
    const coordination = await record(
      'xz-education',
      consent(c.caseId, { purposes: ['case_coordination'], dataCategories: ['identity'], recipients: [{ agencyType: 'civil_affairs' }] }),
    );
    const caseView = await view(c.caseId, 'case_coordination', 'xz-civil-affairs');
    const labelOf = (recordId: string) => caseView.records.find((r: any) => r.recordId === recordId)?.holder;
    const history = await t.client('xz-civil-affairs').get<any>(`/v1/cases/${c.caseId}/history`);
    expect(history.status).toBe(200);
    const member = (recordId: string) => history.body.members.find((m: any) => m.recordId === recordId);
    // Education recorded a case_coordination consent for identity: it is named; health, which confirmed nothing, is not.
    expect(member(c.edu.recordId)).toMatchObject({ holder: 'xz-education', agencyType: 'education' });
    expect(labelOf(c.edu.recordId)).toBe('xz-education');
    expect(member(c.health.recordId).holder).toMatch(/^holder:\d$/);
    expect(member(c.health.recordId).agencyType).toBeUndefined();
    expect(caseView.withheld.map((w: any) => w.agency)).toContain(member(c.health.recordId).holder); // the case view's label
    expect(member(c.civil.recordId)).toMatchObject({ holder: 'xz-civil-affairs', agencyType: 'civil_affairs' });
    const dump = JSON.stringify(history.body);
    expect(dump).not.toContain('xz-health');
    expect(dump).not.toContain('"health"');

    // The consents listing, read by health: the recorder and the emergency's agency as labels.
    await t.client('xz-education').post<any>(`/v1/cases/${c.caseId}/emergency`, { reason: '学生在校出现自伤行为，需立即协调' });
    const healthList = await t.client('xz-health').get<any>(`/v1/consents?caseId=${c.caseId}`);
    const healthView = await view(c.caseId, 'assessment', 'xz-health');
    expect(healthList.body.consents[0].recordedBy).toMatch(/^holder:\d$/);
    expect(healthList.body.emergencies[0].agency).toBe(healthList.body.consents[0].recordedBy);
    expect(new Set(healthView.withheld.map((w: any) => w.agency))).toContain(healthList.body.consents[0].recordedBy);
    expect(JSON.stringify(healthList.body)).not.toMatch(/xz-education|xz-civil-affairs/);

    // Health confirms the coordination consent: now the coordinator may name health as well.
    await t.client('xz-health').post<any>(`/v1/consents/${coordination.consentId}/confirm`, {});
    const named = await t.client('xz-civil-affairs').get<any>(`/v1/cases/${c.caseId}/history`);
    expect(named.body.members.find((m: any) => m.recordId === c.health.recordId)).toMatchObject({ holder: 'xz-health', agencyType: 'health' });
    const listedByCivil = await t.client('xz-civil-affairs').get<any>(`/v1/consents?caseId=${c.caseId}`);
    expect(listedByCivil.body.consents[0]).toMatchObject({
      recordedBy: 'xz-education',
      confirmations: [{ holder: 'xz-health', confirmedAt: expect.any(String) }],
    });
  });

  it('what the case view withholds does not tell what a holder holds', async () => {
    const c = await makeCase();
    const v = await view(c.caseId);
    // Health holds a diagnosis and family notes, civil affairs holds neither: the withheld lists cannot tell them apart.
    const byHolder = new Map<string, string[]>();
    for (const w of v.withheld) byHolder.set(w.agency, [...(byHolder.get(w.agency) ?? []), `${w.category}:${w.reason}`].sort());
    expect(byHolder.size).toBe(2);
    const [a, b] = [...byHolder.values()];
    expect(a).toEqual(b);
    expect(a).toHaveLength(7);
  });

  it('the ledger names only the agency types of holders that may be identified', async () => {
    const c = await makeCase();
    const row = async () => (await t.client('xz-civil-affairs').get<any>('/v1/ledger?limit=200')).body.items.find((r: any) => r.caseId === c.caseId);
    expect(Object.keys((await row()).agencyTypes)).toEqual(['civil_affairs']);
    const coordination = await record(
      'xz-health',
      consent(c.caseId, { purposes: ['case_coordination'], dataCategories: ['identity'], recipients: [{ agencyType: 'civil_affairs' }] }),
    );
    expect(Object.keys((await row()).agencyTypes).sort()).toEqual(['civil_affairs', 'health']);
    await t.client('xz-education').post<any>(`/v1/consents/${coordination.consentId}/confirm`, {});
    expect(Object.keys((await row()).agencyTypes).sort()).toEqual(['civil_affairs', 'education', 'health']);
  });
});

describe('audit by case', () => {
  it("officers' event search by case finds record, confirm, withdraw and emergency events, allowed or denied", async () => {
    const c = await makeCase();
    const given = await record('xz-civil-affairs', consent(c.caseId));
    await t.client('xz-health').post<any>(`/v1/consents/${given.consentId}/confirm`, {});
    await t.client('xz-youth-league').post<any>(`/v1/consents/${given.consentId}/withdraw`, {}); // denied: not a holder
    await t.client('xz-education').post<any>(`/v1/consents/${given.consentId}/withdraw`, {});
    await t.client('xz-education').post<any>(`/v1/cases/${c.caseId}/emergency`, { reason: '学生在校出现自伤行为，需立即协调' });
    await t.client('xz-health').get<any>(`/v1/consents?caseId=${c.caseId}`);
    const found = await officer().get<any>(`/v1/audit/events?caseId=${c.caseId}`);
    const seen = found.body.items.map((e: any) => `${e.route} ${e.agencyId} ${e.outcome}`);
    expect(seen).toEqual(
      expect.arrayContaining([
        'POST /v1/consents xz-civil-affairs allow',
        'POST /v1/consents/{consentId}/confirm xz-health allow',
        'POST /v1/consents/{consentId}/withdraw xz-youth-league deny',
        'POST /v1/consents/{consentId}/withdraw xz-education allow',
        'POST /v1/cases/{caseId}/emergency xz-education allow',
        'GET /v1/consents xz-health allow',
      ]),
    );
    for (const e of found.body.items.filter((x: any) => x.route.includes('consent') || x.route.includes('emergency'))) expect(e.caseId).toBe(c.caseId);
    // Exactly one event per request.
    const requestIds = found.body.items.map((e: any) => e.requestId);
    expect(new Set(requestIds).size).toBe(requestIds.length);
  });
});
