/**
 * `npm run audit:verify`: verifies the local hub's audit trail (hash chains,
 * chain heads, signed digests), streaming, with progress on stderr, and names
 * the first event that was changed, deleted, reordered or cut off the end.
 * `-- --incremental` starts from the last signed digest a verification found
 * intact. Exit code 0 when intact, 1 when tampered, 2 when the hub's database
 * cannot be reached. For a deployed stack, privacy officers call GET /v1/audit/verify.
 */
import { resolve } from 'node:path';
import { LocalDigestSigner } from '../lambdas/crypto/digest-signer';
import { AuditTable } from '../lambdas/data/audit-table';
import { SealsTable } from '../lambdas/data/seals-table';
import { localTableNames } from '../lambdas/data/tables';
import { verifyAudit } from '../lambdas/domain/audit/verify';
import { ensureDemoProvince } from '../local/demo-province';
import { localDynamoClient } from '../local/dynamodb-local';
import { OFFLINE_BUDGET } from '../lambdas/shared/sdk-clients';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const state = await ensureDemoProvince(resolve(process.env.HUB_LOCAL_DIR ?? '.hub-local'));
const dynamo = localDynamoClient(`http://127.0.0.1:${process.env.HUB_DYNAMODB_PORT ?? '8000'}`, OFFLINE_BUDGET);
const tables = localTableNames(state.province.provinceCode, process.env.HUB_TABLE_PREFIX);
const seals = new SealsTable(dynamo, tables.seals);
const mode = process.argv.includes('--incremental') ? 'incremental' : 'full';
try {
  const result = await verifyAudit(
    { events: new AuditTable(dynamo, tables.audit, 0, seals), seals, signer: new LocalDigestSigner(state.keyMaterial.auditSigningKey!) },
    {
      mode,
      progressEvery: 5_000,
      onProgress: (p) =>
        process.stderr.write(`verified ${p.events} of ${p.total} events, ${p.digests} digests (${p.total ? Math.floor((100 * p.events) / p.total) : 100}%)\n`),
    },
  );
  const from = result.from ? ` from the digest of ${result.from.at}` : '';
  console.log(
    `audit trail of ${state.province.hubId} (${result.mode}${from}): ${result.events} events in ${result.chains} chains, ${result.digests} signed digests`,
  );
  if (result.ok) {
    console.log('intact: every chain, head and digest verifies (审计记录完整)');
    process.exit(0);
  }
  console.log(`TAMPERED (审计记录被篡改): ${result.problems.length} problem(s); first: ${result.first!.kind} — ${result.first!.detail}`);
  console.log(JSON.stringify(result.first, null, 2));
  process.exit(1);
} catch (error) {
  console.error(`Cannot read the audit trail (is the hub running? npm start): ${(error as Error).message}`);
  process.exit(2);
}
