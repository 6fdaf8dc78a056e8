/**
 * The key-recipient ledger (issue 9, point 1) over HTTP on DynamoDB Local: the coordinating role enrols and
 * exits, holders propose, every episode is kept, at most one is active whatever races, and the ledger says which
 * children are key recipients and filters by it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyed, makeCareCase } from '../support/care';
import { startTestHub, type TestHub } from '../support/hub';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.hub.close();
});

const url = (caseId: string) => `/v1/cases/${caseId}/key-recipient`;
const civil = () => t.client('xz-civil-affairs');

/** Every ledger row of these cases (following the cursor), by case id. */
async function ledgerRows(query: string, caseIds: readonly string[]) {
  const found = new Map<string, any>();
  let cursor: string | undefined;
  do {
    const page = await civil().get<any>(`/v1/ledger?limit=200${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    for (const r of page.body.items) if (caseIds.includes(r.caseId)) found.set(r.caseId, r);
    cursor = page.body.cursor;
  } while (cursor);
  return found;
}

describe('key-recipient ledger', () => {
  it('a holder proposes, the coordinator enrols (closing the proposal), exits, and re-enrols in a new episode; every episode is kept', async () => {
    const { caseId } = await makeCareCase(t);
    const proposal = await t.client('xz-education').post<any>(url(caseId), { reasons: ['academic_pressure'] }, keyed(randomUUID()));
    expect(proposal.status, JSON.stringify(proposal.body)).toBe(202);
    expect(proposal.body).toMatchObject({ status: 'proposed', caseId });
    const work = (await civil().get<any>('/v1/worklist')).body.items.filter((i: any) => i.caseId === caseId);
    expect(work).toEqual([expect.objectContaining({ kind: 'key_recipient_proposal', detail: { reasons: 'academic_pressure', proposedBy: 'education' } })]);

    const enrol = await civil().post<any>(url(caseId), { reasons: ['academic_pressure', 'high_risk'] }, keyed(randomUUID()));
    expect(enrol.status, JSON.stringify(enrol.body)).toBe(201);
    expect(enrol.body).toMatchObject({ status: 'active', reasons: ['academic_pressure', 'high_risk'] });
    expect((await civil().get<any>('/v1/worklist')).body.items.filter((i: any) => i.caseId === caseId)).toEqual([]);
    const twice = await civil().post<any>(url(caseId), { reasons: ['other'] }, keyed(randomUUID()));
    expect([twice.status, twice.body.error.code]).toEqual([409, 'STATE_CONFLICT']);

    const byHolder = await t.client('xz-education').post<any>(`${url(caseId)}/exit`, { reason: 'recovered' });
    expect([byHolder.status, byHolder.body.error.code]).toEqual([403, 'FORBIDDEN']);
    const exit = await civil().post<any>(`${url(caseId)}/exit`, { reason: 'recovered' });
    expect(exit.status, JSON.stringify(exit.body)).toBe(200);
    expect(exit.body).toMatchObject({ status: 'exited', exitReason: 'recovered' });
    const again = await civil().post<any>(`${url(caseId)}/exit`, { reason: 'recovered' });
    expect([again.status, again.body.error.code]).toEqual([409, 'STATE_CONFLICT']);
    const reentry = await civil().post<any>(url(caseId), { reasons: ['post_discharge'] }, keyed(randomUUID()));
    expect(reentry.status).toBe(201);
    const list = await t.client('xz-education').get<any>(url(caseId));
    expect(list.body.current).toMatchObject({ status: 'active', reasons: ['post_discharge'] });
    expect(list.body.episodes.map((e: any) => [e.status, e.exitReason])).toEqual([
      ['active', undefined],
      ['exited', 'recovered'],
    ]);
  });

  it('concurrent enrolments give one active episode', async () => {
    const { caseId } = await makeCareCase(t);
    const results = await Promise.all([1, 2, 3, 4].map(() => civil().post<any>(url(caseId), { reasons: ['high_risk'] }, keyed(randomUUID()))));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    const list = await civil().get<any>(url(caseId));
    expect(list.body.episodes.filter((e: any) => e.status === 'active')).toHaveLength(1);
  });

  it('the ledger tells key recipients (active, exited, never) apart and filters by it, in JSON and CSV', async () => {
    const [active, exited, never] = [await makeCareCase(t), await makeCareCase(t), await makeCareCase(t)];
    expect((await civil().post<any>(url(active.caseId), { reasons: ['single_parent_family'] }, keyed(randomUUID()))).status).toBe(201);
    expect((await civil().post<any>(url(exited.caseId), { reasons: ['other'] }, keyed(randomUUID()))).status).toBe(201);
    expect((await civil().post<any>(`${url(exited.caseId)}/exit`, { reason: 'aged_out' })).status).toBe(200);
    const ids = [active.caseId, exited.caseId, never.caseId];
    const all = await ledgerRows('', ids);
    expect(ids.map((id) => all.get(id)?.keyRecipient.status)).toEqual(['active', 'exited', 'never']);
    expect(all.get(active.caseId).keyRecipient.reasons).toEqual(['single_parent_family']);
    for (const status of ['active', 'exited', 'never']) {
      const rows = await ledgerRows(`&keyRecipient=${status}`, ids);
      expect(
        [...rows.values()].map((r) => r.keyRecipient.status),
        status,
      ).toEqual([status]);
    }
    const csv = await civil().get<string>('/v1/ledger?format=csv&keyRecipient=active');
    expect(csv.body).toContain('keyRecipient(重点关爱状态)');
    expect(csv.body).toContain(active.caseId);
    expect(csv.body).not.toContain(never.caseId);
    const bad = await civil().get<any>('/v1/ledger?keyRecipient=maybe');
    expect([bad.status, bad.body.error.details[0].path]).toEqual([400, 'keyRecipient']);
  });

  it('refuses unknown reasons by field; outsiders get 404', async () => {
    const { caseId } = await makeCareCase(t);
    const bad = await civil().post<any>(url(caseId), { reasons: ['naughty'] }, keyed(randomUUID()));
    expect([bad.status, bad.body.error.details[0].path]).toEqual([400, 'reasons.0']);
    const none = await civil().post<any>(url(caseId), { reasons: [] }, keyed(randomUUID()));
    expect([none.status, none.body.error.details[0].path]).toEqual([400, 'reasons']);
    const exitReason = await civil().post<any>(`${url(caseId)}/exit`, { reason: 'bored' });
    expect([exitReason.status, exitReason.body.error.details[0].path]).toEqual([400, 'reason']);
    expect((await t.client('xz-youth-league').post<any>(url(caseId), { reasons: ['other'] }, keyed(randomUUID()))).status).toBe(404);
    expect((await t.client('xz-youth-league').get<any>(url(caseId))).status).toBe(404);
    expect((await civil().get<any>(url('case_00000000000000000000000000'))).status).toBe(404);
  });
});
