import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HubClient } from './client/hub-client';
import { ensureDemoProvince, loadAgencyJwk } from './local/demo-province';
import { startDynamoDbLocal } from './local/dynamodb-local';
import { freePort } from './local/free-port';
import { startHubServer } from './local/hub';
import { generateLists } from './scripts/synthetic/generate';
import { listToCsv } from './scripts/synthetic/write-csv';
const rows = Number(process.argv[2] ?? 1000);
const { lists } = generateLists({ perAgency: rows, seed: 5 });
const csv = listToCsv(lists[0]!);
const dir = mkdtempSync(join(tmpdir(), 'xq-p-'));
const dynamo = await startDynamoDbLocal({ port: await freePort(), heap: '2g' });
const state = await ensureDemoProvince(dir);
const hub = await startHubServer({ state, dynamoEndpoint: dynamo.endpoint, port: 0 });
const stats = new Map<string, { n: number; ms: number }>();
const orig = hub.dynamo.send.bind(hub.dynamo);
(hub.dynamo as any).send = async (cmd: any, ...rest: any[]) => {
  const t = performance.now();
  try { return await orig(cmd, ...rest); } finally {
    const k = cmd.constructor.name; const s = stats.get(k) ?? { n: 0, ms: 0 }; s.n++; s.ms += performance.now() - t; stats.set(k, s);
  }
};
const ca = new HubClient({ baseUrl: hub.baseUrl, hubId: state.province.hubId, credentials: { agencyId: lists[0]!.profile.type === 'civil_affairs' ? 'xz-civil-affairs' : 'x', privateJwk: loadAgencyJwk(dir, 'xz-civil-affairs') } });
const t = performance.now();
const up = await ca.request<any>('POST', '/v1/lists', csv, { headers: { 'content-type': 'text/csv' } });
console.log('upload', up.status, (performance.now() - t).toFixed(0), 'ms');
await hub.listQueue.drained();
console.log('done', ((performance.now() - t) / 1000).toFixed(1), 's');
for (const [k, s] of [...stats].sort((a, b) => b[1].ms - a[1].ms)) console.log(k, s.n, (s.ms / 1000).toFixed(1), 's total', (s.ms / s.n).toFixed(1), 'ms avg');
await hub.close(); await dynamo.stop();
