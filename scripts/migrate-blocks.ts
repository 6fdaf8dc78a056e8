/**
 * `npm run migrate:blocks -- --table <RecordsTableName> [--endpoint URL] [--region R]`: moves a records table
 * to block items (lambdas/data/block-migration.ts), once, after the upgrade that brings them is deployed and
 * with publishing and list jobs paused (docs/runbook.md, "Upgrade to block items"). Without --endpoint it uses
 * the AWS credentials of the environment; with the local hub: `--endpoint http://127.0.0.1:8000` and the
 * local records table (`xinqiao-<province>-records`). Safe to run again.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Command } from 'commander';
import { migrateBlocks } from '../lambdas/data/block-migration';
import { FILING_CAP } from '../lambdas/domain/cases/link-plan';
import { sdkClient } from '../lambdas/shared/sdk-clients';
import { localDynamoClient } from '../local/dynamodb-local';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const program = new Command('migrate:blocks')
  .description('把记录表迁移为分块条目（升级后运行一次）/ move a records table to block items (once, after the upgrade)')
  .requiredOption('--table <name>', '记录表名称 / the records table name (the stack output RecordsTableName)')
  .option('--endpoint <url>', 'DynamoDB 地址（本地中心）/ a DynamoDB endpoint (the local hub)')
  .option('--region <region>', 'AWS 区域 / the AWS region', process.env.AWS_REGION ?? 'cn-northwest-1')
  .option('--segments <n>', '并行扫描段数 / parallel scan segments', '8');
program.parse();
const opts = program.opts<{ table: string; endpoint?: string; region: string; segments: string }>();
const client = opts.endpoint ? localDynamoClient(opts.endpoint) : sdkClient((config) => new DynamoDBClient({ ...config, region: opts.region }), 'dynamodb');
try {
  const started = performance.now();
  const done = await migrateBlocks(client, opts.table, { cap: FILING_CAP, segments: Math.max(1, Number(opts.segments) || 8) });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`迁移完成（${seconds} 秒）：移入 ${done.filings} 条归档，${done.overCap} 条因分块已满（${FILING_CAP}）未移入，删除 ${done.claims} 条旧认领`);
  console.log(
    `migrated in ${seconds} s: ${done.filings} filings moved, ${done.overCap} left out (block full at ${FILING_CAP}), ${done.claims} old claims removed`,
  );
  if (done.filings + done.overCap + done.claims > 0) console.log('再运行一次，直到全部为 0 / run again until all are 0 before resuming');
} catch (error) {
  console.error(`迁移失败，可再次运行 / migration failed, safe to run again: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  client.destroy();
}
