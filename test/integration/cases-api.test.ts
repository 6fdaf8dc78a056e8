/** The coordinating role's routes: ledger (filters, CSV), review queue, merge, split, history, role matrix. */
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

const civil = () => t.client('xz-civil-affairs', 'coordinator-1');

async function publish(agency: string, body: Record<string, unknown>) {
  const res = await t.client(agency).post<any>('/v1/records', { categories: [], ...body });
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  return res.body;
}

describe('coordinating role', () => {
  it('refuses every cases route to other agency types with 403 FORBIDDEN', async () => {
    const edu = t.client('xz-education');
    for (const path of ['/v1/ledger', '/v1/reviews', '/v1/cases/case_00000000000000000000000000/history']) {
      const res = await edu.get<any>(path);
      expect(res.status, path).toBe(403);
      expect(res.body.error).toMatchObject({ code: 'FORBIDDEN', message_zh: '仅省级统筹部门可执行此操作' });
    }
    const merge = await edu.post<any>('/v1/cases/case_00000000000000000000000000/merge', { otherCaseId: 'case_00000000000000000000000001', reason: 'x' });
    expect(merge.status).toBe(403);
  });

  it('lists the ledger with filters, one row per case, and exports CSV', async () => {
    const a = await publish('xz-civil-affairs', {
      externalId: 'L-1',
      name: '达瓦央金',
      sex: 'F',
      birthDate: '2011-02-02',
      idNumber: idNumberFor('540102', '2011-02-02', 20),
      householdRegion: '540102',
      categories: ['orphan'],
      riskLevel: 'high',
    });
    await publish('xz-education', {
      externalId: 'L-1E',
      name: '达瓦央金',
      sex: 'F',
      birthDate: '2011-02-02',
      idNumber: idNumberFor('540102', '2011-02-02', 20),
      householdRegion: '540102',
      categories: ['left_behind'],
      riskLevel: 'crisis',
    });
    await publish('xz-civil-affairs', {
      externalId: 'L-2',
      name: '王晨',
      sex: 'M',
      birthDate: '2015-06-06',
      idNumber: idNumberFor('540402', '2015-06-06', 31),
      householdRegion: '540402',
      categories: ['migrant'],
      riskLevel: 'low',
    });

    // Without consent the coordinator sees only what its own record says; the rest is marked partial.
    const gated = (await civil().get<any>('/v1/ledger')).body.items.find((r: any) => r.caseId === a.caseId);
    expect(gated).toMatchObject({ memberCount: 2, highestRisk: 'high', categories: ['orphan'], regions: ['540102'], partial: true });
    expect(Object.keys(gated.agencyTypes)).toEqual(['civil_affairs']);
    expect((await civil().get<any>('/v1/ledger?riskLevel=crisis')).body.items).toEqual([]);

    // With the guardian's case_coordination consent it sees the whole case ...
    const consent = await civil().post<any>('/v1/consents', {
      caseId: a.caseId,
      grantor: { type: 'guardian', name: '达瓦', relation: 'father' },
      purposes: ['case_coordination'],
      dataCategories: ['identity', 'assessment'],
      recipients: [{ agencyType: 'civil_affairs' }],
      validFrom: new Date(Date.now() - 60_000).toISOString(),
      validUntil: new Date(Date.now() + 86_400_000).toISOString(),
      evidence: { documentRef: 'doc-1', sha256: 'b'.repeat(64), collectedBy: 'w1', collectedAt: new Date().toISOString() },
    });
    expect(consent.status).toBe(201);
    // It covers civil affairs' own record only, until education confirms it covers its record too.
    const unconfirmed = (await civil().get<any>('/v1/ledger')).body.items.find((r: any) => r.caseId === a.caseId);
    expect(unconfirmed).toMatchObject({ highestRisk: 'high', partial: true });
    expect(Object.keys(unconfirmed.agencyTypes)).toEqual(['civil_affairs']);
    expect((await t.client('xz-education').post<any>(`/v1/consents/${consent.body.consentId}/confirm`, {})).status).toBe(200);
    const all = await civil().get<any>('/v1/ledger');
    const row = all.body.items.find((r: any) => r.caseId === a.caseId);
    expect(row).toMatchObject({ memberCount: 2, highestRisk: 'crisis', categories: ['left_behind', 'orphan'], regions: ['540102'], partial: false });
    expect(Object.keys(row.agencyTypes).sort()).toEqual(['civil_affairs', 'education']);

    const lhasa = await civil().get<any>('/v1/ledger?region=540100&category=orphan');
    expect(lhasa.body.items.map((r: any) => r.caseId)).toEqual([a.caseId]);
    const crisis = await civil().get<any>('/v1/ledger?riskLevel=crisis&agencyType=education');
    expect(crisis.body.items.map((r: any) => r.caseId)).toEqual([a.caseId]);

    const csv = await fetch(new URL('/v1/ledger?format=csv&region=540000', t.hub.baseUrl), {
      headers: {
        authorization: await (await import('../../client/sign-request')).signRequest(t.province.agencies['xz-civil-affairs']!.credentials, {
          hubId: 'xinqiao-540000',
          method: 'GET',
          pathWithQuery: '/v1/ledger?format=csv&region=540000',
        }),
      },
    });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // BOM, for spreadsheet programs
    const text = bytes.subarray(3).toString('utf8');
    expect(text.startsWith('caseId(个案编号),')).toBe(true);
    expect(text).toContain(`${a.caseId},`);
    expect(text).not.toContain('达瓦');

    // ... until the consent is withdrawn: the very next view and export are cut down again.
    await civil().post<any>(`/v1/consents/${consent.body.consentId}/withdraw`, {});
    expect((await civil().get<any>('/v1/ledger?riskLevel=crisis')).body.items).toEqual([]);
  });

  it('refuses unknown ledger filters by name', async () => {
    const res = await civil().get<any>('/v1/ledger?name=abc');
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ path: 'name', message: 'unknown field', message_zh: '未知字段' }]);
  });

  it('confirms a review: the two cases merge and the decision is kept as a label', async () => {
    const a = await publish('xz-civil-affairs', {
      externalId: 'R-1',
      name: '索朗卓嘎',
      sex: 'F',
      birthDate: '2013-09-09',
      householdRegion: '540102',
      guardian: { name: '平措', phone: '13800000099', relation: 'father' },
    });
    const b = await publish('xz-youth-league', { externalId: 'R-1T', name: '索朗卓嘎', sex: 'F', birthDate: '2013-09-09' });
    expect(b.link).toBe('review');
    const queue = await civil().get<any>('/v1/reviews');
    const item = queue.body.items.find((r: any) => r.reviewId === b.reviewId);
    expect(item.explanation.fields.find((f: any) => f.field === 'name')).toMatchObject({ level: 'exact' });
    // Why, in words a coordinator reads (zh-CN first), without opening either record.
    expect(item.explanation.veto).toBe('WEAK_EVIDENCE');
    expect(item.why).toEqual({
      cause: 'VETO',
      zh: '得分足以关联，但有一项证据需要人工确认：除姓名和出生日期外证据很少（或只给了名字的一部分）',
      en: 'the score is enough to link, but one piece of evidence needs a person: little evidence beyond name and birth date (or only part of the name)',
    });
    expect(JSON.stringify(queue.body)).not.toContain('索朗');

    const decided = await civil().post<any>(`/v1/reviews/${b.reviewId}`, { decision: 'confirm', reason: '监护人电话核实为同一儿童' });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ caseId: a.caseId, review: { status: 'confirmed', decidedBy: 'xz-civil-affairs' } });
    const moved = await t.client('xz-youth-league').get<any>(`/v1/records/${b.recordId}`);
    expect(moved.body).toMatchObject({ caseId: a.caseId, link: 'merged' });
    const again = await civil().post<any>(`/v1/reviews/${b.reviewId}`, { decision: 'reject', reason: 'x' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('STATE_CONFLICT');
    const confirmed = await civil().get<any>('/v1/reviews?status=confirmed');
    expect(confirmed.body.items.map((r: any) => r.reviewId)).toContain(b.reviewId);
  });

  it('splits a wrong link, keeps both histories, and can merge back', async () => {
    const a = await publish('xz-civil-affairs', {
      externalId: 'S-1',
      name: '次仁多吉',
      sex: 'M',
      birthDate: '2010-01-20',
      idNumber: idNumberFor('540103', '2010-01-20', 41),
      householdRegion: '540103',
    });
    const b = await publish('xz-health', {
      externalId: 'S-1H',
      name: '次仁多吉',
      sex: 'M',
      birthDate: '2010-01-20',
      idNumber: idNumberFor('540103', '2010-01-20', 41),
      householdRegion: '540103',
    });
    expect(b).toMatchObject({ link: 'auto', caseId: a.caseId });

    const split = await civil().post<any>(`/v1/cases/${a.caseId}/split`, { recordIds: [b.recordId], reason: '经核实为不同儿童' });
    expect(split.status).toBe(200);
    expect(split.body.caseId).toBe(a.caseId);
    const original = await civil().get<any>(`/v1/cases/${a.caseId}/history`);
    const created = await civil().get<any>(`/v1/cases/${split.body.newCaseId}/history`);
    expect(original.body.members.map((m: any) => m.recordId)).toEqual([a.recordId]);
    expect(original.body.events.map((e: any) => e.type)).toEqual(['created', 'linked', 'split_off']);
    expect(created.body.members).toEqual([expect.objectContaining({ recordId: b.recordId, how: 'split' })]);
    expect(created.body.events.map((e: any) => e.type)).toEqual(['split_from']);

    const merged = await civil().post<any>(`/v1/cases/${a.caseId}/merge`, { otherCaseId: split.body.newCaseId, reason: '重新核实为同一儿童' });
    expect(merged.body).toEqual({ caseId: a.caseId, recordIds: [b.recordId] });
    const gone = await civil().get<any>(`/v1/cases/${split.body.newCaseId}/history`);
    expect(gone.body).toMatchObject({ status: 'merged', mergedInto: a.caseId });
    expect(gone.body.events.map((e: any) => e.type)).toEqual(['split_from', 'merged_into']);
    // The same merge again is a retry: it answers as the first did (and finishes what follows a merge), moving nothing.
    const twice = await civil().post<any>(`/v1/cases/${a.caseId}/merge`, { otherCaseId: split.body.newCaseId, reason: 'x' });
    expect([twice.status, twice.body]).toEqual([200, { caseId: a.caseId, recordIds: [b.recordId] }]);
    // A merged case cannot be merged anywhere else, nor take a merge in.
    const elsewhere = await civil().post<any>(`/v1/cases/${split.body.newCaseId}/merge`, { otherCaseId: a.caseId, reason: 'x' });
    expect(elsewhere.body.error.code).toBe('STATE_CONFLICT');
  });

  it('audits merges and splits with the records they moved', async () => {
    const audit = await t.scan('audit');
    const splits = audit.filter((e: any) => e.route.S === 'POST /v1/cases/{caseId}/split');
    expect(splits.length).toBeGreaterThan(0);
    expect(splits[0]).toMatchObject({ outcome: { S: 'allow' }, agencyId: { S: 'xz-civil-affairs' }, sub: { S: 'coordinator-1' } });
    expect((splits[0] as any).recordIds.SS.length).toBe(1);
  });

  it('never stores a reason in plaintext', async () => {
    const dump = JSON.stringify(await t.scan('cases'));
    for (const reason of ['监护人电话核实', '经核实为不同儿童', '重新核实']) expect(dump.includes(reason), reason).toBe(false);
  });
});
