/**
 * Care teams (issue 10, point 1) over HTTP on DynamoDB Local: who may add and end members, nothing identifying a
 * peer partner, staff ids only to their agency and the coordinator, idempotent adds, and 404 to outsiders.
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

const team = (caseId: string) => `/v1/cases/${caseId}/care-team`;

describe('care team', () => {
  it('a holder adds its own staff; the coordinating role assigns another agency’s paired carer; both see the team', async () => {
    const { caseId } = await makeCareCase(t);
    const edu = t.client('xz-education');
    const mentor = await edu.post<any>(team(caseId), { role: 'growth_mentor', staffId: 'T-0042' }, keyed(randomUUID()));
    expect(mentor.status, JSON.stringify(mentor.body)).toBe(201);
    expect(mentor.body).toMatchObject({ role: 'growth_mentor', agencyId: 'xz-education', staffId: 'T-0042', status: 'active' });
    expect(mentor.body.memberId).toMatch(/^ctm_/);

    // Civil affairs holds no record here, yet as the coordinating role it assigns a paired carer from the Women's Federation.
    const carer = await t
      .client('xz-civil-affairs')
      .post<any>(team(caseId), { role: 'paired_carer', agencyId: 'xz-womens-federation', staffId: 'WF-7' }, keyed(randomUUID()));
    expect(carer.status, JSON.stringify(carer.body)).toBe(201);

    const seenByEdu = await edu.get<any>(team(caseId));
    expect(seenByEdu.status).toBe(200);
    const byRole = Object.fromEntries(seenByEdu.body.items.map((m: any) => [m.role, m]));
    expect(byRole.growth_mentor.staffId).toBe('T-0042');
    // Another agency's staff id is not education's to see, nor (without consent) which agency it is.
    expect(byRole.paired_carer.staffId).toBeUndefined();
    expect(byRole.paired_carer.agencyId).toMatch(/^holder:\d+$/);
    // The member's own agency, not a holder, now sees the team and its own staff id.
    const wf = await t.client('xz-womens-federation').get<any>(team(caseId));
    expect(wf.status).toBe(200);
    expect(wf.body.items.find((m: any) => m.role === 'paired_carer')).toMatchObject({ agencyId: 'xz-womens-federation', staffId: 'WF-7' });
  });

  it('stores nothing that identifies a peer partner, and requires a staff id for every other role', async () => {
    const { caseId } = await makeCareCase(t);
    const edu = t.client('xz-education');
    const named = await edu.post<any>(team(caseId), { role: 'peer_partner', staffId: 'S-2013-17' }, keyed(randomUUID()));
    expect([named.status, named.body.error.details[0].path]).toEqual([400, 'staffId']);
    expect(named.body.error.details[0].message_zh).toMatch(/互助伙伴/);
    const withName = await edu.post<any>(team(caseId), { role: 'peer_partner', name: '小明' }, keyed(randomUUID()));
    expect([withName.status, withName.body.error.details[0].path]).toEqual([400, 'name']);
    const peer = await edu.post<any>(team(caseId), { role: 'peer_partner' }, keyed(randomUUID()));
    expect(peer.status).toBe(201);
    expect(Object.keys(peer.body).sort()).toEqual(['agencyId', 'caseId', 'memberId', 'role', 'start', 'status']);
    const noStaff = await edu.post<any>(team(caseId), { role: 'psych_teacher' }, keyed(randomUUID()));
    expect([noStaff.status, noStaff.body.error.details[0].path]).toEqual([400, 'staffId']);
    const badRole = await edu.post<any>(team(caseId), { role: 'friend', staffId: 'x1' }, keyed(randomUUID()));
    expect([badRole.status, badRole.body.error.details[0].path]).toEqual([400, 'role']);
    const nameAsStaff = await edu.post<any>(team(caseId), { role: 'volunteer', staffId: '王小明' }, keyed(randomUUID()));
    expect([nameAsStaff.status, nameAsStaff.body.error.details[0].path]).toEqual([400, 'staffId']);
  });

  it('only the coordinating role adds another agency’s staff; outsiders get 404, as for an unknown case', async () => {
    const { caseId } = await makeCareCase(t);
    const other = await t.client('xz-education').post<any>(team(caseId), { role: 'psychiatrist', agencyId: 'xz-health', staffId: 'D-1' }, keyed(randomUUID()));
    expect([other.status, other.body.error.code]).toEqual([403, 'FORBIDDEN']);
    const unknownAgency = await t
      .client('xz-civil-affairs')
      .post<any>(team(caseId), { role: 'social_worker', agencyId: 'xz-nobody', staffId: 'S-1' }, keyed(randomUUID()));
    expect([unknownAgency.status, unknownAgency.body.error.details[0].path]).toEqual([400, 'agencyId']);
    const outsider = t.client('xz-youth-league');
    const post = await outsider.post<any>(team(caseId), { role: 'volunteer', staffId: 'V-1' }, keyed(randomUUID()));
    const get = await outsider.get<any>(team(caseId));
    const unknown = await outsider.get<any>(team('case_00000000000000000000000000'));
    expect([post.status, get.status, unknown.status]).toEqual([404, 404, 404]);
    const coordinatorUnknown = await t.client('xz-civil-affairs').get<any>(team('case_00000000000000000000000000'));
    expect(coordinatorUnknown.status).toBe(404);
  });

  it('ends a membership once, by its agency or the coordinating role; a retried add is the same member', async () => {
    const { caseId } = await makeCareCase(t);
    const edu = t.client('xz-education');
    const key = randomUUID();
    const first = await edu.post<any>(team(caseId), { role: 'psych_teacher', staffId: 'PT-3' }, keyed(key));
    const again = await edu.post<any>(team(caseId), { role: 'psych_teacher', staffId: 'PT-3' }, keyed(key));
    expect([first.status, again.status, again.body.memberId]).toEqual([201, 200, first.body.memberId]);
    const end = `${team(caseId)}/${first.body.memberId}/end`;
    const byHealth = await t.client('xz-health').post<any>(end, { reason: 'completed' });
    expect([byHealth.status, byHealth.body.error.code]).toEqual([403, 'FORBIDDEN']);
    const ended = await edu.post<any>(end, { reason: 'reassigned' });
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    expect(ended.body).toMatchObject({ status: 'ended', endReason: 'reassigned' });
    const twice = await t.client('xz-civil-affairs').post<any>(end, { reason: 'completed' });
    expect([twice.status, twice.body.error.code]).toEqual([409, 'STATE_CONFLICT']);
    const list = await edu.get<any>(team(caseId));
    expect(list.body.items).toEqual([expect.objectContaining({ memberId: first.body.memberId, status: 'ended' })]);
    const unknownMember = await edu.post<any>(`${team(caseId)}/ctm_00000000000000000000000000/end`, { reason: 'completed' });
    expect(unknownMember.status).toBe(404);
  });

  it('every read of the team is a disclosure in the case’s access report, with its basis', async () => {
    const { caseId } = await makeCareCase(t);
    await t
      .client('xz-civil-affairs')
      .post<any>(team(caseId), { role: 'paired_carer', agencyId: 'xz-womens-federation', staffId: 'WF-9' }, keyed(randomUUID()));
    await t.client('xz-womens-federation').get<any>(team(caseId));
    await t.client('xz-education').get<any>(team(caseId));
    await t.client('xz-youth-league').get<any>(team(caseId)); // refused: not a disclosure
    const report = await t.client('officer-zhang', 'officer-zhang').get<any>(`/v1/audit/cases/${caseId}/access-report`);
    expect(report.status, JSON.stringify(report.body)).toBe(200);
    const reads = report.body.entries.filter((e: any) => e.route === 'GET /v1/cases/{caseId}/care-team');
    expect(reads.map((e: any) => [e.agencyId, e.legalBasis, e.categories])).toEqual([
      ['xz-womens-federation', ['care_team'], ['care_team']],
      ['xz-education', ['case_holder'], ['care_team']],
    ]);
  });
});
