/**
 * A province's tables to files and back (docs/runbook.md, "Restore"): the local form of a restore drill. On AWS the
 * tables come back from AWS Backup or point-in-time recovery into new tables; here an export writes every item of
 * every table as DynamoDB JSON, one item a line, with a manifest of counts and SHA-256s, and a restore writes them
 * into fresh tables. Items stay as they are: sealed fields stay sealed (the export holds ciphertext only), the audit
 * chains keep their hashes, so the restored hub's audit verification proves the restore lost and changed nothing.
 *
 * An operator's tool, not a Lambda: it scans (no Lambda role may).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AttributeValue, BatchWriteItemCommand, type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { TABLES, type TableId, type TableNames } from '../../lambdas/data/tables';
import { ensureTables } from '../../local/tables';

export interface BackupManifest {
  readonly format: 'xinqiao-table-export-v1';
  readonly provinceCode: string;
  readonly tables: Readonly<Record<string, { readonly file: string; readonly items: number; readonly sha256: string }>>;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Every item of every table into `dir` (created), one `<table id>.jsonl` each, and `manifest.json`. */
export async function exportTables(dynamo: DynamoDBClient, names: TableNames, provinceCode: string, dir: string): Promise<BackupManifest> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tables: Record<string, BackupManifest['tables'][string]> = {};
  for (const id of Object.keys(TABLES) as TableId[]) {
    const lines: string[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      // Pages of 1,000: DynamoDB Local reads far past what it returns when a scan has no limit.
      const page = await dynamo.send(new ScanCommand({ TableName: names[id], Limit: 1_000, ConsistentRead: true, ExclusiveStartKey: start }));
      for (const item of page.Items ?? []) lines.push(JSON.stringify(item));
      start = page.LastEvaluatedKey;
    } while (start);
    const text = lines.length ? `${lines.join('\n')}\n` : '';
    const file = `${id}.jsonl`;
    writeFileSync(join(dir, file), text, { mode: 0o600 });
    tables[id] = { file, items: lines.length, sha256: sha256(text) };
  }
  const manifest: BackupManifest = { format: 'xinqiao-table-export-v1', provinceCode, tables };
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  return manifest;
}

/** Why a restore refused to start: it writes nothing then. */
export class RestoreRefusedError extends Error {
  override readonly name = 'RestoreRefusedError';
}

/**
 * Writes an export into the tables `names` (created if missing), which must be empty: a restore never mixes with
 * live data. Every file is checked against the manifest before the first write. Returns the items written per table.
 */
export async function restoreTables(dynamo: DynamoDBClient, names: TableNames, dir: string): Promise<Record<string, number>> {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as BackupManifest;
  if (manifest.format !== 'xinqiao-table-export-v1') throw new RestoreRefusedError(`not a table export: ${dir}`);
  const files = new Map<TableId, string>();
  for (const id of Object.keys(TABLES) as TableId[]) {
    const entry = manifest.tables[id];
    if (!entry) throw new RestoreRefusedError(`the export has no ${id} table`);
    const text = readFileSync(join(dir, entry.file), 'utf8');
    if (sha256(text) !== entry.sha256) throw new RestoreRefusedError(`${entry.file} does not match its SHA-256 in the manifest: the export was changed`);
    files.set(id, text);
  }
  await ensureTables(dynamo, names);
  for (const id of files.keys()) {
    const probe = await dynamo.send(new ScanCommand({ TableName: names[id], Limit: 1 }));
    if ((probe.Items ?? []).length > 0) throw new RestoreRefusedError(`the target table ${names[id]} is not empty: restore into fresh tables`);
  }
  const written: Record<string, number> = {};
  for (const [id, text] of files) {
    const items = text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, AttributeValue>);
    for (let i = 0; i < items.length; i += 25) await writeBatch(dynamo, names[id], items.slice(i, i + 25));
    written[id] = items.length;
  }
  return written;
}

/** One BatchWriteItem, its unprocessed items sent again with backoff until none is left. */
async function writeBatch(dynamo: DynamoDBClient, table: string, items: Record<string, AttributeValue>[]): Promise<void> {
  let pending: { PutRequest: { Item: Record<string, AttributeValue> } }[] = items.map((Item) => ({ PutRequest: { Item } }));
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(2_000, 50 * 2 ** attempt)));
    if (attempt > 20) throw new Error(`${table}: ${pending.length} items still unprocessed after ${attempt} attempts`);
    const out = await dynamo.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
    pending = (out.UnprocessedItems?.[table] ?? []) as typeof pending;
  }
}
