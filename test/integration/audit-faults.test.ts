/**
 * No effect without an audit record: a mutating route chains its audit intent
 * before it runs, so when the audit write fails (injected on the real hub's
 * DynamoDB client, every write to the audit table refused) the record or the
 * consent is never written, the caller gets 503 AUDIT_UNAVAILABLE with
 * Retry-After, and the retry once the trail is back does the work once.
 */
import { TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../support/hub';
import { idNumberFor } from '../support/records';

let t: TestHub;
let auditDown = false;
beforeAll(async () => {
  t = await startTestHub();
  const send = t.hub.dynamo.send.bind(t.hub.dynamo) as (command: unknown, ...rest: unknown[]) => Promise<unknown>;
  // Fault injection: while `auditDown`, every transaction that writes to the audit table fails as a throttled store would.
  (t.hub.dynamo as unknown as { send: typeof send }).send = async (command, ...rest) => {
    const writesAudit =
      command instanceof TransactWriteItemsCommand && (command.input.TransactItems ?? []).some((i) => i.Put?.TableName === t.hub.tables.audit);
    if (auditDown && writesAudit) throw Object.assign(new Error('injected: audit table unavailable'), { name: 'ServiceUnavailable' });
    return send(command, ...rest);
  };
});
afterAll(async () => {
  await t.hub.close();
});

const child = {
  name: '次仁拉姆',
  sex: 'F',
  birthDate: '2012-02-02',
  idNumber: idNumberFor('540102', '2012-02-02', 61),
  householdRegion: '540102',
  categories: [],
};

describe('a failed audit write leaves no effect', () => {
  it('does not publish a record when its audit intent cannot be written, and the retry publishes it once', async () => {
    const edu = t.client('xz-education', 'teacher-9');
    const recordsBefore = (await t.scan('records')).length;
    auditDown = true;
    const refused = await edu.post<any>('/v1/records', { externalId: 'FAULT-1', ...child });
    auditDown = false;
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('AUDIT_UNAVAILABLE');
    expect(refused.headers.get('retry-after')).toBeTruthy();
    expect((await t.scan('records')).length).toBe(recordsBefore);

    const retried = await edu.post<any>('/v1/records', { externalId: 'FAULT-1', ...child });
    expect(retried.status).toBe(201);
    expect(retried.body.status).toBe('created');
  });

  it('does not record a consent when its audit intent cannot be written', async () => {
    const civil = t.client('xz-civil-affairs', 'worker-3');
    const published = await civil.post<any>('/v1/records', { externalId: 'FAULT-2', ...child, idNumber: idNumberFor('540102', '2012-02-02', 62) });
    const consent = {
      caseId: published.body.caseId,
      grantor: { type: 'guardian', name: '次仁', relation: 'mother' },
      purposes: ['assessment'],
      dataCategories: ['identity'],
      recipients: [{ agencyType: 'education' }],
      validFrom: new Date(Date.now() - 60_000).toISOString(),
      validUntil: new Date(Date.now() + 86_400_000).toISOString(),
      evidence: { documentRef: 'form-7', sha256: 'a'.repeat(64), collectedBy: 'worker-3', collectedAt: new Date().toISOString() },
    };
    const casesBefore = (await t.scan('cases')).length;
    auditDown = true;
    const refused = await civil.post<any>('/v1/consents', consent);
    auditDown = false;
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('AUDIT_UNAVAILABLE');
    expect((await t.scan('cases')).length).toBe(casesBefore);
    const listed = await civil.get<any>(`/v1/consents?caseId=${published.body.caseId}`);
    expect(listed.body.items ?? listed.body.consents ?? []).toHaveLength(0);
  });
});
