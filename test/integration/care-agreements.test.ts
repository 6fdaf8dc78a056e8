/**
 * Service agreements (issue 9, point 3) over HTTP on DynamoDB Local: separate from consent, immutable, the
 * newest in force; idempotent creates by `Idempotency-Key`; holders only; the guardian's identity sealed.
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

describe('service agreements', () => {
  it('records an agreement; the newest one is in force and a change of mind is a new agreement', async () => {
    const { caseId } = await makeCareCase(t);
    const edu = t.client('xz-education');
    const yes = await edu.post<any>(`/v1/cases/${caseId}/agreements`, agreementBody(), keyed(randomUUID()));
    expect(yes.status, JSON.stringify(yes.body)).toBe(201);
    expect(yes.body).toMatchObject({ caseId, agreesToFollowUp: true, status: 'in_force', recordedBy: 'xz-education', guardian: { name: '卓嘎' } });
    expect(yes.body.agreementId).toMatch(/^agr_/);

    const no = await t.client('xz-health').post<any>(`/v1/cases/${caseId}/agreements`, agreementBody({}, false), keyed(randomUUID()));
    expect(no.status, JSON.stringify(no.body)).toBe(201);
    const list = await edu.get<any>(`/v1/cases/${caseId}/agreements`);
    expect(list.status).toBe(200);
    expect(list.body.followUpAgreed).toBe(false);
    expect(list.body.items.map((a: any) => [a.agreementId, a.status])).toEqual([
      [no.body.agreementId, 'in_force'],
      [yes.body.agreementId, 'superseded'],
    ]);
    // Who recorded the decline is not named without consent; its guardian's identity is the recorder's only.
    expect(list.body.items[0].recordedBy).toMatch(/^holder:\d+$/);
    expect(list.body.items[0].guardian).toBeUndefined();
    expect(list.body.items[1].guardian).toEqual({ name: '卓嘎', relation: 'grandparent' });
  });

  it('a retried create with the same key returns the first agreement; the same key with another body is refused', async () => {
    const { caseId } = await makeCareCase(t);
    const edu = t.client('xz-education');
    const key = randomUUID();
    const body = agreementBody();
    const first = await edu.post<any>(`/v1/cases/${caseId}/agreements`, body, keyed(key));
    const again = await edu.post<any>(`/v1/cases/${caseId}/agreements`, body, keyed(key));
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    const other = await edu.post<any>(`/v1/cases/${caseId}/agreements`, { ...body, childView: 'objects' }, keyed(key));
    expect([other.status, other.body.error.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    expect(other.body.error.message_zh).toMatch(/幂等键/);
    expect((await edu.get<any>(`/v1/cases/${caseId}/agreements`)).body.items).toHaveLength(1);
    // Concurrent twins with one key: one agreement.
    const key2 = randomUUID();
    const body2 = agreementBody();
    const both = await Promise.all([1, 2, 3].map(() => edu.post<any>(`/v1/cases/${caseId}/agreements`, body2, keyed(key2))));
    expect(both.map((r) => r.status).sort()).toEqual([200, 200, 201]);
    expect(new Set(both.map((r) => r.body.agreementId)).size).toBe(1);
    expect((await edu.get<any>(`/v1/cases/${caseId}/agreements`)).body.items).toHaveLength(2);
  });

  it('the client sends one key per call on its own, so its retries never record twice', async () => {
    const { caseId } = await makeCareCase(t);
    const res = await t.client('xz-education').post<any>(`/v1/cases/${caseId}/agreements`, agreementBody());
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });

  it('refuses bad input with field-level, bilingual errors', async () => {
    const { caseId } = await makeCareCase(t);
    const edu = t.client('xz-education');
    const url = `/v1/cases/${caseId}/agreements`;
    const noKey = await t.raw('POST', url, { body: JSON.stringify(agreementBody()) });
    expect(noKey.status).toBe(401); // unsigned: the signature is checked first
    const missingKey = await edu.request<any>('POST', url, JSON.stringify(agreementBody()), { headers: { 'idempotency-key': 'short' } });
    expect([missingKey.status, missingKey.body.error.code, missingKey.body.error.details[0].path]).toEqual([400, 'VALIDATION_FAILED', 'Idempotency-Key']);
    const declineWithoutReason = await edu.post<any>(url, { ...agreementBody(), agreesToFollowUp: false }, keyed(randomUUID()));
    expect(declineWithoutReason.status).toBe(400);
    expect(declineWithoutReason.body.error.details).toEqual([expect.objectContaining({ path: 'declineReason', message_zh: '监护人不同意时须填写原因' })]);
    const badView = await edu.post<any>(url, agreementBody({ childView: 'maybe' }), keyed(randomUUID()));
    expect([badView.status, badView.body.error.details[0].path]).toEqual([400, 'childView']);
    const badDigest = await edu.post<any>(url, agreementBody({ evidence: { ...agreementBody().evidence, sha256: 'xyz' } }), keyed(randomUUID()));
    expect([badDigest.status, badDigest.body.error.details[0].path]).toEqual([400, 'evidence.sha256']);
  });

  it('answers 404 to an agency that holds no record in the case, and to an unknown case, alike', async () => {
    const { caseId } = await makeCareCase(t);
    const outsider = t.client('xz-youth-league');
    const post = await outsider.post<any>(`/v1/cases/${caseId}/agreements`, agreementBody(), keyed(randomUUID()));
    const get = await outsider.get<any>(`/v1/cases/${caseId}/agreements`);
    const unknown = await outsider.get<any>(`/v1/cases/case_00000000000000000000000000/agreements`);
    expect([post.status, get.status, unknown.status]).toEqual([404, 404, 404]);
    const { requestId: _a, ...a } = get.body.error;
    const { requestId: _b, ...b } = unknown.body.error;
    expect(a).toEqual(b);
  });

  it('keeps the guardian and the evidence reference sealed at rest, and audits each request once', async () => {
    const { caseId } = await makeCareCase(t);
    const res = await t.client('xz-education').post<any>(`/v1/cases/${caseId}/agreements`, agreementBody(), keyed(randomUUID()));
    const stored = JSON.stringify(await t.scan('care'));
    expect(stored).not.toContain('卓嘎');
    expect(stored).not.toContain('服务同意书');
    expect(stored).toContain(res.body.agreementId);
    const events = (await t.scan('audit')).filter((e: any) => e.route?.S === 'POST /v1/cases/{caseId}/agreements' && e.caseId?.S === caseId);
    expect(events).toHaveLength(1);
  });
});
