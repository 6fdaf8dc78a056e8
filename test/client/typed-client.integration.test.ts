/**
 * The typed client against the real local hub (DynamoDB Local, test/support/hub.ts): publish with typed records,
 * follow a child's case and notifications, walk the ledger page by page, a list job's rows, and a failure's HubError.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildRecordV1, HubClient, HubError } from '../../client/hub-client';
import { startTestHub, type TestHub } from '../support/hub';
import { idNumberFor } from '../support/records';
import { collect } from './support';

let t: TestHub;
const clientOf = (agencyId: string) =>
  new HubClient({ baseUrl: t.hub.baseUrl, hubId: t.province.config.hubId, credentials: t.province.agencies[agencyId]!.credentials, sub: 'staff-001' });

const child = (externalId: string, name: string, birthDate: string, sequence: number): ChildRecordV1 => ({
  externalId,
  name,
  sex: 'F',
  birthDate,
  idNumber: idNumberFor('540102', birthDate, sequence),
  householdRegion: '540102',
  categories: ['left_behind'],
});

beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.hub.close();
});

describe('the typed client on the local hub', () => {
  it('publishes typed records, links a second agency into the case and tells the first', async () => {
    const civil = clientOf('xz-civil-affairs');
    const education = clientOf('xz-education');

    const first = await civil.publishRecord(child('CA-1', '卓玛', '2012-04-05', 11));
    const again = await civil.publishRecord(child('CA-1', '卓玛', '2012-04-05', 11));
    const linked = await education.publishRecord(child('EDU-1', '卓玛', '2012-04-05', 11));
    const notes = (await collect(civil.notifications())).filter((n) => n.caseId === first.caseId);

    expect(first).toMatchObject({ status: 'created', version: 1, link: 'new', otherHolders: false });
    expect(again).toMatchObject({ status: 'unchanged', recordId: first.recordId, caseId: first.caseId });
    expect(linked).toMatchObject({ status: 'created', link: 'auto', caseId: first.caseId, otherHolders: true });
    expect(notes.map((n) => n.kind)).toEqual(['record_linked']);
    expect((await civil.getRecord(first.recordId)).record).toMatchObject({ externalId: 'CA-1', name: '卓玛' });
    expect((await education.getCase(first.caseId, { purpose: 'assessment' })).caseId).toBe(first.caseId);
  });

  it('follows notifications as they come: verified, each once, oldest first, resumable from a stored cursor', async () => {
    const health = clientOf('xz-health');
    const civil = clientOf('xz-civil-affairs');
    const stop = new AbortController();
    const seen: { kind: string; caseId: string; id: string; cursor: string }[] = [];
    const watching = (async () => {
      for await (const { notification, item, cursor } of health.watchNotifications({ waitSeconds: 5 }, { signal: stop.signal })) {
        seen.push({ kind: notification.kind, caseId: notification.caseId, id: notification.notificationId, cursor });
        expect(item.notificationId).toBe(notification.notificationId);
        if (seen.length === 2) stop.abort();
      }
    })();
    // Published while the watch waits: health's own record tells nobody; each of civil affairs' two records of the
    // same child links into health's case and tells health.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const held = await health.publishRecord(child('H-W1', '拉姆', '2013-01-09', 21));
    await civil.publishRecord(child('CA-W1', '拉姆', '2013-01-09', 21));
    await civil.publishRecord(child('CA-W2', '拉姆', '2013-01-09', 21));
    await watching;

    expect(seen.map((n) => [n.kind, n.caseId])).toEqual([
      ['record_linked', held.caseId],
      ['record_linked', held.caseId],
    ]);
    expect(new Set(seen.map((n) => n.id)).size).toBe(2);
    // Resuming from the last stored cursor gives nothing already seen.
    const again = new AbortController();
    const after: string[] = [];
    const resumed = (async () => {
      for await (const { notification } of health.watchNotifications({ after: seen[1]!.cursor, waitSeconds: 1 }, { signal: again.signal }))
        after.push(notification.notificationId);
    })();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    again.abort();
    await resumed;
    expect(after).toEqual([]);
  });

  it('walks the ledger one row per page and finds what one big page holds, in the same order', async () => {
    const civil = clientOf('xz-civil-affairs');
    await civil.publishRecord(child('CA-2', '次仁', '2011-02-03', 12));
    await civil.publishRecord(child('CA-3', '格桑', '2010-06-07', 13));

    const paged = await collect(civil.ledger({ limit: 1 }));
    const whole = await civil.call('GET /v1/ledger', { query: { limit: 200 } });

    expect(paged.length).toBeGreaterThanOrEqual(3);
    expect(whole.cursor).toBeUndefined();
    expect(paged.map((row) => row.caseId)).toEqual(whole.items.map((row) => row.caseId));
  });

  it('uploads a list and reads every row report of its job, page by page', async () => {
    const civil = clientOf('xz-civil-affairs');
    const submitted = await civil.submitList('externalId,name\nL-1,王一\nL-2,王二\nL-3,王三\n');
    await t.hub.listQueue.drained();

    const rows = await collect(civil.jobRows(submitted.job.jobId, { limit: 1 }));
    const report = await civil.jobReport(submitted.job.jobId);

    expect(submitted.created).toBe(true);
    expect(rows.map((r) => [r.row, r.state])).toEqual([
      [1, 'done'],
      [2, 'done'],
      [3, 'done'],
    ]);
    expect(report.job).toMatchObject({ status: 'done', total: 3, processed: 3 });
    // The same bytes again are the same job, not a second one.
    expect(await civil.submitList('externalId,name\nL-1,王一\nL-2,王二\nL-3,王三\n')).toMatchObject({ created: false, job: { jobId: submitted.job.jobId } });
  });

  it("rejects with the hub's code and both messages when a record is not the caller's", async () => {
    const civil = clientOf('xz-civil-affairs');
    const { recordId } = await civil.publishRecord(child('CA-4', '拉姆', '2013-08-09', 14));

    const error = await clientOf('xz-health')
      .getRecord(recordId)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(HubError);
    expect(error).toMatchObject({ status: 404, code: 'NOT_FOUND', messageZh: expect.stringMatching(/[\u4e00-\u9fff]/), requestId: expect.any(String) });
  });
});
