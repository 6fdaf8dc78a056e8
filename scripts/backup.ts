/**
 * The local restore drill's two halves (docs/runbook.md, "Restore"):
 *   npm run backup -- export --out /tmp/xq-export               # every table of the local hub to files
 *   npm run backup -- restore --in /tmp/xq-export --prefix drill # into fresh tables drill-<province>-<table>
 * then `HUB_TABLE_PREFIX=drill npm start` serves the restored tables and `npm run audit:verify` checks them.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { localTableNames } from '../lambdas/data/tables';
import { ensureDemoProvince } from '../local/demo-province';
import { localDynamoClient } from '../local/dynamodb-local';
import { exportTables, RestoreRefusedError, restoreTables } from './ops/table-backup';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { out: { type: 'string' }, in: { type: 'string' }, prefix: { type: 'string', default: 'xinqiao' } },
});
const [command] = positionals;
const state = await ensureDemoProvince(resolve(process.env.HUB_LOCAL_DIR ?? '.hub-local'));
const code = state.province.provinceCode;
const dynamo = localDynamoClient(`http://127.0.0.1:${process.env.HUB_DYNAMODB_PORT ?? '8000'}`);
try {
  if (command === 'export' && values.out) {
    const manifest = await exportTables(dynamo, localTableNames(code), code, resolve(values.out));
    for (const [id, t] of Object.entries(manifest.tables)) console.log(`${id}: ${t.items} items`);
    console.log(`导出完成 exported to ${resolve(values.out)}`);
  } else if (command === 'restore' && values.in) {
    const written = await restoreTables(dynamo, localTableNames(code, values.prefix), resolve(values.in));
    for (const [id, n] of Object.entries(written)) console.log(`${id}: ${n} items`);
    console.log(`恢复完成 restored into ${values.prefix}-${code}-*; serve them with HUB_TABLE_PREFIX=${values.prefix} npm start`);
  } else {
    console.error('usage: npm run backup -- export --out DIR | restore --in DIR --prefix PREFIX');
    process.exitCode = 2;
  }
} catch (error) {
  const refused = error instanceof RestoreRefusedError;
  console.error(refused ? `恢复被拒绝 restore refused: ${error.message}` : `失败 failed (is DynamoDB Local running? npm start): ${(error as Error).message}`);
  process.exitCode = refused ? 2 : 1;
}
