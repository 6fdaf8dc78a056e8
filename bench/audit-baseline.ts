/**
 * The full-scan way, as the hub did it before the audit indexes: every search,
 * access report and verification scanned the whole audit table and worked in
 * memory. Kept here only as the baseline `npm run bench:audit` measures against.
 */
import { type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { ChainedEvent } from '../schemas/entities/audit';
import { contentHash, GENESIS, linkHash } from '../lambdas/crypto/hash-chain';
import { itemToPlain, type Item } from '../lambdas/data/dynamo';

/**
 * Items per scan page. DynamoDB Local answers a Scan without `Limit` by reading far more than the page it returns
 * (its first page at 1,000,000 items did not come back in 10 minutes, while pages of 100 came in 50 ms); with a
 * `Limit` every page costs what it returns, as on DynamoDB, where `Limit` changes nothing but the page size.
 */
const SCAN_PAGE = 1000;

export async function scanAll(client: DynamoDBClient, tableName: string, keep: (e: ChainedEvent) => boolean): Promise<{ items: ChainedEvent[]; read: number }> {
  const items: ChainedEvent[] = [];
  let read = 0;
  let start: Item | undefined;
  const t0 = performance.now();
  do {
    const out = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start, Limit: SCAN_PAGE }));
    read += out.ScannedCount ?? 0;
    if (read % 20_000 < (out.ScannedCount ?? 0)) process.stderr.write(`  scanned ${read} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
    for (const i of out.Items ?? []) {
      const e = itemToPlain(i) as ChainedEvent;
      if (keep(e)) items.push(e);
    }
    start = out.LastEvaluatedKey;
  } while (start);
  return { items, read };
}

/** Loads every event, sorts each chain, and checks every link (no digests: the baseline's cost is the scan and the memory). */
export function verifyInMemory(events: readonly ChainedEvent[]): number {
  const byChain = new Map<number, ChainedEvent[]>();
  for (const e of events) if (typeof e.chain === 'number') (byChain.get(e.chain) ?? byChain.set(e.chain, []).get(e.chain)!).push(e);
  let problems = 0;
  for (const [chain, list] of byChain) {
    list.sort((a, b) => a.seq - b.seq);
    let prev = GENESIS;
    for (const e of list) {
      if (contentHash(e) !== e.contentHash || linkHash(chain, e.seq, e.prevHash, e.contentHash) !== e.hash || e.prevHash !== prev) problems++;
      prev = e.hash;
    }
  }
  return problems;
}
