/**
 * `npm start`: the whole hub on this machine. DynamoDB Local on 127.0.0.1:8000
 * (HUB_DYNAMODB_PORT), the API on 127.0.0.1:4000 (HUB_PORT), a local keyring
 * instead of KMS, and the demo province 540000 with five agency systems.
 * Data persists in .hub-local/dynamodb unless --in-memory is given.
 * Ctrl-C stops everything, DynamoDB Local included.
 */
import { deliverWebhooks } from '../lambdas/domain/notifications/webhooks';
import { sweepMergeFollowUps } from '../lambdas/domain/care/after-merge';
import { runOverdueJob } from '../lambdas/domain/care/overdue';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DynamoDbLocalError, startDynamoDbLocal } from './dynamodb-local';
import { ensureDemoProvince, writeHubInfo } from './demo-province';
import { startHubServer } from './hub';
import { runAlerts, sealDigest } from '../lambdas/domain/audit/seal';

function portFrom(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    console.error(`${name} must be a port number (1-65535), got "${raw}"`);
    process.exit(2);
  }
  return port;
}

// Node 20 runs the local hub; the deployed Lambdas run Node 24.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(): Promise<void> {
  const inMemory = process.argv.includes('--in-memory');
  const dir = resolve(process.env.HUB_LOCAL_DIR ?? '.hub-local');
  const hubPort = portFrom('HUB_PORT', 4000);
  const dynamoPort = portFrom('HUB_DYNAMODB_PORT', 8000);
  const state = await ensureDemoProvince(dir);
  const dbPath = join(dir, 'dynamodb');
  if (!inMemory) mkdirSync(dbPath, { recursive: true });

  const dynamo = await startDynamoDbLocal({ port: dynamoPort, ...(!inMemory && { dbPath }) });
  let hub: Awaited<ReturnType<typeof startHubServer>>;
  try {
    // HUB_TABLE_PREFIX serves other tables of the same database (a restore drill's: docs/runbook.md).
    const tablePrefix = process.env.HUB_TABLE_PREFIX;
    hub = await startHubServer({ state, dynamoEndpoint: dynamo.endpoint, port: hubPort, ...(tablePrefix && { tablePrefix }) });
  } catch (error) {
    await dynamo.stop();
    throw error;
  }
  writeHubInfo(state, hub.baseUrl);

  // As the stack's scheduled jobs do: seal a signed digest of the audit chains, and evaluate alerts.
  const digestMs = Number(process.env.HUB_AUDIT_DIGEST_SECONDS ?? state.province.auditDigestMinutes * 60) * 1000;
  const alertsMs = state.province.alerts.windowMinutes * 60_000;
  // And the care job: merge follow-ups a crash left pending, then overdue work, hourly (HUB_OVERDUE_SECONDS to
  // change); each item notifies once a day.
  const overdueMs = Number(process.env.HUB_OVERDUE_SECONDS ?? 3600) * 1000;
  // And the webhook job: agencies' new notifications posted to their webhooks, every minute (HUB_WEBHOOK_SECONDS).
  const webhooksMs = Number(process.env.HUB_WEBHOOK_SECONDS ?? 60) * 1000;
  const jobs = [
    setInterval(() => void sealDigest(hub.runtime.officers).catch(() => undefined), digestMs),
    setInterval(() => void runAlerts(hub.runtime.officers).catch(() => undefined), alertsMs),
    setInterval(
      () =>
        void sweepMergeFollowUps(hub.runtime.care)
          .catch(() => undefined)
          .then(() => runOverdueJob(hub.runtime.care))
          .catch(() => undefined),
      overdueMs,
    ),
    setInterval(() => void deliverWebhooks(hub.runtime.notifications.webhooks).catch(() => undefined), webhooksMs),
  ];

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the hub and DynamoDB Local...`);
    jobs.forEach(clearInterval);
    await hub.close();
    await dynamo.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  console.log(
    [
      `心桥 Xinqiao hub ${state.province.hubId} is running.`,
      `  API:            ${hub.baseUrl}  (GET ${hub.baseUrl}/v1/health)`,
      `  DynamoDB Local: ${dynamo.endpoint}${inMemory ? ' (in memory)' : ` (data in ${dbPath})`}`,
      `  Agencies:       ${state.province.agencies.map((a) => a.id).join(', ')}`,
      `  Private keys:   ${join(dir, 'agencies')}/<agencyId>.jwk.json`,
      `  Try:            npm run hub -- get /v1/openapi.json --as xz-education`,
      `  Officers:       ${state.province.officers.map((o) => o.id).join(', ') || '(none)'}; console at ${hub.baseUrl}/console ; npm run audit:verify`,
      'Press Ctrl-C to stop.',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  if (error instanceof DynamoDbLocalError) console.error(error.message);
  else console.error('The local hub could not start:', error);
  process.exit(1);
});
