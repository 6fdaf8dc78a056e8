/**
 * One child, one case under concurrency, over HTTP on DynamoDB Local: five
 * agencies publish the same child at the same moment, each sending 1, 2 or 4
 * copies of its record at once (20 trials each). Clients retry 503 and 409, as
 * a client should. Every trial ends with the five records in one case, and no
 * record is in two cases (checked by scanning the tables).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../support/hub';
import { sameChild } from '../support/linking';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.hub.close();
});

const AGENCIES = [
  ['xz-civil-affairs', 'MZ'],
  ['xz-education', 'JY'],
  ['xz-health', 'WJ'],
  ['xz-youth-league', 'TW'],
  ['xz-womens-federation', 'FL'],
] as const;
const TRIALS = 20;
const PARALLEL = 4;

/** Publishes, retrying what a client is told to retry (503 with Retry-After, 409). */
async function publish(agencyId: string, record: unknown): Promise<{ recordId: string; caseId: string; link: string }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const res = await t.client(agencyId).post<any>('/v1/records', record);
    if (res.status === 200 || res.status === 201) return res.body;
    if (res.status !== 503 && res.status !== 409) throw new Error(`unexpected ${res.status}: ${JSON.stringify(res.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80));
  }
  throw new Error('still refused after 20 attempts');
}

type Item = Record<string, { S?: string }>;

describe('linking under concurrency', () => {
  for (const copies of [1, 2, 4]) {
    it(`puts one child in one case when five agencies publish it at once, ${copies} cop${copies === 1 ? 'y' : 'ies'} each (${TRIALS} trials)`, async () => {
      const trials: { recordIds: Set<string>; caseIds: Set<string> }[] = [];
      const runTrial = async (trial: number) => {
        // Prepare: one child per trial, its record as each agency sends it
        const child = 1000 * copies + trial;
        const sends = AGENCIES.flatMap(([agencyId, prefix]) =>
          Array.from({ length: copies }, () => ({ agencyId, record: sameChild(child, { externalId: `${prefix}-${child}` }) })),
        );
        // Act: all at once
        const results = await Promise.all(sends.map((s) => publish(s.agencyId, s.record)));
        trials[trial] = { recordIds: new Set(results.map((r) => r.recordId)), caseIds: new Set(results.map((r) => r.caseId)) };
      };
      // Trials of different children run side by side (they share no blocking key), PARALLEL at a time.
      for (let first = 0; first < TRIALS; first += PARALLEL) {
        await Promise.all(Array.from({ length: Math.min(PARALLEL, TRIALS - first) }, (_, i) => runTrial(first + i)));
      }

      // Assess: every answer named one case, and the tables agree.
      const members = (await t.scan('cases')).filter((i) => (i as Item).sk?.S?.startsWith('MEM#')) as Item[];
      const heads = new Map(((await t.scan('records')) as Item[]).filter((i) => i.sk?.S === 'HEAD').map((h) => [h.recordId!.S!, h.caseId?.S]));
      const casesOf = new Map<string, string[]>();
      for (const m of members) casesOf.set(m.recordId!.S!, [...(casesOf.get(m.recordId!.S!) ?? []), m.caseId!.S!]);
      for (const [i, trial] of trials.entries()) {
        expect(trial.recordIds.size, `trial ${i}: records`).toBe(AGENCIES.length);
        expect(trial.caseIds.size, `trial ${i}: cases in answers`).toBe(1);
        const [caseId] = trial.caseIds;
        for (const recordId of trial.recordIds) {
          expect(casesOf.get(recordId), `trial ${i}: memberships of ${recordId}`).toEqual([caseId]);
          expect(heads.get(recordId), `trial ${i}: head of ${recordId}`).toBe(caseId);
        }
      }
      expect([...casesOf.values()].filter((c) => c.length > 1)).toEqual([]);
    }, 300_000);
  }
});
