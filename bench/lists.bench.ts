/**
 * `npm run bench:lists [-- --rows N --single M]`: the hub's bulk list path on an embedded local hub
 * (DynamoDB Local, the same handlers as the Lambdas, the in-process list queue). Uploads a generated list
 * of N rows (default 20,000) with the signing client and prints the upload response time, the
 * upload-to-job-done time (target <= 60 s for 20,000 rows) and rows per second; then, in the same run,
 * publishes M other rows one by one through POST /v1/records and prints that throughput and the ratio.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDemoProvince } from '../local/demo-province';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import { freePort } from '../local/free-port';
import { startHubServer } from '../local/hub';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '20000' }, single: { type: 'string', default: '300' } } });
const rows = Number(values.rows);
const single = Number(values.single);
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const dir = mkdtempSync(join(tmpdir(), 'xq-bench-lists-'));
const dynamo = await startDynamoDbLocal({ port: await freePort(), heap: '2g' });
try {
  const state = await ensureDemoProvince(dir);
  const hub = await startHubServer({ state, dynamoEndpoint: dynamo.endpoint, port: 0 });
  console.log(`local hub at ${hub.baseUrl}; ${rows} list rows, ${single} single publishes (measurement to come)`);
  await hub.close();
} finally {
  await dynamo.stop();
  rmSync(dir, { recursive: true, force: true });
}
