/**
 * `npm run bench:audit`: audit queries and verification at a province's volume.
 * Writes N synthetic events (default 1,000,000; `-- --events 200000` for less)
 * into DynamoDB Local (on disk, BatchWriteItem in parallel), hash-chained over
 * the hub's chains with signed digests, then measures, each against the
 * full-scan way (bench/audit-baseline.ts) in the same run:
 * 1. a case's access report (must read O(events of that case), not O(table));
 * 2. a day's search (one page of the newest events of a day, and the whole day);
 * 3. an incremental verification from the last verified digest (and, with
 *    `-- --full-verify`, a full streaming verification), with heap used.
 * Prints time and items read for each, and the ratios.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchWriteItemCommand, type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { AuditEvent, ChainedEvent, ChainHead, Digest } from '../schemas/entities/audit';
import { LocalDigestSigner } from '../lambdas/crypto/digest-signer';
import { CHAIN_COUNT, contentHash, digestHashOf, GENESIS, linkHash } from '../lambdas/crypto/hash-chain';
import { generateAuditSigningKey } from '../lambdas/crypto/local-keyring';
import { AuditTable, auditItem } from '../lambdas/data/audit-table';
import { itemToPlain, N, S, type Item } from '../lambdas/data/dynamo';
import { SealsTable, sealKeys } from '../lambdas/data/seals-table';
import { localTableNames } from '../lambdas/data/tables';
import { accessReport, searchEvents } from '../lambdas/domain/audit/officer-queries';
import { verifyAudit } from '../lambdas/domain/audit/verify';
import { timeOrderedId } from '../lambdas/shared/ids';
import { OFFLINE_BUDGET } from '../lambdas/shared/sdk-clients';
import { localDynamoClient, startDynamoDbLocal } from '../local/dynamodb-local';
import { freePort } from '../local/free-port';
import { ensureTables } from '../local/tables';
import { scanAll, verifyInMemory } from './audit-baseline';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const arg = (name: string) => process.argv.find((_a, i) => process.argv[i - 1] === `--${name}`);
const EVENTS = Number(arg('events') ?? 1_000_000);
const FULL_VERIFY = process.argv.includes('--full-verify');
const DAYS = 30;
const CASES = Math.max(10, Math.floor(EVENTS / 20));
const AGENCIES = ['xz-civil-affairs', 'xz-education', 'xz-health', 'xz-youth-league', 'xz-womens-federation'];
const DIGEST_EVERY = Math.max(1000, Math.floor(EVENTS / 100));
/** Events written after the last verified digest (what an incremental verification reads). */
const TAIL = Math.max(1000, Math.floor(EVENTS / 100));
const WRITERS = 8;
const DISCLOSURES = ['GET /v1/cases/{caseId}', 'GET /v1/records/{recordId}', 'POST /v1/cases/{caseId}/emergency'];
const ROUTES = ['GET /v1/records/{recordId}', 'GET /v1/cases/{caseId}', 'POST /v1/records', 'GET /v1/notifications', 'GET /v1/ledger'];

const dir = mkdtempSync(join(tmpdir(), 'xinqiao-bench-audit-'));
const IN_MEMORY = !process.argv.includes('--on-disk');
const db = await startDynamoDbLocal({ port: await freePort(), ...(IN_MEMORY ? { heap: process.env.BENCH_DYNAMODB_HEAP ?? '10g' } : { dbPath: dir }) });
// The full scan's pages take seconds each on DynamoDB Local: the bench's client waits for them (the hub's own budget would call that a frozen store).
const client = localDynamoClient(db.endpoint, { ...OFFLINE_BUDGET, silenceMs: 600_000, requestTimeoutMs: 600_000 });
const tables = localTableNames('540000', 'bench');
await ensureTables(client, tables);
const seals = new SealsTable(client, tables.seals);
const audit = new AuditTable(client, tables.audit, 3 * 365 * 86_400, seals);
const signer = new LocalDigestSigner(generateAuditSigningKey());

// --- the synthetic trail --------------------------------------------------------------------------
const caseId = (n: number) =>
  `case_${String(n)
    .padStart(26, '0')
    .replace(/[ILOU]/g, '0')}`;
const end = Date.UTC(2026, 10, 20);
const start = end - DAYS * 86_400_000;
const heads = new Map<number, ChainHead>();
let prevDigest = GENESIS;
let checkpointDigest: Digest | undefined;
let rnd = 42;
/** The access report's case: the case of an event in the middle of the trail (so it has events, as a real case does). */
const TARGET_EVENT = Math.floor(EVENTS / 2);
let target = '';
const random = () => {
  rnd = (rnd * 1103515245 + 12345) % 2 ** 31;
  return rnd / 2 ** 31;
};

function eventAt(i: number): Item {
  const time = new Date(start + Math.floor(((end - start) * i) / EVENTS));
  const agencyId = AGENCIES[i % AGENCIES.length]!;
  const route = ROUTES[Math.floor(random() * ROUTES.length)]!;
  const sub = `staff-${Math.floor(random() * 200)}`;
  const caseOf = caseId(Math.floor(random() * CASES));
  if (i === TARGET_EVENT) target = caseOf;
  const event: AuditEvent = {
    eventId: timeOrderedId('evt', time.getTime()),
    time: time.toISOString(),
    requestId: `req-${i}`,
    province: '540000',
    route,
    path: route.replace('{recordId}', `rec_${i}`).replace('{caseId}', 'case_x'),
    agencyId,
    agencyVerified: true,
    kid: `${agencyId}-k1`,
    sub,
    purpose: 'assessment',
    recordIds: [`rec_${String(i % (CASES * 3)).padStart(26, '0')}`],
    caseIds: [caseOf],
    outcome: 'allow',
    status: 200,
    ...(route === 'GET /v1/cases/{caseId}' && { disclosure: { legalBasis: ['consent'], consentIds: ['cns_1'], disclosed: [{ categories: ['identity'] }] } }),
  };
  const base = auditItem(event, Math.floor(time.getTime() / 1000) + 3 * 365 * 86_400);
  const chain = i % CHAIN_COUNT;
  const head = heads.get(chain) ?? { seq: 0, hash: GENESIS };
  const content = contentHash(itemToPlain(base));
  const seq = head.seq + 1;
  const hash = linkHash(chain, seq, head.hash, content);
  heads.set(chain, { seq, hash });
  return { ...base, chain: N(chain), seq: N(seq), prevHash: S(head.hash), hash: S(hash), contentHash: S(content) };
}

async function sealNow(at: string): Promise<Digest> {
  const body = { at, heads: Object.fromEntries([...heads].map(([c, h]) => [String(c), h])), prevDigestHash: prevDigest };
  const digestHash = digestHashOf(body);
  const digest: Digest = { digestId: timeOrderedId('dig'), ...body, digestHash, signature: await signer.sign(digestHash), keyId: signer.keyId };
  await seals.putDigest(digest);
  prevDigest = digestHash;
  return digest;
}

async function batchWrite(client: DynamoDBClient, items: Item[]): Promise<void> {
  let requests = items.map((Item) => ({ PutRequest: { Item } }));
  while (requests.length > 0) {
    const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [tables.audit]: requests } }));
    requests = (out.UnprocessedItems?.[tables.audit] ?? []).map((r) => ({ PutRequest: { Item: r.PutRequest!.Item! } }));
  }
}

const t0 = Date.now();
let written = 0;
let next = 0;
const batches: Item[][] = [];
const produce = async () => {
  // Events are made in order (chains and digests need it) and written by parallel writers, 25 at a time.
  while (next < EVENTS) {
    const batch: Item[] = [];
    while (batch.length < 25 && next < EVENTS) {
      batch.push(eventAt(next++));
      if (next % DIGEST_EVERY === 0 && next <= EVENTS - TAIL) {
        batches.push(batch.splice(0));
        await drain();
        checkpointDigest = await sealNow(new Date(start + Math.floor(((end - start) * next) / EVENTS)).toISOString());
      }
    }
    batches.push(batch);
    if (batches.length >= WRITERS * 4) await drain();
  }
  await drain();
};
async function drain() {
  const work = batches.splice(0);
  let k = 0;
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (k < work.length) {
        const b = work[k++]!;
        if (b.length > 0) await batchWrite(client, b);
        written += b.length;
        if (written % 50_000 < b.length)
          process.stderr.write(`  written ${written} / ${EVENTS} (${((written / (Date.now() - t0)) * 1000).toFixed(0)} items/s)\n`);
      }
    }),
  );
}
console.log(
  `Writing ${EVENTS.toLocaleString('en')} events over ${DAYS} days, ${CASES.toLocaleString('en')} cases, ${CHAIN_COUNT} chains, a digest every ${DIGEST_EVERY} events …`,
);
await produce();
for (const [chain, h] of heads)
  await client.send(new PutItemCommand({ TableName: tables.seals, Item: { ...sealKeys.head(chain), seq: N(h.seq), hash: S(h.hash) } }));
if (checkpointDigest) await seals.putCheckpoint({ digestId: checkpointDigest.digestId, digestAt: checkpointDigest.at, verifiedAt: new Date().toISOString() });
console.log(
  `  written in ${((Date.now() - t0) / 1000).toFixed(0)} s; the last verified digest leaves ${EVENTS - (checkpointDigest ? Number(Object.values(checkpointDigest.heads).reduce((n, h) => n + h.seq, 0)) : 0)} events to verify`,
);

// --- measurements ---------------------------------------------------------------------------------
interface Row {
  readonly what: string;
  readonly ms: number;
  readonly read: number;
  readonly found: number;
  readonly heapMb?: number;
}
const rows: [Row, Row][] = [];
async function measure(what: string, run: () => Promise<{ read: number; found: number }>): Promise<Row> {
  global.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  let peak = heap0;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 50);
  const s = performance.now();
  const r = await run();
  const ms = performance.now() - s;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  return { what, ms, ...r, heapMb: (peak - heap0) / 2 ** 20 };
}

const indexed = { events: audit, cases: { history: async () => [] } };
const day = new Date(start + 10 * 86_400_000).toISOString().slice(0, 10);
const dayRange = { from: `${day}T00:00:00.000Z`, to: new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString() };

let everything: ChainedEvent[] = [];
// The full-scan way: each of its searches, reports and verifications began with the same scan of the whole
// table (sequential, as the hub did); it is measured once here, and each baseline adds its own work in memory.
const scan = await measure('full scan of the audit table', async () => {
  const r = await scanAll(client, tables.audit, () => true);
  everything = r.items;
  return { read: r.read, found: r.items.length };
});
const baseline = async (what: string, work: (all: ChainedEvent[]) => number): Promise<Row> => {
  const r = await measure(what, async () => ({ read: scan.read, found: work(everything) }));
  return { ...r, ms: r.ms + scan.ms, heapMb: Math.max(r.heapMb ?? 0, scan.heapMb ?? 0) };
};

rows.push([
  await measure('access report of one case', async () => {
    const r = await accessReport(indexed, target);
    return { read: r.read, found: r.entries.length };
  }),
  await baseline(
    'access report, full scan',
    (all) =>
      all.filter((e) => Array.isArray(e.caseIds) && (e.caseIds as string[]).includes(target) && e.outcome === 'allow' && DISCLOSURES.includes(String(e.route)))
        .length,
  ),
]);
rows.push([
  await measure(`search: a day (${day}), first page of 500`, async () => {
    const r = await searchEvents({ events: audit }, dayRange, 500);
    return { read: r.read, found: r.items.length };
  }),
  await baseline(
    'search: a day, full scan and sort',
    (all) =>
      all
        .filter((e) => String(e.time).startsWith(day))
        .sort((a, b) => (String(a.time) < String(b.time) ? 1 : -1))
        .slice(0, 500).length,
  ),
]);
rows.push([
  await measure('search: the whole day, every page', async () => {
    let read = 0;
    let found = 0;
    let cursor: string | undefined;
    do {
      const r = await searchEvents({ events: audit }, dayRange, 5000, cursor);
      read += r.read;
      found += r.items.length;
      cursor = r.nextCursor;
    } while (cursor);
    return { read, found };
  }),
  await baseline('search: the whole day, full scan', (all) => all.filter((e) => String(e.time).startsWith(day)).length),
]);
rows.push([
  await measure('verification, incremental from the last verified digest', async () => {
    const r = await verifyAudit({ events: audit, seals, signer }, { mode: 'incremental' });
    if (!r.ok) throw new Error(`incremental verification failed: ${JSON.stringify(r.first)}`);
    return { read: r.events, found: r.events };
  }),
  await baseline('verification, full scan in memory', (all) => {
    const problems = verifyInMemory(all);
    if (problems > 0) throw new Error(`baseline verification found ${problems} problems`);
    return all.length;
  }),
]);
everything = [];
if (FULL_VERIFY) {
  const full = await measure('verification, full, streaming', async () => {
    const r = await verifyAudit(
      { events: audit, seals, signer },
      { mode: 'full', progressEvery: 100_000, onProgress: (p) => process.stderr.write(`  verified ${p.events} / ${p.total}\n`) },
    );
    if (!r.ok) throw new Error(`full verification failed: ${JSON.stringify(r.first)}`);
    return { read: r.events, found: r.events };
  });
  rows.push([full, rows.at(-1)![1]]);
}

const fmt = (r: Row) => `${r.ms.toFixed(0).padStart(8)} ms ${r.read.toLocaleString('en').padStart(11)} read ${(r.heapMb ?? 0).toFixed(0).padStart(5)} MB heap`;
console.log(`\nAudit at ${EVENTS.toLocaleString('en')} events (DynamoDB Local, one run):`);
for (const [indexedRow, scan] of rows) {
  console.log(`- ${indexedRow.what} (${indexedRow.found} found)\n    indexed:   ${fmt(indexedRow)}\n    full scan: ${fmt(scan)}  (${scan.found} found)`);
  console.log(`    ratio: ${(scan.ms / indexedRow.ms).toFixed(1)}x faster, ${(scan.read / Math.max(1, indexedRow.read)).toFixed(0)}x fewer items read`);
}
console.log(`\n(The full scan itself: ${fmt(scan)}; each baseline above is that scan plus its own work in memory.)`);
console.log(
  `The access report read ${rows[0]![0].read} items for a case with ${rows[0]![0].found} disclosures among ${EVENTS.toLocaleString('en')} events: O(events of the case).`,
);
client.destroy();
await db.stop();
rmSync(dir, { recursive: true, force: true });
