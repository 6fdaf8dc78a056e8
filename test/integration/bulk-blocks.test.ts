/**
 * How a list job's group, which claims nothing, and a record of the single path, which claims its keys,
 * keep each other's decisions fresh (DynamoDB Local, real tables, the real stores): a group commits only if
 * every block it read is at the version read and unclaimed; a single decision's release holds only if its
 * blocks are at the versions it read, so a claim that outlived its lease cannot commit over a group's filing.
 */
import { randomUUID } from 'node:crypto';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LinkingTable } from '../../lambdas/data/linking-table';
import { ListLinkingTable } from '../../lambdas/data/list-linking-table';
import { RecordsTable, recordKeys } from '../../lambdas/data/records-table';
import { localTableNames, type TableNames } from '../../lambdas/data/tables';
import type { BulkChange } from '../../lambdas/domain/lists/ports';
import { localDynamoClient } from '../../local/dynamodb-local';
import { ensureTables } from '../../local/tables';

const client = localDynamoClient(inject('dynamoEndpoint'));
let tables: TableNames;
let bulk: ListLinkingTable;
let linking: LinkingTable;
let records: RecordsTable;

beforeAll(async () => {
  tables = localTableNames('540000', `bulkblocks${randomUUID().slice(0, 8)}`);
  await ensureTables(client, tables);
  bulk = new ListLinkingTable(client, tables);
  linking = new LinkingTable(client, tables.records, tables.cases, tables.notifications);
  records = new RecordsTable(client, tables.records);
});
afterAll(() => client.destroy());

/** A group's change that only files records (no rows, records or cases: what the block conditions decide is the point here). */
const filing = (blocks: { key: string; version: number }[], filings: { recordId: string; keys: string[] }[], now = Date.now()): BulkChange => ({
  created: [],
  members: [],
  ledger: [],
  events: [],
  reviews: [],
  counters: new Map(),
  notify: [],
  rows: [],
  tally: { jobId: 'job_test', createdAt: new Date().toISOString(), lane: 'l' },
  blocks,
  filings,
  now,
});

const block = async (key: string) => {
  const [read] = await records.blocks([key], 50);
  const item = (await client.send(new GetItemCommand({ TableName: tables.records, Key: recordKeys.block(key), ConsistentRead: true }))).Item;
  return { ...read!, claimed: item?.owner !== undefined };
};

describe('blocks shared by list groups and single decisions', () => {
  it('files a group under blocks at the version it read, and refuses a group that read an older version', async () => {
    const key = `k-${randomUUID()}`;
    expect(await bulk.commit(filing([{ key, version: 0 }], [{ recordId: 'rec_a', keys: [key] }]))).toBe('ok');
    expect(await block(key)).toEqual({ ids: ['rec_a'], size: 1, version: 1, claimed: false });
    // A second group that read the block before the first one's filing.
    expect(await bulk.commit(filing([{ key, version: 0 }], [{ recordId: 'rec_b', keys: [key] }]))).toBe('conflict');
    // A group that only read the key (its block was full, say) is checked too.
    expect(await bulk.commit(filing([{ key, version: 0 }], []))).toBe('conflict');
    expect(await bulk.commit(filing([{ key, version: 1 }], [{ recordId: 'rec_b', keys: [key] }]))).toBe('ok');
    expect(await block(key)).toEqual({ ids: ['rec_a', 'rec_b'], size: 2, version: 2, claimed: false });
  });

  it('does not commit a group while a single decision holds a claim on one of its keys, and does once it is released', async () => {
    const [key, other] = [`k-${randomUUID()}`, `k-${randomUUID()}`];
    // A group that read `other` unfiled and `key` at `version`, filing its record under both.
    const group = (version: number) =>
      bulk.commit(
        filing(
          [
            { key: other, version: 0 },
            { key, version },
          ],
          [{ recordId: 'rec_g', keys: [other, key] }],
        ),
      );
    expect(await linking.claim({ owner: 'o1', recordId: 'rec_s', keys: [key], unfile: [], now: Date.now(), leaseMs: 60_000 })).toBe(true);
    expect(await group(0)).toBe('conflict');
    // Nothing of the refused group is written, not even under the unclaimed key.
    expect(await block(other)).toMatchObject({ ids: [], version: 0 });
    // The single decision commits: it files its record and releases.
    expect(
      await linking.commit({ heads: [], release: { owner: 'o1', keys: [key] }, file: { recordId: 'rec_s', keys: [key] }, versions: new Map([[key, 0]]) }),
    ).toBe(true);
    expect(await group(0)).toBe('conflict');
    // Read again, it sees the single record (version 1) and commits.
    expect(await group(1)).toBe('ok');
    expect(await block(key)).toEqual({ ids: ['rec_g', 'rec_s'], size: 2, version: 2, claimed: false });
  });

  it('lets a group past a claim whose lease ran out, and then refuses that claim holder a commit on its stale view', async () => {
    const key = `k-${randomUUID()}`;
    const claimedAt = Date.now() - 5_000;
    expect(await linking.claim({ owner: 'slow', recordId: 'rec_slow', keys: [key], unfile: [], now: claimedAt, leaseMs: 1_000 })).toBe(true);
    expect(await bulk.commit(filing([{ key, version: 0 }], [{ recordId: 'rec_g', keys: [key] }]))).toBe('ok');
    // The slow holder read version 0 under its claim; its release still names it as owner, but the block moved on.
    const stale = { heads: [], release: { owner: 'slow', keys: [key] }, file: { recordId: 'rec_slow', keys: [key] }, versions: new Map([[key, 0]]) };
    expect(await linking.commit(stale)).toBe(false);
    expect(await block(key)).toMatchObject({ ids: ['rec_g'], version: 1 });
    // Unfiling (a record that no longer has the key) also moves the version on.
    expect(await linking.claim({ owner: 'o2', recordId: 'rec_g', keys: [], unfile: [key], now: Date.now(), leaseMs: 1_000 })).toBe(true);
    expect(await block(key)).toMatchObject({ ids: [], size: 0, version: 2 });
  });
});
