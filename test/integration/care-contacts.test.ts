/**
 * Follow-up contacts (issue 10, point 3) over HTTP on DynamoDB Local: the follow_up purpose established by the
 * reader's care, the next due date stored, others' contacts through the consent gate (withheld ones never
 * decrypted), sealed notes, idempotent creates and bilingual 4xx.
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

const contacts = (caseId: string) => `/v1/cases/${caseId}/contacts`;
const asFollowUp = (key = randomUUID()) => ({ purpose: 'follow_up', ...keyed(key) });
const contact = (overrides: Record<string, unknown> = {}) => ({
  kind: 'home_visit',
  interviewed: ['child', 'guardian'],
  outcome: 'stable',
  contactedAt: new Date(Date.now() - 3_600_000).toISOString(),
  staffId: 'SW-12',
  notes: '祖母反映孩子夜间惊醒次数减少',
  ...overrides,
});

async function agreedCase() {
  const { caseId } = await makeCareCase(t);
  expect((await t.client('xz-health').post<any>(`/v1/cases/${caseId}/agreements`, agreementBody(), keyed(randomUUID()))).status).toBe(201);
  return caseId;
}

describe('follow-up contacts', () => {
  it('records a contact with the next due date; others read it only as consent allows', async () => {
    const caseId = await agreedCase();
    const health = t.client('xz-health');
    const body = contact();
    const rec = await health.post<any>(contacts(caseId), body, asFollowUp());
    expect(rec.status, JSON.stringify(rec.body)).toBe(201);
    // No risk level yet: the province's interval for a child without one (30 days by default).
    expect(Date.parse(rec.body.nextDue) - Date.parse(body.contactedAt)).toBe(30 * 86_400_000);
    expect(rec.body).toMatchObject({ agencyId: 'xz-health', staffId: 'SW-12', notes: '祖母反映孩子夜间惊醒次数减少' });
    expect(JSON.stringify(await t.scan('care'))).not.toContain('夜间惊醒');

    const edu = t.client('xz-education');
    const before = await edu.get<any>(contacts(caseId), { purpose: 'follow_up' });
    expect(before.status, JSON.stringify(before.body)).toBe(200);
    expect(before.body.items).toEqual([]);
    expect(before.body.withheld).toEqual([{ contactId: rec.body.contactId, agencyId: expect.stringMatching(/^holder:\d+$/), reason: 'NO_CONSENT' }]);
    expect(before.body.nextDue).toBe(rec.body.nextDue);

    const consent = await health.post<any>('/v1/consents', {
      caseId,
      grantor: { type: 'guardian', name: '卓嘎', relation: 'grandparent' },
      purposes: ['follow_up'],
      dataCategories: ['assessment'],
      recipients: [{ agencyType: 'education' }],
      validFrom: new Date(Date.now() - 86_400_000).toISOString(),
      validUntil: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      evidence: {
        documentRef: `随访同意-${caseId}`,
        sha256: randomUUID().replaceAll('-', '').padEnd(64, 'a'),
        collectedBy: 'doc-1',
        collectedAt: new Date().toISOString(),
      },
    });
    expect(consent.status, JSON.stringify(consent.body)).toBe(201);
    const after = await edu.get<any>(contacts(caseId), { purpose: 'follow_up' });
    expect(after.body.withheld).toEqual([]);
    expect(after.body.items).toEqual([expect.objectContaining({ contactId: rec.body.contactId, notes: '祖母反映孩子夜间惊醒次数减少' })]);
    // Another agency's staff id is not disclosed, even under consent.
    expect(after.body.items[0].staffId).toBeUndefined();
  });

  it('the follow_up purpose must be declared and established; outsiders get 404', async () => {
    const { caseId } = await makeCareCase(t);
    const health = t.client('xz-health');
    const noAgreement = await health.post<any>(contacts(caseId), contact(), asFollowUp());
    expect([noAgreement.status, noAgreement.body.error.code]).toEqual([403, 'PURPOSE_NOT_ESTABLISHED']);
    expect(noAgreement.body.error.message_zh).toMatch(/随访跟踪/);
    const wrong = await health.post<any>(contacts(caseId), contact(), { purpose: 'care_plan', ...keyed(randomUUID()) });
    expect([wrong.status, wrong.body.error.code]).toEqual([403, 'PURPOSE_NOT_ESTABLISHED']);
    const none = await health.get<any>(contacts(caseId));
    expect([none.status, none.body.error.details[0].path]).toEqual([400, 'purpose']);
    const outsider = await t.client('xz-youth-league').get<any>(contacts(caseId), { purpose: 'follow_up' });
    expect(outsider.status).toBe(404);
    // A paired carer's agency records contacts without holding a record.
    await t
      .client('xz-civil-affairs')
      .post<any>(`/v1/cases/${caseId}/care-team`, { role: 'paired_carer', agencyId: 'xz-youth-league', staffId: 'YL-1' }, keyed(randomUUID()));
    const byCarer = await t.client('xz-youth-league').post<any>(contacts(caseId), contact({ kind: 'talk', interviewed: ['child'] }), asFollowUp());
    expect(byCarer.status, JSON.stringify(byCarer.body)).toBe(201);
  });

  it('refuses bad input by field, and a retried create is the same contact', async () => {
    const caseId = await agreedCase();
    const health = t.client('xz-health');
    const cases: [Record<string, unknown>, string][] = [
      [{ kind: 'visit' }, 'kind'],
      [{ interviewed: [] }, 'interviewed'],
      [{ interviewed: ['child', 'child'] }, 'interviewed.1'],
      [{ interviewed: ['stranger'] }, 'interviewed.0'],
      [{ outcome: 'fine' }, 'outcome'],
      [{ contactedAt: new Date(Date.now() + 86_400_000).toISOString() }, 'contactedAt'],
      [{ staffId: '李老师' }, 'staffId'],
      [{ classmateName: '小明' }, 'classmateName'],
    ];
    for (const [override, path] of cases) {
      const res = await health.post<any>(contacts(caseId), contact(override), asFollowUp());
      expect([res.status, res.body.error?.details?.[0]?.path], JSON.stringify(override)).toEqual([400, path]);
    }
    const key = randomUUID();
    const body = contact();
    const first = await health.post<any>(contacts(caseId), body, asFollowUp(key));
    const again = await health.post<any>(contacts(caseId), body, asFollowUp(key));
    expect([first.status, again.status, again.body.contactId]).toEqual([201, 200, first.body.contactId]);
    const list = await health.get<any>(contacts(caseId), { purpose: 'follow_up' });
    expect(list.body.items).toHaveLength(1);
  });
});
