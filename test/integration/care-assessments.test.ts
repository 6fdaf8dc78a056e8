/**
 * Identification and assessment history (issue 9, point 2) over HTTP on DynamoDB Local: append-only entries by
 * holders, the province's scale, never assessed vs identified healthy everywhere, others' entries through the
 * consent gate (never decrypted when withheld), a rise notified once with the level only, the follow-up interval.
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

const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const url = (caseId: string) => `/v1/cases/${caseId}/assessments`;
const assess = (agency: string, caseId: string, body: Record<string, unknown>, key = randomUUID()) =>
  t.client(agency).post<any>(url(caseId), { assessorStaffId: 'PSY-3', assessedOn: today(), ...body }, keyed(key));

describe('identification and assessment', () => {
  it('never assessed and identified healthy are different states in the history, the case view and the ledger', async () => {
    const { caseId } = await makeCareCase(t);
    const edu = t.client('xz-education');
    const stateIn = async () => ({
      history: (await edu.get<any>(url(caseId), { purpose: 'assessment' })).body.current.state,
      view: (await edu.get<any>(`/v1/cases/${caseId}`, { purpose: 'assessment' })).body.assessment.state,
    });
    expect(await stateIn()).toEqual({ history: 'never_assessed', view: 'never_assessed' });
    const healthy = await assess('xz-education', caseId, { kind: 'identification', outcome: 'healthy' });
    expect(healthy.status, JSON.stringify(healthy.body)).toBe(201);
    expect(await stateIn()).toEqual({ history: 'identified_healthy', view: 'identified_healthy' });
    // The coordinating role's ledger: a row says where the child stands, as far as consent lets it see.
    const ledgerState = async () => {
      let cursor: string | undefined;
      do {
        const page = await t.client('xz-civil-affairs').get<any>(`/v1/ledger?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
        const row = page.body.items.find((r: any) => r.caseId === caseId);
        if (row) return row.assessment.state;
        cursor = page.body.cursor;
      } while (cursor);
      return undefined;
    };
    expect(await ledgerState()).toBe('withheld');
    const never = await makeCareCase(t);
    let cursor: string | undefined;
    let row: any;
    do {
      const page = await t.client('xz-civil-affairs').get<any>(`/v1/ledger?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
      row = page.body.items.find((r: any) => r.caseId === never.caseId) ?? row;
      cursor = page.body.cursor;
    } while (cursor && !row);
    expect(row.assessment.state).toBe('never_assessed');
  });

  it('takes the level from the province scale, notifies a rise once with the level only, and sets the follow-up interval', async () => {
    const { caseId } = await makeCareCase(t);
    const bad = await assess('xz-health', caseId, { kind: 'assessment', riskLevel: 'severe' });
    expect([bad.status, bad.body.error.details[0].path]).toEqual([400, 'riskLevel']);
    expect(bad.body.error.details[0].message_zh).toMatch(/crisis/);
    const medium = await assess('xz-health', caseId, {
      kind: 'assessment',
      riskLevel: 'medium',
      riskFactors: ['bereavement'],
      instrument: 'SDQ',
      score: 18,
      notes: '父亲去世后失眠',
    });
    expect(medium.status, JSON.stringify(medium.body)).toBe(201);
    const high = await assess('xz-health', caseId, { kind: 'reassessment', riskLevel: 'high', riskFactors: ['self_harm_history'] });
    expect(high.status).toBe(201);
    const lower = await assess('xz-health', caseId, { kind: 'reassessment', riskLevel: 'low' });
    expect(lower.status).toBe(201);
    for (const agency of ['xz-education', 'xz-civil-affairs']) {
      const raised = (await t.client(agency).get<any>('/v1/notifications?limit=200')).body.items.filter(
        (n: any) => n.kind === 'risk_level_raised' && n.caseId === caseId,
      );
      expect(raised.map((n: any) => n.riskLevel).sort(), agency).toEqual(['high', 'medium']);
      expect(Object.keys(raised[0]).sort()).toEqual(['at', 'caseId', 'kind', 'notificationId', 'riskLevel', 'severity', 'signature']);
    }
    expect(JSON.stringify(await t.scan('care'))).not.toContain('父亲去世');
    // The latest level sets when the next follow-up contact is due (low: 90 days).
    await t.client('xz-health').post<any>(`/v1/cases/${caseId}/agreements`, agreementBody(), keyed(randomUUID()));
    const contactedAt = new Date(Date.now() - 60_000).toISOString();
    const contact = await t
      .client('xz-health')
      .post<any>(
        `/v1/cases/${caseId}/contacts`,
        { kind: 'talk', interviewed: ['child'], outcome: 'stable', contactedAt, staffId: 'S1' },
        { purpose: 'follow_up', ...keyed(randomUUID()) },
      );
    expect(contact.body.riskLevel).toBe('low');
    expect(Date.parse(contact.body.nextDue) - Date.parse(contactedAt)).toBe(90 * 86_400_000);
  });

  it('shows others’ entries only as consent allows, listing the rest with the reason', async () => {
    const { caseId } = await makeCareCase(t);
    const a = await assess('xz-health', caseId, { kind: 'assessment', riskLevel: 'high', notes: '有自伤行为' });
    expect(a.status).toBe(201);
    const edu = await t.client('xz-education').get<any>(url(caseId), { purpose: 'assessment' });
    expect(edu.status).toBe(200);
    expect(edu.body.items).toEqual([]);
    expect(edu.body.withheld).toEqual([{ assessmentId: a.body.assessmentId, agencyId: expect.stringMatching(/^holder:/), reason: 'NO_CONSENT' }]);
    expect(edu.body.current).toEqual({ state: 'withheld' });
    const own = await t.client('xz-health').get<any>(url(caseId), { purpose: 'assessment' });
    expect(own.body.items[0]).toMatchObject({ notes: '有自伤行为', assessorStaffId: 'PSY-3', agencyId: 'xz-health' });
    expect(own.body.current).toMatchObject({ state: 'assessed', riskLevel: 'high' });
    // Purposes are checked: follow_up needs the agreement.
    const fu = await t.client('xz-health').get<any>(url(caseId), { purpose: 'follow_up' });
    expect([fu.status, fu.body.error.code]).toEqual([403, 'PURPOSE_NOT_ESTABLISHED']);
    const none = await t.client('xz-health').get<any>(url(caseId));
    expect([none.status, none.body.error.details[0].path]).toEqual([400, 'purpose']);
  });

  it('refuses bad entries by field; outsiders get 404; a retried create is the same entry', async () => {
    const { caseId } = await makeCareCase(t);
    const cases: [Record<string, unknown>, string][] = [
      [{ kind: 'screening' }, 'kind'],
      [{ kind: 'identification' }, 'outcome'],
      [{ kind: 'identification', outcome: 'healthy', riskLevel: 'low' }, 'riskLevel'],
      [{ kind: 'assessment' }, 'riskLevel'],
      [{ kind: 'assessment', riskLevel: 'low', riskFactors: ['astrology'] }, 'riskFactors.0'],
      [{ kind: 'assessment', riskLevel: 'low', score: 12 }, 'instrument'],
      [{ kind: 'assessment', riskLevel: 'low', assessedOn: '2999-01-01' }, 'assessedOn'],
      [{ kind: 'assessment', riskLevel: 'low', assessorStaffId: '王医生' }, 'assessorStaffId'],
    ];
    for (const [body, path] of cases) {
      const res = await assess('xz-health', caseId, body);
      expect([res.status, res.body.error?.details?.[0]?.path], JSON.stringify(body)).toEqual([400, path]);
    }
    expect((await assess('xz-youth-league', caseId, { kind: 'identification', outcome: 'at_risk' })).status).toBe(404);
    const key = randomUUID();
    const first = await assess('xz-health', caseId, { kind: 'identification', outcome: 'at_risk' }, key);
    const again = await t
      .client('xz-health')
      .post<any>(url(caseId), { assessorStaffId: 'PSY-3', assessedOn: today(), kind: 'identification', outcome: 'at_risk' }, keyed(key));
    expect([first.status, again.status, again.body.assessmentId]).toEqual([201, 200, first.body.assessmentId]);
  });
});
