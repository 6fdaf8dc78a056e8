/**
 * One person, one file across merges and splits (docs/care-loop.md, "After a merge or a split"), over HTTP on
 * DynamoDB Local: care data and consents recorded under a case that is later merged away are read through the
 * surviving case's file (its routes, the archive, the worklist, the consent gate), never wider than the consent
 * said; a split that takes back every record a former case brought takes its file along; a merge that fails at any
 * DynamoDB call of its own is repaired by retrying it, and every request is audited once; a merge whose follow-up
 * fails after the commit, and is never retried, is repaired by the care job's sweep of pending follow-ups.
 */
import { randomUUID } from 'node:crypto';
import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreementBody, keyed, makeCareCase } from '../support/care';
import { startTestHub, type TestHub } from '../support/hub';
import { obligationIdOf } from '../../lambdas/domain/care/worklist';
import { sweepMergeFollowUps } from '../../lambdas/domain/care/after-merge';
import type { CareDeps } from '../../lambdas/domain/care/care-deps';

let t: TestHub;
let faults: TableFaults;
let followUps: { arm(naming?: string): void; disarm(): void };
beforeAll(async () => {
  t = await startTestHub();
  faults = injectTableFaults(t.hub.dynamo, () => [t.hub.tables.cases, t.hub.tables.care, t.hub.tables.records]);
  followUps = failFollowUps(t.hub.dynamo, () => t.hub.tables.care);
});
afterAll(async () => {
  await t.hub.close();
});

/** Fails the Nth DynamoDB call that names one of `tables` (before sending, or after it applied, losing the reply). */
interface TableFaults {
  count(): number;
  reset(): void;
  failAt(n: number, mode: 'fail' | 'lose-reply'): void;
}
function injectTableFaults(client: DynamoDBClient, tables: () => readonly string[]): TableFaults {
  let seen = 0;
  let target: { n: number; mode: 'fail' | 'lose-reply' } | undefined;
  const lost = () => Object.assign(new Error('injected: connection reset'), { name: 'TimeoutError', code: 'ECONNRESET', $metadata: {} });
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = JSON.stringify((args as { input?: unknown }).input ?? {});
      if (!tables().some((name) => input.includes(`"${name}"`))) return next(args);
      seen++;
      if (target?.n !== seen) return next(args);
      if (target.mode === 'fail') throw lost();
      await next(args);
      throw lost();
    },
    { step: 'initialize', name: 'careAfterMergeFaults' },
  );
  return {
    count: () => seen,
    reset: () => {
      seen = 0;
      target = undefined;
    },
    failAt: (n, mode) => {
      seen = 0;
      target = { n, mode };
    },
  };
}

/**
 * While armed, fails every call to the care table but a transaction (the merge's own, which writes the pending
 * follow-up): what follows a merge cannot run, as if the Lambda had died after the commit. Armed with a string,
 * fails only the calls (to any table) that name it: one case's follow-up, not the others'.
 */
function failFollowUps(client: DynamoDBClient, care: () => string) {
  let armed: string | undefined;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = JSON.stringify((args as { input?: unknown }).input ?? {});
      if (armed !== undefined && context.commandName !== 'TransactWriteItemsCommand' && input.includes(armed)) {
        throw Object.assign(new Error('injected: store unavailable'), { name: 'ServiceUnavailable', $metadata: {} });
      }
      return next(args);
    },
    { step: 'initialize', name: 'mergeFollowUpFaults' },
  );
  return {
    arm: (naming?: string) => {
      armed = naming ?? `"${care()}"`;
    },
    disarm: () => {
      armed = undefined;
    },
  };
}

/** The care deps with the clock past the sweep's grace period: what the hourly care job sees. */
const careJobLater = (): CareDeps => {
  const later = new Date(Date.now() + 10 * 60_000);
  return { ...t.hub.runtime.care, now: () => later };
};
/** The pending follow-ups of merges of `sourceCaseId`, read as the sweep reads them (the index partition). */
async function pendingFollowUps(sourceCaseId: string) {
  const found = [];
  let cursor: string | undefined;
  do {
    const page = await t.hub.runtime.care.mergeFollowUps.pending('9999', { limit: 100, ...(cursor && { cursor }) });
    found.push(...page.items.filter((f) => f.sourceCaseId === sourceCaseId));
    cursor = page.cursor;
  } while (cursor);
  return found;
}

/** One child published by each agency (linked into one case); a fresh identity per call. */
const caseOf = (agencies: readonly string[]) => makeCareCase(t, agencies);

const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const created = (res: { status: number; body: any }) => {
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
};
const civil = () => t.client('xz-civil-affairs', 'coordinator-1');
const edu = () => t.client('xz-education', 'teacher-1');
const health = () => t.client('xz-health', 'doctor-1');
const merge = (target: string, source: string) => civil().post<any>(`/v1/cases/${target}/merge`, { otherCaseId: source, reason: '监护人信息核实为同一儿童' });

/**
 * Case A (education and health) with its care: a high-risk assessment, the guardian's agreement, a follow-up
 * contact (its next one owed by education), a referral to health, and health's consent for education to see its
 * identity data; case B (civil affairs and the youth league), the same child recorded apart.
 */
async function childInTwoCases(light = false) {
  const a = await caseOf(['xz-education', 'xz-health']);
  const b = await caseOf(['xz-civil-affairs', 'xz-youth-league']);
  const assessment = created(
    await edu().post(
      `/v1/cases/${a.caseId}/assessments`,
      { kind: 'assessment', riskLevel: 'high', riskFactors: ['left_behind'], assessorStaffId: 'PT-1', assessedOn: today(), notes: '课堂上多次哭泣' },
      keyed(randomUUID()),
    ),
  );
  created(await edu().post(`/v1/cases/${a.caseId}/agreements`, agreementBody({ assessmentId: assessment.assessmentId }), keyed(randomUUID())));
  const contact = created(
    await edu().post(
      `/v1/cases/${a.caseId}/contacts`,
      {
        kind: 'home_visit',
        interviewed: ['child', 'guardian'],
        outcome: 'stable',
        contactedAt: new Date(Date.now() - 3_600_000).toISOString(),
        staffId: 'PT-1',
      },
      { purpose: 'follow_up', ...keyed(randomUUID()) },
    ),
  );
  if (light) return { a, b, assessment, contact };
  const referral = created(
    await edu().post(
      '/v1/referrals',
      { caseId: a.caseId, to: { agencyId: 'xz-health' }, reasons: ['severe_emotional_distress'], priority: 'routine' },
      keyed(randomUUID()),
    ),
  );
  const consent = created(
    await health().post('/v1/consents', {
      caseId: a.caseId,
      grantor: { type: 'guardian', name: '卓嘎', relation: 'grandparent' },
      purposes: ['assessment'],
      dataCategories: ['identity'],
      recipients: [{ agencyType: 'education' }],
      validFrom: new Date(Date.now() - 86_400_000).toISOString(),
      validUntil: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      evidence: {
        documentRef: `WJ-同意书-${a.n}`,
        sha256: (0xb000 + a.n).toString(16).padStart(64, '0'),
        collectedBy: 'doctor-1',
        collectedAt: new Date().toISOString(),
      },
    }),
  );
  return { a, b, assessment, contact, referral, consent };
}

/**
 * The obligation item itself (not the worklist's view, which names the case holding the file now): its own id and
 * subject say which case owes it, so a merge that moved nothing cannot pass for one that did.
 */
async function obligation(kind: string, subjectId: string): Promise<Record<string, string> | undefined> {
  const out = await t.hub.dynamo.send(
    new GetItemCommand({
      TableName: t.hub.tables.care,
      Key: { pk: { S: `WORK#${obligationIdOf(kind as any, subjectId)}` }, sk: { S: 'ITEM' } },
      ConsistentRead: true,
    }),
  );
  return out.Item && Object.fromEntries(Object.entries(out.Item).flatMap(([k, v]) => (v.S === undefined ? [] : [[k, v.S]])));
}

/** The follow-up obligation moved: the surviving case owes it (its id derived from that case), the merged-away case's is closed. */
async function expectFollowUpMoved(a: string, b: string, due: string, where = '') {
  const listed = (await openWork('xz-education')).filter((i) => i.kind === 'follow_up_contact_due' && [a, b].includes(i.caseId));
  expect(listed, where).toEqual([
    expect.objectContaining({ workItemId: obligationIdOf('follow_up_contact_due', b), subjectId: b, caseId: b, status: 'open', due }),
  ]);
  expect(await obligation('follow_up_contact_due', b), where).toMatchObject({ caseId: b, subjectId: b, status: 'open', due });
  expect(await obligation('follow_up_contact_due', a), where).toMatchObject({ caseId: a, subjectId: a, status: 'done' });
}

const openWork = async (agency: string) => (await t.client(agency).get<any>('/v1/worklist')).body.items as any[];
const fieldsOf = (view: any, recordId: string) => Object.keys(view.records.find((r: any) => r.recordId === recordId)?.fields ?? {});

describe('care data and consents after a merge', () => {
  it('shows the merged-away case’s care in the surviving case’s reads, archive and worklist', async () => {
    // Prepare
    const { a, b, assessment, contact, referral, consent } = await childInTwoCases();

    // Act
    const merged = await merge(b.caseId, a.caseId);

    // Assess
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    expect((await edu().get<any>(`/v1/cases/${a.caseId}/assessments`, { purpose: 'assessment' })).status).toBe(404);
    const assessments = await edu().get<any>(`/v1/cases/${b.caseId}/assessments`, { purpose: 'assessment' });
    expect(assessments.status, JSON.stringify(assessments.body)).toBe(200);
    expect(JSON.stringify(assessments.body)).toContain(assessment.assessmentId);
    const contacts = await edu().get<any>(`/v1/cases/${b.caseId}/contacts`, { purpose: 'follow_up' });
    expect(JSON.stringify(contacts.body)).toContain(contact.contactId);
    const archive = await edu().get<any>(`/v1/cases/${b.caseId}/archive`, { purpose: 'assessment' });
    expect(archive.status, JSON.stringify(archive.body)).toBe(200);
    for (const id of [assessment.assessmentId, contact.contactId, referral.referralId, consent.consentId]) expect(JSON.stringify(archive.body)).toContain(id);
    // The referral goes on: health moves it, and the event is filed under the child's case now, then the referral's own.
    const moved = await health().post<any>(`/v1/referrals/${referral.referralId}/transitions`, { to: 'received' });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const event = (await t.scan('audit')).find((e: any) => e.route.S === 'POST /v1/referrals/{referralId}/transitions' && e.caseIds?.SS?.includes(a.caseId));
    expect(event).toMatchObject({ caseId: { S: b.caseId }, outcome: { S: 'allow' } });
    // Work owed per case moved: education's next follow-up contact is due in the surviving case, once.
    await expectFollowUpMoved(a.caseId, b.caseId, contact.nextDue);
    // The case-view's assessment state is the file's: the high-risk assessment, seen through the gate by its author.
    const view = await edu().get<any>(`/v1/cases/${b.caseId}`, { purpose: 'assessment' });
    expect(view.status, JSON.stringify(view.body)).toBe(200);
    expect(view.body.assessment).toMatchObject({ state: 'assessed', riskLevel: 'high' });
  });

  it('keeps one key-recipient episode per child across the file', async () => {
    const a = await caseOf(['xz-education']);
    const b = await caseOf(['xz-civil-affairs']);
    created(await civil().post(`/v1/cases/${a.caseId}/key-recipient`, { reasons: ['high_risk'] }, keyed(randomUUID())));
    expect((await merge(b.caseId, a.caseId)).status).toBe(200);
    const episodes = await civil().get<any>(`/v1/cases/${b.caseId}/key-recipient`);
    expect(episodes.body.current.status).toBe('active');
    const twice = await civil().post<any>(`/v1/cases/${b.caseId}/key-recipient`, { reasons: ['other'] }, keyed(randomUUID()));
    expect([twice.status, twice.body.error?.code]).toEqual([409, 'STATE_CONFLICT']);
    // The coordinating role exits it from the surviving case (the episode stays where it was recorded).
    const exit = await civil().post<any>(`/v1/cases/${b.caseId}/key-recipient/exit`, { reason: 'recovered' });
    expect(exit.status, JSON.stringify(exit.body)).toBe(200);
    expect((await civil().get<any>(`/v1/cases/${b.caseId}/key-recipient`)).body.current.status).toBe('exited');
  });

  it('lets a consent recorded before the merge gate the surviving case, never wider, and be withdrawn after it', async () => {
    // Prepare
    const { a, b, consent } = await childInTwoCases();
    const before = await edu().get<any>(`/v1/cases/${a.caseId}`, { purpose: 'assessment' });
    expect(fieldsOf(before.body, a.records['xz-health']!)).toContain('name');

    // Act
    expect((await merge(b.caseId, a.caseId)).status).toBe(200);
    const after = await edu().get<any>(`/v1/cases/${b.caseId}`, { purpose: 'assessment' });

    // Assess: health's identity data, as its consent says; the youth league's record is not health's to open.
    expect(after.status, JSON.stringify(after.body)).toBe(200);
    expect(fieldsOf(after.body, a.records['xz-health']!)).toContain('name');
    expect(fieldsOf(after.body, b.records['xz-youth-league']!)).toEqual([]);
    // Another purpose, or another recipient, is not covered.
    expect(fieldsOf((await edu().get<any>(`/v1/cases/${b.caseId}`, { purpose: 'case_coordination' })).body, a.records['xz-health']!)).toEqual([]);
    expect(fieldsOf((await civil().get<any>(`/v1/cases/${b.caseId}`, { purpose: 'assessment' })).body, a.records['xz-health']!)).toEqual([]);
    const listed = await civil().get<any>(`/v1/consents?caseId=${b.caseId}`);
    expect(listed.body.consents.map((c: any) => c.consentId)).toEqual([consent.consentId]);
    // The read's audit event names the consent it relied on.
    const read: any = (await t.scan('audit')).find(
      (e: any) => e.route.S === 'GET /v1/cases/{caseId}' && e.caseId?.S === b.caseId && e.agencyId?.S === 'xz-education' && e.purpose?.S === 'assessment',
    );
    expect(read?.disclosure?.S).toContain(consent.consentId);

    // The guardian withdraws it after the merge: recorded beside the consent, and the very next read is cut down.
    const withdrawn = await health().post<any>(`/v1/consents/${consent.consentId}/withdraw`, {});
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
    const cut = await edu().get<any>(`/v1/cases/${b.caseId}`, { purpose: 'assessment' });
    expect(fieldsOf(cut.body, a.records['xz-health']!)).toEqual([]);
    expect(cut.body.withheld).toContainEqual(expect.objectContaining({ category: 'identity', reason: 'WITHDRAWN' }));
  });

  it('sends a former case’s file with its records when a split takes them all back', async () => {
    // Prepare
    const { a, b, assessment, consent } = await childInTwoCases();
    expect((await merge(b.caseId, a.caseId)).status).toBe(200);

    // Act
    const split = await civil().post<any>(`/v1/cases/${b.caseId}/split`, { recordIds: Object.values(a.records), reason: '经核实为不同儿童' });

    // Assess
    expect(split.status, JSON.stringify(split.body)).toBe(200);
    const c = split.body.newCaseId as string;
    expect(JSON.stringify((await edu().get<any>(`/v1/cases/${c}/assessments`, { purpose: 'assessment' })).body)).toContain(assessment.assessmentId);
    expect(fieldsOf((await edu().get<any>(`/v1/cases/${c}`, { purpose: 'assessment' })).body, a.records['xz-health']!)).toContain('name');
    // The case that kept its id no longer carries the other child's care or consent.
    const left = await civil().get<any>(`/v1/cases/${b.caseId}/assessments`, { purpose: 'assessment' });
    expect(left.status).toBe(200);
    expect(JSON.stringify(left.body)).not.toContain(assessment.assessmentId);
    expect((await civil().get<any>(`/v1/consents?caseId=${b.caseId}`)).body.consents).toEqual([]);
    // The withdrawal route finds the consent's file where it went.
    expect((await health().post<any>(`/v1/consents/${consent.consentId}/withdraw`, {})).status).toBe(200);
  });
});

describe('a merge repeated after a split took its records elsewhere', () => {
  it('is not a retry: 409, and nothing of the merged-away case moves again', async () => {
    // Prepare: A merged into B, then a split takes every record A brought (and so A's file) to a new case C.
    const { a, b, contact } = await childInTwoCases(true);
    expect((await merge(b.caseId, a.caseId)).status).toBe(200);
    const split = await civil().post<any>(`/v1/cases/${b.caseId}/split`, { recordIds: Object.values(a.records), reason: '经核实为不同儿童' });
    expect(split.status, JSON.stringify(split.body)).toBe(200);
    const before = await obligation('follow_up_contact_due', b.caseId);

    // Act
    const again = await merge(b.caseId, a.caseId);

    // Assess
    expect([again.status, again.body.error?.code], JSON.stringify(again.body)).toEqual([409, 'STATE_CONFLICT']);
    expect(again.body.error?.message).toBe(`Case ${a.caseId} was merged into ${b.caseId}`);
    expect(await obligation('follow_up_contact_due', b.caseId)).toEqual(before);
    expect(await obligation('follow_up_contact_due', a.caseId)).toMatchObject({ status: 'done', due: contact.nextDue });
  });
});

describe('the access report after a split takes a former case’s file away', () => {
  it('lists reads of that case’s care data in the report of the case its file went to, not the one it left', async () => {
    // Prepare: education reads A's assessments before the merge (filed under A) and through B's file after it.
    const { a, b } = await childInTwoCases(true);
    expect((await edu().get<any>(`/v1/cases/${a.caseId}/assessments`, { purpose: 'assessment' })).status).toBe(200);
    expect((await merge(b.caseId, a.caseId)).status).toBe(200);
    expect((await edu().get<any>(`/v1/cases/${b.caseId}/assessments`, { purpose: 'assessment' })).status).toBe(200);
    const split = await civil().post<any>(`/v1/cases/${b.caseId}/split`, { recordIds: Object.values(a.records), reason: '经核实为不同儿童' });
    expect(split.status, JSON.stringify(split.body)).toBe(200);
    const c = split.body.newCaseId as string;
    const reads = (await t.scan('audit')).filter((e: any) => e.route.S === 'GET /v1/cases/{caseId}/assessments' && e.outcome.S === 'allow');
    const before = reads.find((e: any) => e.caseId?.S === a.caseId) as any;
    const through = reads.find((e: any) => e.caseId?.S === b.caseId) as any;
    // The read through B's file names the former case it read, after the case it is filed under.
    expect(through?.caseIds?.SS).toEqual(expect.arrayContaining([b.caseId, a.caseId]));

    // Act
    const report = async (caseId: string) => {
      const res = await t.client('officer-zhang', 'officer-zhang').get<any>(`/v1/audit/cases/${caseId}/access-report`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return (res.body.entries as any[]).map((e) => e.eventId);
    };
    const ofC = await report(c);
    const ofB = await report(b.caseId);

    // Assess
    expect(ofC).toEqual(expect.arrayContaining([before.eventId.S, through.eventId.S]));
    expect(ofB).not.toContain(before.eventId.S);
  });
});

describe('emergency access on a merged-away case id', () => {
  it('is refused (409, zh-CN and English) and files no grant under the old id', async () => {
    // Prepare
    const { a, b } = await childInTwoCases(true);
    expect((await merge(b.caseId, a.caseId)).status).toBe(200);

    // Act
    const res = await civil().post<any>(`/v1/cases/${a.caseId}/emergency`, { reason: '学生出现危机，需要立即协调' });

    // Assess
    expect([res.status, res.body.error?.code], JSON.stringify(res.body)).toEqual([409, 'STATE_CONFLICT']);
    expect(res.body.error).toMatchObject({
      message: `Case ${a.caseId} was merged into another case: open emergency access on the child's current case`,
      message_zh: '该个案已被合并，请在儿童当前的个案上申请紧急访问',
    });
    const grants = (await t.scan('cases')).filter((i: any) => JSON.stringify(i).includes(a.caseId) && JSON.stringify(i).includes('emg_'));
    expect(grants).toEqual([]);
    // On the child's case now it is opened as usual.
    expect((await civil().post<any>(`/v1/cases/${b.caseId}/emergency`, { reason: '学生出现危机，需要立即协调' })).status).toBe(201);
  });
});

describe('a merge that fails at any of its DynamoDB calls', () => {
  it('is repaired by retrying it: the file, the moved work and the audit trail are as after a clean merge', async () => {
    const clean = await childInTwoCases(true);
    faults.reset();
    expect((await merge(clean.b.caseId, clean.a.caseId)).status).toBe(200);
    const calls = faults.count();
    console.log(`a merge with care makes ${calls} calls to the cases, care and records tables`);
    expect(calls).toBeGreaterThan(5);
    for (const mode of ['fail', 'lose-reply'] as const) {
      for (let call = 1; call <= calls; call++) {
        // Prepare
        const where = `${mode} at call ${call}`;
        const { a, b, assessment, contact } = await childInTwoCases(true);
        faults.failAt(call, mode);

        // Act
        const first = await merge(b.caseId, a.caseId);
        faults.reset();
        const retry = await merge(b.caseId, a.caseId);

        // Assess
        if (first.status === 200) expect(first.body, where).toEqual(retry.body);
        else expect(first.status, where).toBeGreaterThanOrEqual(500);
        // The last call is part of what follows the committed merge: its failure does not fail the merge.
        if (call === calls) expect(first.status, `${where}: ${JSON.stringify(first.body)}`).toBe(200);
        // Every merge answered 200 is audited with the other case and the records it moved.
        const audited = (await t.scan('audit')).filter(
          (e: any) => e.route.S === 'POST /v1/cases/{caseId}/merge' && e.caseId?.S === b.caseId && e.status?.N === '200',
        ) as any[];
        expect(audited.length, where).toBe(first.status === 200 ? 2 : 1);
        for (const e of audited) {
          expect(e.caseIds?.SS, where).toContain(a.caseId);
          expect(new Set(e.recordIds?.SS), where).toEqual(new Set(Object.values(a.records)));
        }
        expect(retry.status, `${where}: ${JSON.stringify(retry.body)}`).toBe(200);
        expect(new Set(retry.body.recordIds), where).toEqual(new Set(Object.values(a.records)));
        expect(JSON.stringify((await edu().get<any>(`/v1/cases/${b.caseId}/assessments`, { purpose: 'assessment' })).body), where).toContain(
          assessment.assessmentId,
        );
        await expectFollowUpMoved(a.caseId, b.caseId, contact.nextDue, where);
        expect(await pendingFollowUps(a.caseId), where).toEqual([]);
      }
    }
    // Every request, failed or not, has exactly one audit event.
    const byRequest = new Map<string, number>();
    for (const e of await t.scan('audit')) byRequest.set((e as any).requestId.S, (byRequest.get((e as any).requestId.S) ?? 0) + 1);
    expect([...byRequest.values()].filter((count) => count !== 1)).toEqual([]);
  }, 600_000);
});

describe('a merge whose follow-up fails after the commit, and nobody retries it', () => {
  it('leaves it pending; the care job’s sweep moves the work as a clean merge does, clears it, and a second sweep changes nothing', async () => {
    // Prepare
    const { a, b, contact } = await childInTwoCases(true);
    followUps.arm();
    const merged = await merge(b.caseId, a.caseId);
    followUps.disarm();
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    // Only the merge's transaction reached the care table: it wrote the pending follow-up, and nothing moved.
    expect(await pendingFollowUps(a.caseId)).toEqual([{ sourceCaseId: a.caseId, targetCaseId: b.caseId, mergedAt: expect.any(String) }]);
    expect(await obligation('follow_up_contact_due', a.caseId)).toMatchObject({ status: 'open', due: contact.nextDue });
    expect(await obligation('follow_up_contact_due', b.caseId)).toBeUndefined();
    // Within the grace period the sweep leaves it to the request that wrote it.
    await sweepMergeFollowUps(t.hub.runtime.care);
    expect(await pendingFollowUps(a.caseId)).toHaveLength(1);

    // Act
    const run = await sweepMergeFollowUps(careJobLater());

    // Assess
    expect(run.completed).toBeGreaterThanOrEqual(1);
    expect(run.failed).toBe(0);
    await expectFollowUpMoved(a.caseId, b.caseId, contact.nextDue);
    expect(await pendingFollowUps(a.caseId)).toEqual([]);
    const care = await t.scan('care');
    const again = await sweepMergeFollowUps(careJobLater());
    expect(again).toMatchObject({ pending: 0, completed: 0, closed: 0, failed: 0 });
    expect(await t.scan('care')).toEqual(care);
  });

  it('leaves nothing pending after a merge whose follow-up ran', async () => {
    const { a, b, contact } = await childInTwoCases(true);
    expect((await merge(b.caseId, a.caseId)).status).toBe(200);
    await expectFollowUpMoved(a.caseId, b.caseId, contact.nextDue);
    expect(await pendingFollowUps(a.caseId)).toEqual([]);
  });

  it('moves the work to the case the target was merged into since, which holds the merged-away case’s file now', async () => {
    // Prepare: the follow-up of A into B fails; then B is merged into C (its own follow-up runs).
    const { a, b, contact } = await childInTwoCases(true);
    followUps.arm();
    expect((await merge(b.caseId, a.caseId)).status).toBe(200);
    followUps.disarm();
    const c = await caseOf(['xz-health']);
    expect((await merge(c.caseId, b.caseId)).status).toBe(200);
    expect(await obligation('follow_up_contact_due', a.caseId)).toMatchObject({ status: 'open' });

    // Act
    const run = await sweepMergeFollowUps(careJobLater());

    // Assess
    expect(run.failed).toBe(0);
    await expectFollowUpMoved(a.caseId, c.caseId, contact.nextDue);
    expect(await obligation('follow_up_contact_due', b.caseId)).toBeUndefined();
    expect(await pendingFollowUps(a.caseId)).toEqual([]);
    expect(await pendingFollowUps(b.caseId)).toEqual([]);
  });

  it('runs each pending follow-up on its own: one that fails again is left for the next sweep and stops none of the others', async () => {
    // Prepare: two merges whose follow-ups failed; the first (the oldest, swept first) keeps failing.
    const first = await childInTwoCases(true);
    const second = await childInTwoCases(true);
    followUps.arm();
    expect((await merge(first.b.caseId, first.a.caseId)).status).toBe(200);
    expect((await merge(second.b.caseId, second.a.caseId)).status).toBe(200);
    followUps.disarm();
    followUps.arm(first.a.caseId);

    // Act
    const run = await sweepMergeFollowUps(careJobLater());
    followUps.disarm();

    // Assess
    expect(run.failed).toBe(1);
    expect(await pendingFollowUps(first.a.caseId)).toHaveLength(1);
    expect(await obligation('follow_up_contact_due', first.a.caseId)).toMatchObject({ status: 'open' });
    await expectFollowUpMoved(second.a.caseId, second.b.caseId, second.contact.nextDue);
    expect(await pendingFollowUps(second.a.caseId)).toEqual([]);
    // The next sweep runs it.
    expect(await sweepMergeFollowUps(careJobLater())).toMatchObject({ failed: 0 });
    await expectFollowUpMoved(first.a.caseId, first.b.caseId, first.contact.nextDue);
    expect(await pendingFollowUps(first.a.caseId)).toEqual([]);
  });

  it('closes one whose merged-away case a split has taken from the target since, moving nothing', async () => {
    // Prepare: the follow-up of A into B fails; then a split takes every record A brought (and A's file) to C.
    const { a, b, contact } = await childInTwoCases(true);
    followUps.arm();
    expect((await merge(b.caseId, a.caseId)).status).toBe(200);
    followUps.disarm();
    const split = await civil().post<any>(`/v1/cases/${b.caseId}/split`, { recordIds: Object.values(a.records), reason: '经核实为不同儿童' });
    expect(split.status, JSON.stringify(split.body)).toBe(200);
    const c = split.body.newCaseId as string;

    // Act
    const run = await sweepMergeFollowUps(careJobLater());

    // Assess: A's work stays A's (shown under C, whose file holds A now); B and C owe nothing of it.
    expect(run.closed).toBeGreaterThanOrEqual(1);
    expect(run.failed).toBe(0);
    expect(await pendingFollowUps(a.caseId)).toEqual([]);
    expect(await obligation('follow_up_contact_due', a.caseId)).toMatchObject({ caseId: a.caseId, status: 'open', due: contact.nextDue });
    expect(await obligation('follow_up_contact_due', b.caseId)).toBeUndefined();
    expect(await obligation('follow_up_contact_due', c)).toBeUndefined();
    const listed = (await openWork('xz-education')).filter((i) => i.kind === 'follow_up_contact_due' && [a.caseId, b.caseId, c].includes(i.caseId));
    expect(listed.map((i) => i.caseId)).toEqual([c]);
  });
});
