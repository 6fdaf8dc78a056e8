/**
 * Fault injection on the publish path, on DynamoDB Local with the real SDK
 * client: a middleware fails the Nth DynamoDB call before it is sent, or lets
 * it apply and then loses the reply. For every N the publish fails, the retry
 * succeeds, and the record ends linked exactly once and findable.
 */
import { type AttributeValue, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLinkingHarness, type LinkingHarness } from '../support/linking';

let h: LinkingHarness;
beforeAll(async () => {
  h = await createLinkingHarness('faults');
});
afterAll(() => h.close());

const CIVIL = { agencyId: 'xz-civil-affairs', agencyType: 'civil_affairs' } as const;
const EDU = { agencyId: 'xz-education', agencyType: 'education' } as const;
const HEALTH = { agencyId: 'xz-health', agencyType: 'health' } as const;

/** One child per trial: the same shape, a different identity. */
function childOf(trial: number, externalId: string) {
  return h.child(trial, { externalId: `${externalId}-${trial}` });
}

async function callsOfCleanPublish(joining: boolean): Promise<number> {
  const trial = h.nextTrial();
  if (joining) await h.publish(CIVIL, childOf(trial, 'MZ'));
  h.faults.reset();
  await h.publish(EDU, childOf(trial, 'JY'));
  return h.faults.count();
}

/** The injected error itself, or the hub's 503 for it: a lost connection is classified as the store not answering. */
const INJECTED_OR_UNAVAILABLE = /injected|The database did not answer/;

describe('publish under injected faults', () => {
  for (const joining of [false, true]) {
    for (const mode of ['fail', 'lose-reply'] as const) {
      it(`repairs on retry after the ${mode === 'fail' ? 'failure' : 'lost reply'} of any DynamoDB call, ${joining ? 'joining a case' : 'opening a case'}`, async () => {
        const calls = await callsOfCleanPublish(joining);
        expect(calls).toBeGreaterThan(5);
        for (let n = 1; n <= calls; n++) {
          // Prepare
          const trial = h.nextTrial();
          const first = joining ? await h.publish(CIVIL, childOf(trial, 'MZ')) : undefined;
          h.faults.failAt(n, mode);

          // Act
          await expect(h.publish(EDU, childOf(trial, 'JY')), `call ${n} (${h.faults.nameOf(n)})`).rejects.toThrow(INJECTED_OR_UNAVAILABLE);
          h.faults.reset();
          const retry = await h.publish(EDU, childOf(trial, 'JY'));
          const later = await h.publish(HEALTH, childOf(trial, 'WJ'));

          // Assess
          const where = `call ${n} ${mode}`;
          if (first) expect(retry.caseId, where).toBe(first.caseId);
          expect(later.caseId, where).toBe(retry.caseId);
          expect(later.link, where).toBe('auto');
          const state = await h.inspect(EDU, childOf(trial, 'JY'));
          expect(await h.filedUnderId(childOf(trial, 'JY')), where).toHaveLength(joining ? 3 : 2); // no second record of the same externalId
          expect(state.memberships, where).toEqual([retry.caseId]);
          expect(state.headCaseId, where).toBe(retry.caseId);
          expect(state.missingBlockKeys, where).toEqual([]);
        }
      });
    }
  }

  it('leaves no claim behind', async () => {
    const claimed: unknown[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const out = await h.client.send(
        new ScanCommand({
          TableName: h.tables.records,
          FilterExpression: 'begins_with(pk, :b) AND attribute_exists(#o)',
          ExpressionAttributeNames: { '#o': 'owner' },
          ExpressionAttributeValues: { ':b': { S: 'BLK#' } },
          ExclusiveStartKey: start,
        }),
      );
      claimed.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    expect(claimed).toEqual([]);
  });
});
