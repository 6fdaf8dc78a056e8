/**
 * Blocks in the hub (DynamoDB Local, real tables): one item per blind blocking key holds the ids filed under
 * it and, while a record decides, its claim. A record is filed when its decision commits, never before; a
 * block that is full (FILING_CAP, set low here) is not grown, and its key is still claimed, so a record that
 * shares only that key with another still waits for it. The record links through its other keys.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blindBlockingKeys } from '../../lambdas/domain/cases/link-record';
import { createLinkingHarness, type LinkingHarness } from '../support/linking';

let h: LinkingHarness;
let full: LinkingHarness;
beforeAll(async () => {
  h = await createLinkingHarness('blocks');
  full = await createLinkingHarness('fullblocks', { filingCap: 2 });
});
afterAll(() => {
  h.close();
  full.close();
});

const CIVIL = { agencyId: 'xz-civil-affairs', agencyType: 'civil_affairs' } as const;
const EDU = { agencyId: 'xz-education', agencyType: 'education' } as const;
const PHONE = '13900000000';

async function blockItem(key: string, harness = h) {
  const out = await harness.client.send(
    new GetItemCommand({ TableName: harness.tables.records, Key: { pk: { S: `BLK#${key}` }, sk: { S: 'BLK' } }, ConsistentRead: true }),
  );
  return out.Item;
}

describe('blocks', () => {
  it('files records under a shared key until its block is full, then links through the other keys', async () => {
    // Prepare: three different children whose guardians share one phone (a children's home's line), in a hub whose blocks hold 2.
    const trials = [full.nextTrial(), full.nextTrial(), full.nextTrial()];
    const guardian = { name: '巴桑次仁', phone: PHONE, relation: 'father' };
    const records = trials.map((t) => full.child(t, { externalId: `MZ-${t}`, guardian }));
    const phoneKey = await full.deps.index.compute('blocking', `gp:${PHONE}`);
    const keys = await blindBlockingKeys(full.deps, { ...CIVIL, record: records[2]! });
    // Act
    const published: Awaited<ReturnType<typeof full.publish>>[] = [];
    for (const record of records) published.push(await full.publish(CIVIL, record));
    const linked = await full.publish(EDU, full.child(trials[2]!, { externalId: `JY-${trials[2]}`, guardian }));
    // Assess: three cases; the phone's block holds the first two only, and no claim is left on it.
    expect(new Set(published.map((p) => p.caseId)).size).toBe(3);
    const block = await blockItem(phoneKey, full);
    expect([...(block?.ids?.SS ?? [])].sort()).toEqual([published[0]!.recordId, published[1]!.recordId].sort());
    expect(block?.owner).toBeUndefined();
    // The third record is filed under its keys that had room, and the same child from another agency joins its case.
    // Exactly: under each of its keys unless both earlier records were there already (the block was full).
    for (const key of keys) {
      const ids = (await blockItem(key, full))?.ids?.SS ?? [];
      const earlier = [published[0]!, published[1]!].filter((p) => ids.includes(p.recordId)).length;
      expect(ids.includes(published[2]!.recordId), key).toBe(earlier < 2);
    }
    expect(linked.caseId).toBe(published[2]!.caseId);
    expect(linked.link).toBe('auto');
    // A full block's key is still among the record's decided keys: publishing again changes nothing.
    const again = await full.publish(CIVIL, records[2]!);
    expect(again.status).toBe('unchanged');
    expect(again.caseId).toBe(published[2]!.caseId);
    expect((await blockItem(phoneKey, full))?.ids?.SS).toHaveLength(2);
  });

  it('files nothing for a decision that does not commit, and everything once it does', async () => {
    // Prepare: where the linking commit falls in a publish (its last transaction: the record, the claims, the commit).
    const probe = h.nextTrial();
    h.faults.reset();
    await h.publish(CIVIL, h.child(probe, { externalId: `MZ-${probe}` }));
    const calls = Array.from({ length: h.faults.count() }, (_, i) => h.faults.nameOf(i + 1));
    const commitAt = calls
      .map((name, i) => (name === 'TransactWriteItemsCommand' ? i + 1 : 0))
      .filter((n) => n > 0)
      .at(-1)!;
    const t = h.nextTrial();
    const record = h.child(t, { externalId: `MZ-${t}` });
    const keys = await blindBlockingKeys(h.deps, { ...CIVIL, record });
    // Act: the commit is lost before it reaches the table; then the agency retries.
    h.faults.failAt(commitAt, 'fail');
    await expect(h.publish(CIVIL, record)).rejects.toThrow();
    h.faults.reset();
    const between = await Promise.all(keys.map((k) => blockItem(k)));
    const retried = await h.publish(CIVIL, record);
    // Assess: between the two, no block names the record; after the retry every block does, and no claim is left.
    for (const item of between) expect(item?.ids?.SS ?? []).not.toContain(retried.recordId);
    for (const key of keys) {
      const item = await blockItem(key);
      expect(item?.ids?.SS, key).toContain(retried.recordId);
      expect(item?.owner, key).toBeUndefined();
    }
    expect((await h.inspect(CIVIL, record)).missingBlockKeys).toEqual([]);
  });

  it('moves an updated record to its new keys with the claim, so it stays findable if the decision never commits', async () => {
    // Prepare: two linked records; each gets a new version with another guardian phone (a new key, an old one gone).
    const phoned = (t: number, phone: string) => h.child(t, { externalId: `MZ-${t}`, guardian: { name: '巴桑次仁', phone, relation: 'father' } });
    const [probe, t] = [h.nextTrial(), h.nextTrial()];
    await h.publish(CIVIL, phoned(probe, '13700000001'));
    const published = await h.publish(CIVIL, phoned(t, '13700000002'));
    // Where the linking commit falls in such an update (its last transaction), from the probe's.
    h.faults.reset();
    await h.publish(CIVIL, phoned(probe, '13800000001'));
    const calls = Array.from({ length: h.faults.count() }, (_, i) => h.faults.nameOf(i + 1));
    const commitAt = calls
      .map((name, i) => (name === 'TransactWriteItemsCommand' ? i + 1 : 0))
      .filter((n) => n > 0)
      .at(-1)!;
    const [oldPhone, newPhone] = await Promise.all([h.deps.index.compute('blocking', 'gp:13700000002'), h.deps.index.compute('blocking', 'gp:13800000002')]);
    // Act: the update's commit is lost; then the agency retries.
    h.faults.failAt(commitAt, 'fail');
    await expect(h.publish(CIVIL, phoned(t, '13800000002'))).rejects.toThrow();
    h.faults.reset();
    const between = await Promise.all([blockItem(oldPhone), blockItem(newPhone)]);
    const retried = await h.publish(CIVIL, phoned(t, '13800000002'));
    // Assess: in between it is under its new key already and no longer under the old one; the retry settles it in its case.
    expect(between[0]?.ids?.SS ?? []).not.toContain(published.recordId);
    expect(between[1]?.ids?.SS).toContain(published.recordId);
    expect(retried.caseId).toBe(published.caseId);
    expect((await h.inspect(CIVIL, phoned(t, '13800000002'))).missingBlockKeys).toEqual([]);
  });
});
