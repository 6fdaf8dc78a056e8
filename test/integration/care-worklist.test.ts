/**
 * Agencies' worklists on DynamoDB Local: an item raised twice is one item, closing moves it to the done listing,
 * pages follow a cursor newest first, and nobody reads another agency's list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWork, closeWork, coordinatorsOf } from '../../lambdas/domain/care/worklist';
import { startTestHub, type TestHub } from '../support/hub';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.hub.close();
});

const caseId = (n: number) => `case_${String(n).padStart(26, '0')}`;

describe('worklist', () => {
  it('the coordinating role is every civil affairs system of the province', () => {
    expect(coordinatorsOf(t.hub.runtime.care)).toEqual(['xz-civil-affairs']);
  });

  it('raises an item once, lists it for its agency only, and moves it to done when closed', async () => {
    const deps = t.hub.runtime.care;
    const request = {
      agencyId: 'xz-civil-affairs',
      kind: 'key_recipient_proposal',
      caseId: caseId(1),
      subjectId: 'kpr_1',
      detail: { reasons: 'high_risk' },
    } as const;
    expect(await addWork(deps, request)).toBe(true);
    expect(await addWork(deps, request)).toBe(false);
    const civil = t.client('xz-civil-affairs');
    const open = await civil.get<any>('/v1/worklist');
    expect(open.status, JSON.stringify(open.body)).toBe(200);
    expect(open.body.items).toEqual([
      expect.objectContaining({ kind: 'key_recipient_proposal', caseId: caseId(1), subjectId: 'kpr_1', status: 'open', detail: { reasons: 'high_risk' } }),
    ]);
    expect(open.body.items[0].agencyId).toBeUndefined();
    expect((await t.client('xz-education').get<any>('/v1/worklist')).body.items).toEqual([]);

    expect(await closeWork(deps, request)).toBe(true);
    expect(await closeWork(deps, request)).toBe(false);
    expect((await civil.get<any>('/v1/worklist')).body.items).toEqual([]);
    const done = await civil.get<any>('/v1/worklist?status=done');
    expect(done.body.items).toEqual([expect.objectContaining({ subjectId: 'kpr_1', status: 'done', closedAt: expect.any(String) })]);
    // Raised again after it was done: still the one item (a new thing to do has a new subject).
    expect(await addWork(deps, request)).toBe(false);
  });

  it('pages newest first with a cursor, and refuses a forged cursor and unknown parameters', async () => {
    const deps = { ...t.hub.runtime.care };
    for (let i = 0; i < 5; i++) {
      const at = new Date(Date.UTC(2026, 10, 1, 8, i));
      await addWork({ ...deps, now: () => at }, { agencyId: 'xz-health', kind: 're_refer_or_close', caseId: caseId(10 + i), subjectId: `ref_${i}` });
    }
    const health = t.client('xz-health');
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await health.get<any>(`/v1/worklist?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((i: any) => i.subjectId));
      cursor = page.body.cursor;
    } while (cursor);
    expect(seen).toEqual(['ref_4', 'ref_3', 'ref_2', 'ref_1', 'ref_0']);
    const forged = await health.get<any>(`/v1/worklist?cursor=${Buffer.from('2026-11-01T08:00:00.000Z#rev_x').toString('base64url')}`);
    expect([forged.status, forged.body.error.details[0].path]).toEqual([400, 'cursor']);
    const unknown = await health.get<any>('/v1/worklist?agencyId=xz-civil-affairs');
    expect([unknown.status, unknown.body.error.details[0].path]).toEqual([400, 'agencyId']);
  });
});
