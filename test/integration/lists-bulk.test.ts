/**
 * The bulk list path against the single one, on DynamoDB Local: the same cases whether rows come one by one
 * through POST /v1/records or as lists; two lists processed at once give the cases they give one after the
 * other; a worker stopped halfway (a write failing, a reply lost, the store down past every redelivery)
 * resumes by itself or on re-upload and finishes every row exactly once.
 */
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../client/sign-request';
import { createListWorker } from '../../lambdas/groups/list-worker';
import { readList } from '../../lambdas/domain/lists/parse-list';
import { generateLists, type GeneratedList } from '../../scripts/synthetic/generate';
import { listToCsv } from '../../scripts/synthetic/write-csv';
import { startTestHub, type TestHub } from '../support/hub';

const AGENCY_OF = { civil_affairs: 'xz-civil-affairs', education: 'xz-education', health: 'xz-health' } as Record<string, string>;

/** Generated lists of `rows` rows for civil affairs, education and health (children overlap), without rows whose ID fails its check. */
function lists(rows: number, seed: number): { agencyId: string; csv: string; externalIds: string[]; records: Record<string, unknown>[] }[] {
  const { lists } = generateLists({ perAgency: rows, seed });
  return lists
    .filter((l) => AGENCY_OF[l.profile.type])
    .map((l) => {
      const parsed = readList(listToCsv(l), 'csv').rows;
      const keep = l.rows.filter((_, i) => parsed[i]?.record && !parsed[i]!.unverifiedIdNumber && !parsed[i]!.flags.length);
      const list: GeneratedList = { ...l, rows: keep, truth: keep.map(() => 0) };
      const csv = listToCsv(list);
      const records = readList(csv, 'csv').rows.map((r) => r.record! as unknown as Record<string, unknown>);
      return { agencyId: AGENCY_OF[l.profile.type]!, csv, externalIds: records.map((r) => r.externalId as string), records };
    });
}

async function upload(t: TestHub, agency: string, body: string) {
  const authorization = await signRequest(t.province.agencies[agency]!.credentials, {
    hubId: 'xinqiao-540000',
    method: 'POST',
    pathWithQuery: '/v1/lists',
    body,
  });
  const res = await fetch(new URL('/v1/lists', t.hub.baseUrl), { method: 'POST', headers: { authorization, 'content-type': 'text/csv' }, body });
  return { status: res.status, body: (await res.json()) as any };
}

/** Every row of a job's report, in pages of `limit`. */
async function report(t: TestHub, agency: string, jobId: string, limit = 1000): Promise<{ job: any; rows: any[]; pages: number }> {
  const rows: any[] = [];
  let after = 0;
  let pages = 0;
  for (;;) {
    const page = (await t.client(agency).get<any>(`/v1/lists/${jobId}?afterRow=${after}&limit=${limit}`)).body;
    pages++;
    rows.push(...page.rows);
    if (page.nextRow === undefined) return { job: page.job, rows, pages };
    after = page.nextRow;
  }
}

/** Cases as sets of `agency|externalId`, sorted, so that two hubs' case ids need not agree. */
function partition(caseOf: Map<string, string>): string[] {
  const byCase = new Map<string, string[]>();
  for (const [who, caseId] of caseOf) byCase.set(caseId, [...(byCase.get(caseId) ?? []), who]);
  return [...byCase.values()].map((m) => m.sort().join(' + ')).sort();
}

async function caseOfListRows(t: TestHub, agencyId: string, jobId: string, externalIds: readonly string[], into: Map<string, string>) {
  const { job, rows } = await report(t, agencyId, jobId);
  expect(job).toMatchObject({ status: 'done', processed: externalIds.length, rejected: 0 });
  for (const r of rows) {
    expect(r.state).toBe('done');
    into.set(`${agencyId}|${externalIds[r.row - 1]}`, r.result.caseId);
  }
}

/** Members of every case, from the cases table: every record is in exactly one case. */
async function membersByRecord(t: TestHub): Promise<Map<string, string>> {
  const members = (await t.scan('cases')).filter((i: any) => i.sk.S.startsWith('MEM#'));
  const byRecord = new Map<string, string>();
  for (const m of members as any[]) {
    expect(byRecord.has(m.recordId.S)).toBe(false);
    byRecord.set(m.recordId.S, m.caseId.S);
  }
  return byRecord;
}

const heads = async (t: TestHub) => (await t.scan('records')).filter((i: any) => i.sk.S === 'HEAD');

describe('bulk and single paths', () => {
  let single: TestHub;
  let bulk: TestHub;
  beforeAll(async () => {
    [single, bulk] = await Promise.all([startTestHub(), startTestHub()]);
  });
  afterAll(async () => {
    await Promise.all([single.hub.close(), bulk.hub.close()]);
  });

  it('reach the same cases when the same rows come one by one through POST /v1/records or as lists', { timeout: 240_000 }, async () => {
    const input = lists(40, 11);
    const singleCases = new Map<string, string>();
    for (const l of input) {
      for (const record of l.records) {
        const res = await single.client(l.agencyId).post<any>('/v1/records', record);
        expect([200, 201]).toContain(res.status);
        singleCases.set(`${l.agencyId}|${record.externalId}`, res.body.caseId);
      }
    }
    const bulkCases = new Map<string, string>();
    for (const l of input) {
      const up = await upload(bulk, l.agencyId, l.csv);
      expect(up.status).toBe(202);
      await bulk.hub.listQueue.drained();
      await caseOfListRows(bulk, l.agencyId, up.body.job.jobId, l.externalIds, bulkCases);
    }
    // Some children are on several lists: the comparison means something only if cases were joined.
    expect(partition(singleCases).some((c) => c.includes(' + '))).toBe(true);
    expect(partition(bulkCases)).toEqual(partition(singleCases));

    // What publishRecord does besides linking, the bulk path did too: records sealed, members, counters, notices, audit.
    const [singleHeads, bulkHeads] = await Promise.all([heads(single), heads(bulk)]);
    expect(bulkHeads).toHaveLength(singleHeads.length);
    for (const h of bulkHeads as any[]) {
      expect(h).toMatchObject({ linkedVersion: { N: '1' }, version: { N: '1' }, enc: { M: expect.any(Object) } });
      expect(JSON.stringify(h.enc)).not.toMatch(/[\u4e00-\u9fff]/);
    }
    const members = await membersByRecord(bulk);
    expect(members.size).toBe(bulkHeads.length);
    const counters = (t: TestHub) =>
      t.scan('records').then((items) => items.filter((i: any) => i.pk.S.startsWith('CNT#')).reduce((sum, i: any) => sum + Number(i.n.N), 0));
    expect(await counters(bulk)).toBe(await counters(single));
    const notices = (t: TestHub) => t.scan('notifications').then((items) => items.filter((i: any) => i.kind.S === 'record_linked').length);
    expect(await notices(bulk)).toBe(await notices(single));
    const audited = (await bulk.scan('audit')).filter((e: any) => e.route.S === 'WORKER lists').flatMap((e: any) => e.recordIds?.SS ?? []);
    expect(new Set(audited)).toEqual(new Set(bulkHeads.map((h: any) => h.recordId.S)));
  });
});

describe('two agencies’ lists at once', () => {
  let sequential: TestHub;
  let concurrent: TestHub;
  beforeAll(async () => {
    [sequential, concurrent] = await Promise.all([startTestHub(), startTestHub()]);
  });
  afterAll(async () => {
    await Promise.all([sequential.hub.close(), concurrent.hub.close()]);
  });

  it('give the cases they give one after the other', { timeout: 240_000 }, async () => {
    const [civil, education] = lists(60, 23);
    const seqCases = new Map<string, string>();
    for (const l of [civil!, education!]) {
      const up = await upload(sequential, l.agencyId, l.csv);
      await sequential.hub.listQueue.drained();
      await caseOfListRows(sequential, l.agencyId, up.body.job.jobId, l.externalIds, seqCases);
    }

    // Keep the messages, then hand both jobs to two workers at once.
    const messages: SQSEvent['Records'] = [];
    concurrent.hub.listQueue.attach(async (event) => {
      messages.push(...event.Records);
      return { batchItemFailures: [] };
    });
    const jobs = [];
    for (const l of [civil!, education!]) jobs.push((await upload(concurrent, l.agencyId, l.csv)).body.job.jobId as string);
    await concurrent.hub.listQueue.drained();
    expect(messages).toHaveLength(2);
    const worker = createListWorker(concurrent.hub.runtime);
    const out = await Promise.all(messages.map((m) => worker({ Records: [m] })));
    expect(out.every((o) => o.batchItemFailures.length === 0)).toBe(true);
    const conCases = new Map<string, string>();
    await caseOfListRows(concurrent, civil!.agencyId, jobs[0]!, civil!.externalIds, conCases);
    await caseOfListRows(concurrent, education!.agencyId, jobs[1]!, education!.externalIds, conCases);
    expect(partition(seqCases).some((c) => c.includes(' + '))).toBe(true);
    expect(partition(conCases)).toEqual(partition(seqCases));
    expect((await membersByRecord(concurrent)).size).toBe(civil!.records.length + education!.records.length);
  });
});

describe('a worker stopped halfway', () => {
  let t: TestHub;
  let failing: ((command: unknown, n: number) => 'fail' | 'lose-reply' | 'pass') | undefined;
  beforeAll(async () => {
    t = await startTestHub();
    const send = t.hub.dynamo.send.bind(t.hub.dynamo) as (...args: unknown[]) => Promise<unknown>;
    const counts = new Map<string, number>();
    (t.hub.dynamo as unknown as { send: (...args: unknown[]) => Promise<unknown> }).send = async (command: any, ...rest: unknown[]) => {
      const n = (counts.get(command.constructor.name) ?? 0) + 1;
      counts.set(command.constructor.name, n);
      const verdict = failing?.(command, n) ?? 'pass';
      const injected = Object.assign(new Error('injected store failure'), { name: 'InternalServerError', $fault: 'server' });
      if (verdict === 'fail') throw injected;
      const out = await send(command, ...rest);
      if (verdict === 'lose-reply') throw injected;
      return out;
    };
  });
  afterAll(async () => {
    await t.hub.close();
  });

  /**
   * Fails (or loses the reply of) the `nth` to `nth + times - 1` bulk commits from now on: the transactions that
   * write records and finish list rows together (claims, the audit's and everything else go on).
   */
  function faultTransactions(kind: 'fail' | 'lose-reply', nth: number, times = 1) {
    let seen = 0;
    failing = (command: any) => {
      if (command.constructor.name !== 'TransactWriteItemsCommand') return 'pass';
      const tables = new Set(command.input.TransactItems.map((i: any) => (Object.values(i)[0] as { TableName: string }).TableName));
      if (!tables.has(t.hub.tables.records) || !tables.has(t.hub.tables.lists)) return 'pass';
      seen++;
      return seen >= nth && seen < nth + times ? kind : 'pass';
    };
  }

  async function expectExactlyOnce(agencyId: string, jobId: string, externalIds: readonly string[]) {
    const { job, rows } = await report(t, agencyId, jobId, 9);
    expect(job).toMatchObject({ status: 'done', total: externalIds.length, processed: externalIds.length });
    expect(job.outcomes.auto + job.outcomes.review + job.outcomes.new).toBe(externalIds.length);
    expect(rows.map((r) => r.row)).toEqual(externalIds.map((_, i) => i + 1));
    expect(new Set(rows.map((r) => r.result.recordId)).size).toBe(externalIds.length);
    const members = await membersByRecord(t);
    for (const r of rows) expect(members.get(r.result.recordId)).toBe(r.result.caseId);
  }

  it.each([
    ['a commit that fails', 'fail' as const],
    ['a commit applied whose reply is lost', 'lose-reply' as const],
  ])('resumes after %s (the message comes back) and finishes every row once', { timeout: 120_000 }, async (_name, kind) => {
    const l = lists(50, 31)[kind === 'fail' ? 0 : 1]!;
    faultTransactions(kind, 4);
    const up = await upload(t, l.agencyId, l.csv);
    expect(up.status).toBe(202);
    await t.hub.listQueue.drained();
    failing = undefined;
    await expectExactlyOnce(l.agencyId, up.body.job.jobId, l.externalIds);
    const audit = (await t.scan('audit')).filter((e: any) => e.route.S === 'WORKER lists' && e.path.S.endsWith(up.body.job.jobId));
    expect(audit.some((e: any) => e.outcome.S !== 'allow')).toBe(true);
  });

  it('resumes on re-upload after the store was down past every redelivery', { timeout: 120_000 }, async () => {
    const l = lists(50, 31)[2]!;
    faultTransactions('fail', 5, 10_000);
    const up = await upload(t, l.agencyId, l.csv);
    expect(up.status).toBe(202);
    await t.hub.listQueue.drained();
    const stuck = (await t.client(l.agencyId).get<any>(`/v1/lists/${up.body.job.jobId}`)).body.job;
    expect(stuck.status).toBe('processing');
    expect(stuck.processed).toBeLessThan(l.externalIds.length);

    failing = undefined;
    const again = await upload(t, l.agencyId, l.csv);
    expect(again).toMatchObject({ status: 200, body: { created: false, job: { jobId: up.body.job.jobId } } });
    await t.hub.listQueue.drained();
    await expectExactlyOnce(l.agencyId, up.body.job.jobId, l.externalIds);
  });

  it('queues a job again when its time budget is spent, and each invocation takes it on from where the last stopped', { timeout: 120_000 }, async () => {
    const l = lists(50, 47)[0]!;
    const messages: string[] = [];
    const worker = createListWorker(t.hub.runtime, { budgetMs: 1, pageRows: 10 });
    t.hub.listQueue.attach(async (event) => {
      messages.push(...event.Records.map((r) => r.messageId));
      return worker(event);
    });
    try {
      const up = await upload(t, l.agencyId, `${l.csv.split('\n').slice(0, 26).join('\n')}\n`);
      await t.hub.listQueue.drained();
      const ids = l.externalIds.slice(0, 25);
      await expectExactlyOnce(l.agencyId, up.body.job.jobId, ids);
      // 25 rows in pages of 10: three invocations, each auditing its page.
      expect(messages).toHaveLength(3);
      const audit = (await t.scan('audit')).filter((e: any) => e.route.S === 'WORKER lists' && e.path.S.endsWith(up.body.job.jobId));
      expect(new Set(audit.map((e: any) => e.requestId.S))).toEqual(new Set(messages));
      expect(audit.flatMap((e: any) => e.recordIds?.SS ?? [])).toHaveLength(25);
    } finally {
      t.hub.listQueue.attach(createListWorker(t.hub.runtime));
    }
  });
});
