/**
 * Key markers on DynamoDB Local: which blocking keys some record was ever filed under, so that a list batch
 * reads 100 keys a call instead of querying each. A single publish marks its keys; a table made with markers
 * says so (an older one does not, and the batch then queries every key); a bulk claim that read a key
 * unmarked fails if the key was marked meanwhile.
 */
import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListLinkingTable } from '../../lambdas/data/list-linking-table';
import { recordKeys } from '../../lambdas/data/records-table';
import { blindBlockingKeys } from '../../lambdas/domain/cases/link-record';
import { createLinkingHarness, type LinkingHarness } from '../support/linking';

let h: LinkingHarness;
beforeAll(async () => {
  h = await createLinkingHarness('markers');
});
afterAll(() => h.close());

const EDU = { agencyId: 'xz-education', agencyType: 'education' } as const;
const store = () => new ListLinkingTable(h.client, h.tables);

describe('key markers', () => {
  it('are written for every key of a record published one by one, and for no other key', async () => {
    // Prepare
    const record = h.child(h.nextTrial());
    const keys = await blindBlockingKeys(h.deps, { ...EDU, record });
    const other = await blindBlockingKeys(h.deps, { ...EDU, record: h.child(h.nextTrial()) });
    // Act
    await h.publish(EDU, record);
    // Assess
    expect(keys.length).toBeGreaterThan(5);
    expect(await store().markedKeys([...keys, ...other])).toEqual(new Set(keys));
  });

  it('are trusted only in a table made with them (the flag), so an older table has every key queried', async () => {
    expect(await store().markersComplete()).toBe(true);
    await h.client.send(new DeleteItemCommand({ TableName: h.tables.records, Key: recordKeys.markersFlag() }));
    expect(await store().markersComplete()).toBe(false);
  });

  it('make a bulk claim fail when a key read unmarked was marked meanwhile, and the claim holds once read again', async () => {
    const now = Date.now();
    const claim = { keys: ['k-marker-1', 'k-marker-2'], now, leaseMs: 5_000 };
    expect(await store().claim({ ...claim, owner: 'first', unmarked: ['k-marker-1', 'k-marker-2'] })).toBe(true);
    await store().release('first', claim.keys);
    // Someone was filed under both keys after `second` read them unmarked: its condition fails, nothing is taken.
    expect(await store().claim({ ...claim, owner: 'second', unmarked: ['k-marker-2'] })).toBe(false);
    expect(await store().markedKeys(claim.keys)).toEqual(new Set(claim.keys));
    expect(await store().claim({ ...claim, owner: 'second', unmarked: [] })).toBe(true);
    // The claims are second's now: a third owner waits.
    expect(await store().claim({ ...claim, owner: 'third', unmarked: [] })).toBe(false);
  });
});
