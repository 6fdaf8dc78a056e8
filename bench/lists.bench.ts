/**
 * `npm run bench:lists [-- --rows N --single M --seed S]`: the hub's bulk list path on an embedded local hub
 * (its own DynamoDB Local in memory, the same handlers as the Lambdas, the in-process list queue, the signing
 * client over HTTP). In one run:
 * 1. baseline: M education records published one by one through POST /v1/records (rows per second);
 * 2. a civil-affairs list of N generated rows (default 20,000; scripts/synthetic) uploaded through
 *    POST /v1/lists: the upload's response time, then upload-to-job-done time (polling GET /v1/lists/{id})
 *    and rows per second; target <= 60 s for 20,000 rows;
 * 3. the ratio of the two throughputs, and the job's outcomes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HubClient } from '../client/hub-client';
import { readList } from '../lambdas/domain/lists/parse-list';
import { ensureDemoProvince, loadAgencyJwk } from '../local/demo-province';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import { freePort } from '../local/free-port';
import { startHubServer } from '../local/hub';
import { generateLists } from '../scripts/synthetic/generate';
import { listToCsv } from '../scripts/synthetic/write-csv';

interface CallCount {
  calls: number;
  items: number;
  ms: number;
}

/** Counts the hub's DynamoDB calls by command: how many, how many items they carried, and their summed latency. */
function countCalls(client: DynamoDBClient): Map<string, CallCount> {
  const counts = new Map<string, CallCount>();
  const itemsOf = (name: string, input: any): number => {
    if (name === 'TransactWriteItemsCommand') return input.TransactItems?.length ?? 0;
    if (name === 'BatchWriteItemCommand') return Object.values(input.RequestItems ?? {}).reduce((n: number, l: any) => n + l.length, 0);
    if (name === 'BatchGetItemCommand') return Object.values(input.RequestItems ?? {}).reduce((n: number, l: any) => n + l.Keys.length, 0);
    return 1;
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? 'unknown';
      const started = performance.now();
      try {
        return await next(args);
      } finally {
        const c = counts.get(name) ?? { calls: 0, items: 0, ms: 0 };
        c.calls++;
        c.items += itemsOf(name, args.input);
        c.ms += performance.now() - started;
        counts.set(name, c);
      }
    },
    { step: 'initialize', name: 'benchCallCount' },
  );
  return counts;
}

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '20000' }, single: { type: 'string', default: '300' }, seed: { type: 'string', default: '20231026' } },
});
const rows = Number(values.rows);
const single = Number(values.single);
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const { lists } = generateLists({ perAgency: Math.max(rows, single), seed: Number(values.seed) });
const civil = lists.find((l) => l.profile.type === 'civil_affairs')!;
const education = lists.find((l) => l.profile.type === 'education')!;
const listCsv = listToCsv({ ...civil, rows: civil.rows.slice(0, rows), truth: civil.truth.slice(0, rows) });
const singles = readList(listToCsv({ ...education, rows: education.rows.slice(0, single), truth: education.truth.slice(0, single) }), 'csv')
  .rows.flatMap((r) => (r.record ? [r.record] : []))
  .slice(0, single);

const dir = mkdtempSync(join(tmpdir(), 'xq-bench-lists-'));
const dynamo = await startDynamoDbLocal({ port: await freePort(), heap: '2g' });
try {
  const state = await ensureDemoProvince(dir);
  const hub = await startHubServer({ state, dynamoEndpoint: dynamo.endpoint, port: 0 });
  const client = (id: string) =>
    new HubClient({
      baseUrl: hub.baseUrl,
      hubId: state.province.hubId,
      credentials: { agencyId: id, privateJwk: loadAgencyJwk(dir, id) },
      retry: { attempts: 1 },
    });
  console.log(`local hub at ${hub.baseUrl} (DynamoDB Local in memory)`);
  const calls = countCalls(hub.dynamo);

  // 1. The single path, one record at a time.
  const edu = client('xz-education');
  let t = performance.now();
  for (const record of singles) {
    const res = await edu.request('POST', '/v1/records', JSON.stringify(record));
    if (res.status !== 200 && res.status !== 201) throw new Error(`POST /v1/records answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
  const singleMs = performance.now() - t;
  const singleRate = singles.length / (singleMs / 1000);
  console.log(`single path: ${singles.length} records through POST /v1/records in ${seconds(singleMs)}: ${singleRate.toFixed(1)} rows/s`);

  // 2. The bulk path.
  calls.clear();
  const ca = client('xz-civil-affairs');
  t = performance.now();
  const uploaded = await ca.request<any>('POST', '/v1/lists', listCsv, { headers: { 'content-type': 'text/csv; charset=utf-8' } });
  const uploadMs = performance.now() - t;
  if (uploaded.status !== 202) throw new Error(`POST /v1/lists answered ${uploaded.status}: ${JSON.stringify(uploaded.body)}`);
  const jobId = uploaded.body.job.jobId as string;
  console.log(`upload of ${rows} rows (${(Buffer.byteLength(listCsv) / 1e6).toFixed(1)} MB): 202 in ${uploadMs.toFixed(0)} ms, job ${jobId}`);
  let job: any;
  let lastPrint = 0;
  for (;;) {
    const res = await ca.get<any>(`/v1/lists/${jobId}?limit=1`).catch((error: Error) => ({ status: 0, body: { error: error.message } }));
    if (res.status !== 200) {
      // The in-process worker shares the hub's event loop: a poll may time out while it reads the list.
      console.log(`  poll answered ${res.status}: ${JSON.stringify(res.body).slice(0, 200)}`);
      await new Promise((r) => setTimeout(r, 1000));
      continue;
    }
    job = res.body.job;
    if (job.status === 'done') break;
    if (performance.now() - lastPrint > 10_000) {
      lastPrint = performance.now();
      console.log(`  ${seconds(performance.now() - t)}: ${job.processed + job.rejected} of ${job.total} rows`);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  const doneMs = performance.now() - t;
  const bulkRate = job.processed / (doneMs / 1000);
  console.log(`upload to job done: ${seconds(doneMs)} (target <= 60 s for 20,000 rows): ${bulkRate.toFixed(1)} rows/s`);
  console.log(`  outcomes: ${JSON.stringify(job.outcomes)}, refused ${job.rejected}`);
  console.log('  DynamoDB calls during the job (command: calls, items, summed latency):');
  for (const [command, c] of [...calls].sort((a, b) => b[1].ms - a[1].ms))
    console.log(`    ${command}: ${c.calls} calls, ${c.items} items (${(c.items / job.total).toFixed(1)} a row), ${seconds(c.ms)}`);

  // The report pages through every row.
  let seen = 0;
  let after = 0;
  for (;;) {
    const page = (await ca.get<any>(`/v1/lists/${jobId}?afterRow=${after}&limit=5000`)).body;
    seen += page.rows.length;
    if (page.nextRow === undefined) break;
    after = page.nextRow;
  }
  console.log(`report: ${seen} of ${job.total} rows in pages of 5,000`);
  console.log(`ratio bulk / single: ${(bulkRate / singleRate).toFixed(1)}x`);
  await hub.close();
} finally {
  await dynamo.stop();
  rmSync(dir, { recursive: true, force: true });
}
