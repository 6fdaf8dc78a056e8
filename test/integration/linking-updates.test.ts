/**
 * An update re-files the record under its new blocking keys and decides its
 * link again (DynamoDB Local, real tables): a corrected detail keeps the case;
 * an identity that no longer fits moves the record to a case of its own with a
 * review item; the new identity is found by later publishes, the old keys are gone.
 */
import { GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blindBlockingKeys } from '../../lambdas/domain/cases/link-record';
import { createLinkingHarness, type LinkingHarness, sameChild } from '../support/linking';
import { idNumberFor } from '../support/records';

let h: LinkingHarness;
beforeAll(async () => {
  h = await createLinkingHarness('updates');
});
afterAll(() => h.close());

const CIVIL = { agencyId: 'xz-civil-affairs', agencyType: 'civil_affairs' } as const;
const EDU = { agencyId: 'xz-education', agencyType: 'education' } as const;
const HEALTH = { agencyId: 'xz-health', agencyType: 'health' } as const;

async function filedUnder(key: string): Promise<string[]> {
  const out = await h.client.send(
    new GetItemCommand({ TableName: h.tables.records, Key: { pk: { S: `BLK#${key}` }, sk: { S: 'BLK' } }, ConsistentRead: true }),
  );
  return out.Item?.ids?.SS ?? [];
}

describe('updates', () => {
  it('keeps the case when a corrected detail still fits, and re-files the record under its new keys', async () => {
    // Prepare
    const civil = await h.publish(CIVIL, sameChild(1, { externalId: 'MZ-1' }));
    const before = sameChild(1, { externalId: 'JY-1' });
    const edu = await h.publish(EDU, before);
    const oldKeys = await blindBlockingKeys(h.deps, { ...EDU, record: before });

    // Act: the school corrects the guardian's phone
    const after = sameChild(1, { externalId: 'JY-1', guardian: { name: '巴桑次仁', phone: '13999999999', relation: 'father' } });
    const updated = await h.publish(EDU, after);

    // Assess
    expect(edu).toMatchObject({ link: 'auto', caseId: civil.caseId });
    expect(updated).toMatchObject({ status: 'updated', version: 2, link: 'auto', caseId: civil.caseId });
    const newKeys = await blindBlockingKeys(h.deps, { ...EDU, record: after });
    for (const key of newKeys) expect(await filedUnder(key)).toContain(edu.recordId);
    for (const key of oldKeys.filter((k) => !newKeys.includes(k))) expect(await filedUnder(key)).not.toContain(edu.recordId);
    expect((await h.inspect(EDU, after)).missingBlockKeys).toEqual([]);
  });

  it('moves a record whose new identity no longer fits its case to a case of its own, with a review item, and later publishes find the new identity', async () => {
    // Prepare
    const civil = await h.publish(CIVIL, sameChild(2, { externalId: 'MZ-2' }));
    await h.publish(EDU, sameChild(2, { externalId: 'JY-2' }));
    const other = { name: '达瓦卓嘎', birthDate: '2014-11-02', idNumber: idNumberFor('540221', '2014-11-02', 77) };

    // Act: the school had mixed up two children: the record now names another child
    const moved = await h.publish(EDU, sameChild(2, { externalId: 'JY-2', ...other }));
    const later = await h.publish(HEALTH, sameChild(2, { externalId: 'WJ-2', ...other }));

    // Assess
    expect(moved).toMatchObject({ status: 'updated', link: 'review', reviewId: expect.stringMatching(/^rev_/) });
    expect(moved.caseId).not.toBe(civil.caseId);
    expect(await h.cases.review(moved.reviewId!)).toMatchObject({ cause: 'SPLIT', candidateCaseId: civil.caseId });
    expect(later).toMatchObject({ link: 'auto', caseId: moved.caseId });
    const state = await h.inspect(EDU, sameChild(2, { externalId: 'JY-2', ...other }));
    expect(state.memberships).toEqual([moved.caseId]);
    expect(state.missingBlockKeys).toEqual([]);
    expect((await h.deps.cases.snapshot(civil.caseId)).members.map((m) => m.agencyId)).toEqual([CIVIL.agencyId]);
  });

  it('counts every first link once, in a total spread over shards rather than one hot item', async () => {
    // Prepare / Act: 20 more children, each published once
    for (let i = 0; i < 20; i++) await h.publish(CIVIL, sameChild(100 + i, { externalId: `MZ-C${i}` }));

    // Assess: 5 first links above (the move is not a first link) and 20 here
    const out = await h.client.send(
      new ScanCommand({ TableName: h.tables.records, FilterExpression: 'begins_with(pk, :c)', ExpressionAttributeValues: { ':c': { S: 'CNT#' } } }),
    );
    const shards = (out.Items ?? []).filter((i) => /^CNT#[^#]+#\d+$/.test(i.pk!.S!));
    expect(shards.length).toBeGreaterThan(1);
    expect(shards.reduce((sum, i) => sum + Number(i.n!.N), 0)).toBe(25);
  });
});
