/**
 * Discharge starts follow-up (issue 10, point 2) over HTTP on DynamoDB Local: a treatment record that gains a
 * discharge date asks the coordinating role for a paired carer, due in the province's days, and proposes the
 * child as a key recipient (post_discharge); a retried publish changes nothing; a paired carer meets it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyed, makeCareCase } from '../support/care';
import { startTestHub, type TestHub } from '../support/hub';
import { idNumberFor } from '../support/records';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.hub.close();
});

describe('discharge', () => {
  it('a treatment record with a discharge date asks the coordinator for a paired carer and proposes the child, once', async () => {
    const { caseId, n } = await makeCareCase(t, ['xz-education', 'xz-civil-affairs']);
    const yesterday = new Date(Date.now() + 8 * 3_600_000 - 86_400_000).toISOString().slice(0, 10);
    const edu = await t.client('xz-education').get<any>(`/v1/cases/${caseId}`, { purpose: 'assessment' });
    const f = edu.body.records.find((r: any) => r.own).fields;
    const record = {
      externalId: `H-DIS-${n}`,
      name: f.name,
      sex: f.sex,
      birthDate: f.birthDate,
      idNumber: f.idNumber ?? idNumberFor('540104', f.birthDate, 500 + n * 2),
      householdRegion: f.householdRegion,
      categories: f.categories,
      treatment: { institution: '自治区精神卫生中心', diagnosis: '抑郁发作', dischargedOn: yesterday },
    };
    const published = await t.client('xz-health').post<any>('/v1/records', record);
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    expect(published.body.caseId).toBe(caseId);
    const again = await t.client('xz-health').post<any>('/v1/records', record);
    expect(again.body.status).toBe('unchanged');

    const coordinator = t.client('xz-civil-affairs');
    const due = (await coordinator.get<any>('/v1/worklist?due=all')).body.items.filter((i: any) => i.caseId === caseId);
    expect(due.map((i: any) => i.kind)).toEqual(['assign_paired_carer']);
    expect(Date.parse(due[0].due) - Date.parse(`${yesterday}T00:00:00+08:00`)).toBe(7 * 86_400_000);
    const proposals = (await coordinator.get<any>('/v1/worklist')).body.items.filter((i: any) => i.caseId === caseId && i.kind === 'key_recipient_proposal');
    expect(proposals.map((p: any) => p.detail)).toEqual([{ reasons: 'post_discharge', proposedBy: 'health' }]);

    const carer = await coordinator.post<any>(
      `/v1/cases/${caseId}/care-team`,
      { role: 'paired_carer', agencyId: 'xz-womens-federation', staffId: 'WF-5' },
      keyed(randomUUID()),
    );
    expect(carer.status).toBe(201);
    expect((await coordinator.get<any>('/v1/worklist?due=all')).body.items.filter((i: any) => i.caseId === caseId)).toEqual([]);
  });
});
