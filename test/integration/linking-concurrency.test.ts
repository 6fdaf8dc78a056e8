/**
 * One child, one case under concurrency on DynamoDB Local: five agencies
 * publish the same child at the same moment, each sending 1, 2 or 4 copies of
 * its record at once, 20 trials each, through the publish use case with the
 * real SDK client and tables (the store sees the same interleavings as
 * separate Lambdas; no HTTP signing or audit on this path keeps the 700
 * publishes affordable in CI); then a few trials end to end over the signed API.
 * Every trial ends with the five records in one case, and no record is in two
 * cases (checked by scanning the tables).
 */
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Publisher, PublishResult } from '../../lambdas/domain/records/records-service';
import { ConflictError, ServiceUnavailableError } from '../../lambdas/shared/errors';
import { startTestHub, type TestHub } from '../support/hub';
import { createLinkingHarness, type LinkingHarness, sameChild } from '../support/linking';

const AGENCIES: readonly (Publisher & { prefix: string })[] = [
  { agencyId: 'xz-civil-affairs', agencyType: 'civil_affairs', prefix: 'MZ' },
  { agencyId: 'xz-education', agencyType: 'education', prefix: 'JY' },
  { agencyId: 'xz-health', agencyType: 'health', prefix: 'WJ' },
  { agencyId: 'xz-youth-league', agencyType: 'youth_league', prefix: 'TW' },
  { agencyId: 'xz-womens-federation', agencyType: 'womens_federation', prefix: 'FL' },
];
const TRIALS = 20;
/** Trials of different children run side by side (they share no blocking key). */
const PARALLEL = 4;

type Item = Record<string, { S?: string }>;
type Outcome = Pick<PublishResult, 'recordId' | 'caseId'>;

/** Runs `trials` trials of five agencies x `copies` concurrent publishes of one child each. */
async function runTrials(trials: number, copies: number, firstChild: number, publish: (p: Publisher, record: unknown) => Promise<Outcome>) {
  const results: { recordIds: Set<string>; caseIds: Set<string> }[] = [];
  const runTrial = async (trial: number) => {
    const child = firstChild + trial;
    const sends = AGENCIES.flatMap((a) => Array.from({ length: copies }, () => ({ a, record: sameChild(child, { externalId: `${a.prefix}-${child}` }) })));
    const outcomes = await Promise.all(sends.map((s) => publish(s.a, s.record)));
    results[trial] = { recordIds: new Set(outcomes.map((o) => o.recordId)), caseIds: new Set(outcomes.map((o) => o.caseId)) };
  };
  for (let first = 0; first < trials; first += PARALLEL) {
    await Promise.all(Array.from({ length: Math.min(PARALLEL, trials - first) }, (_, i) => runTrial(first + i)));
  }
  return results;
}

/** Every answer of a trial named one case; the tables hold each record in exactly that case and no record in two. */
function assessTrials(results: { recordIds: Set<string>; caseIds: Set<string> }[], members: Item[], heads: Item[]) {
  const casesOf = new Map<string, string[]>();
  for (const m of members) casesOf.set(m.recordId!.S!, [...(casesOf.get(m.recordId!.S!) ?? []), m.caseId!.S!]);
  const headCase = new Map(heads.map((h) => [h.recordId!.S!, h.caseId?.S]));
  for (const [i, trial] of results.entries()) {
    expect(trial.recordIds.size, `trial ${i}: records`).toBe(AGENCIES.length);
    expect(trial.caseIds.size, `trial ${i}: cases in the answers`).toBe(1);
    const [caseId] = trial.caseIds;
    for (const recordId of trial.recordIds) {
      expect(casesOf.get(recordId), `trial ${i}: memberships of ${recordId}`).toEqual([caseId]);
      expect(headCase.get(recordId), `trial ${i}: head of ${recordId}`).toBe(caseId);
    }
  }
  expect([...casesOf.values()].filter((c) => c.length > 1)).toEqual([]);
}

describe('linking under concurrency (publish use case, DynamoDB Local)', () => {
  let h: LinkingHarness;
  beforeAll(async () => {
    // The production lease: under a loaded CI machine, 80 publishes at once wait longer than the short test lease allows.
    h = await createLinkingHarness('concurrency', { claimLeaseMs: 10_000 });
  });
  afterAll(() => h.close());

  /** Retries what a client is told to retry (503, 409). */
  const publish = async (p: Publisher, record: unknown): Promise<Outcome> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await h.publish(p, record as Parameters<LinkingHarness['publish']>[1]);
      } catch (error) {
        if (attempt >= 30 || !(error instanceof ServiceUnavailableError || error instanceof ConflictError)) throw error;
      }
    }
  };
  const scan = async (table: string) => {
    const items: Item[] = [];
    let start: Record<string, never> | undefined;
    do {
      const out = await h.client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
      items.push(...((out.Items ?? []) as Item[]));
      start = out.LastEvaluatedKey as typeof start;
    } while (start);
    return items;
  };

  for (const copies of [1, 2, 4]) {
    it(`puts one child in one case when five agencies publish it at once, ${copies} cop${copies === 1 ? 'y' : 'ies'} each (${TRIALS} trials)`, async () => {
      const results = await runTrials(TRIALS, copies, 1000 * copies, publish);
      const members = (await scan(h.tables.cases)).filter((i) => i.sk?.S?.startsWith('MEM#'));
      const heads = (await scan(h.tables.records)).filter((i) => i.sk?.S === 'HEAD');
      assessTrials(results, members, heads);
      // 4 copies: 20 publishers of one child at once contend for every blocking key; with 16 keys a record (the
      // match-quality keys nm, nr, nc, gf, gl) this takes ~280 s alone on DynamoDB Local, against ~110 s with 11.
    }, 900_000);
  }
});

describe('linking under concurrency (signed API over HTTP)', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => {
    await t.hub.close();
  });

  /** Publishes, retrying what a client is told to retry (503, 409). */
  const publish = async (p: Publisher, record: unknown): Promise<Outcome> => {
    for (let attempt = 0; attempt < 30; attempt++) {
      const res = await t.client(p.agencyId).post<any>('/v1/records', record);
      if (res.status === 200 || res.status === 201) return res.body;
      if (res.status !== 503 && res.status !== 409) throw new Error(`unexpected ${res.status}: ${JSON.stringify(res.body)}`);
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80));
    }
    throw new Error('still refused after 30 attempts');
  };

  it('puts one child in one case when five agencies send two copies each at once, end to end (4 trials)', async () => {
    const results = await runTrials(4, 2, 9000, publish);
    const members = (await t.scan('cases')).filter((i) => (i as Item).sk?.S?.startsWith('MEM#')) as Item[];
    const heads = ((await t.scan('records')) as Item[]).filter((i) => i.sk?.S === 'HEAD');
    assessTrials(results, members, heads);
  }, 300_000);
});
