/** Batch list upload through the local hub: parse report, async processing, idempotent re-upload. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../client/sign-request';
import { startTestHub, type TestHub } from '../support/hub';
import { idNumberFor } from '../support/records';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.hub.close();
});

async function upload(agency: string, body: string | Uint8Array, contentType: string) {
  const authorization = await signRequest(t.province.agencies[agency]!.credentials, {
    hubId: 'xinqiao-540000',
    method: 'POST',
    pathWithQuery: '/v1/lists',
    body,
  });
  const res = await fetch(new URL('/v1/lists', t.hub.baseUrl), { method: 'POST', headers: { authorization, 'content-type': contentType }, body });
  return { status: res.status, requestId: res.headers.get('x-request-id'), body: (await res.json()) as any };
}

const goodId = idNumberFor('540102', '2012-03-04', 11);
const badCheck = `${goodId.slice(0, 17)}${goodId[17] === '0' ? '1' : '0'}`;
const CSV = [
  '\uFEFF原系统编号,姓名,性别,出生日期,身份证号,户籍地,现居住地,现住址,监护人姓名,监护人电话,与儿童关系,就读学校,儿童类别,风险等级',
  `MZ-L1,白玛央宗,女,2012年3月4日,${goodId},540102,540102,城关区幸福路1号,白玛,13800001111,母亲,城关区第一小学,留守儿童;孤儿,高`,
  'MZ-L2,尼玛次仁,男,2011/7/8,,540103,540103,,尼玛,13800002222,父亲,,事实无人抚养儿童,中',
  `MZ-L3,平措卓玛,女,20100909,${badCheck},540104,,,,,,,,低`,
  'MZ-L4,洛桑,男,2009-01-01,,5401,,,,,,,,',
  '',
].join('\r\n');

describe('list upload', () => {
  it('accepts a Chinese-header CSV with BOM, keeps a row with a bad region code, flags a bad check digit, and processes every row', async () => {
    const submitted = await upload('xz-civil-affairs', CSV, 'text/csv; charset=utf-8');
    expect(submitted.status).toBe(202);
    expect(submitted.body).toMatchObject({ created: true, job: { total: 4, rejected: 0, format: 'csv' } });
    await t.hub.listQueue.drained();

    const report = await t.client('xz-civil-affairs').get<any>(`/v1/lists/${submitted.body.job.jobId}`);
    expect(report.body.job).toMatchObject({ status: 'done', processed: 4, outcomes: { new: 4, auto: 0, review: 0, failed: 0 } });
    const byRow = Object.fromEntries(report.body.rows.map((r: any) => [r.row, r]));
    expect(byRow[1]).toMatchObject({ state: 'done', flags: [], result: { status: 'created', link: 'new' } });
    expect(byRow[3]).toMatchObject({ state: 'done', flags: ['ID_CHECK_DIGIT'] });
    expect(byRow[4]).toMatchObject({ state: 'done', notUnderstood: [{ field: 'householdRegion', message: expect.any(String) }] });

    const record = await t.client('xz-civil-affairs').get<any>(`/v1/records/${byRow[1].result.recordId}`);
    expect(record.body.record).toMatchObject({
      name: '白玛央宗',
      sex: 'F',
      birthDate: '2012-03-04',
      categories: ['left_behind', 'orphan'],
      riskLevel: 'high',
      guardian: { relation: 'mother' },
    });
    const flagged = await t.client('xz-civil-affairs').get<any>(`/v1/records/${byRow[3].result.recordId}`);
    expect(flagged.body.record.idNumber).toBeUndefined();
  });

  it('changes nothing when the same list is uploaded again', async () => {
    const before = (await t.scan('records')).length;
    const again = await upload('xz-civil-affairs', CSV, 'text/csv');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ created: false, job: { status: 'done', processed: 4 } });
    await t.hub.listQueue.drained();
    expect((await t.scan('records')).length).toBe(before);
  });

  it('keeps a row whose category, relation, risk and sex spellings it does not know, and says so in the row report and the job summary', async () => {
    const csv = [
      '原系统编号,姓名,性别,出生日期,户籍地,监护人姓名,监护人电话,与儿童关系,儿童类别,风险等级',
      'MZ-S1,格桑拉姆,Female?,2013-05-06,540121,格桑,13800003333,干妈,LIF-2;留守,三级',
      'MZ-S2,次旦,男 ,２０１１／７／８,540121,次旦,13800004444,阿妈,低保户 ,高风险',
      'MZ-S3,,男,2011-07-08,540121,,,,,',
    ].join('\n');
    const submitted = await upload('xz-civil-affairs', csv, 'text/csv');
    // The upload answers before any row is read: rows in, nothing refused yet, no summary.
    expect(submitted.status).toBe(202);
    expect(submitted.body.job).toMatchObject({ status: 'processing', total: 3, rejected: 0, processed: 0 });
    expect(submitted.body.job.summary).toBeUndefined();
    await t.hub.listQueue.drained();

    const report = await t.client('xz-civil-affairs').get<any>(`/v1/lists/${submitted.body.job.jobId}`);
    expect(report.body.job).toMatchObject({
      total: 3,
      rejected: 1,
      summary: { rowsIn: 3, rowsKept: 2, rowsRefused: 1, refused: [{ reason: 'NO_NAME', rows: 1, sampleRows: [3] }] },
    });
    const summary = report.body.job.summary;
    expect(summary.notUnderstood).toEqual(
      expect.arrayContaining([
        { field: 'categories', rows: 1, examples: [{ value: 'LIF-2', rows: 1 }], sampleRows: [1] },
        { field: 'sex', rows: 1, examples: [{ value: 'Female?', rows: 1 }], sampleRows: [1] },
        { field: 'guardianRelation', rows: 1, examples: [{ value: '干妈', rows: 1 }], sampleRows: [1] },
        { field: 'riskLevel', rows: 1, examples: [{ value: '三级', rows: 1 }], sampleRows: [1] },
      ]),
    );
    expect(summary.text.zh.startsWith('读入 3 行，保留 2 行')).toBe(true);
    expect(summary.text.en.startsWith('3 rows in, 2 kept')).toBe(true);

    expect(report.body.job).toMatchObject({ status: 'done', processed: 2, summary: { rowsKept: 2 } });
    const [first, second, third] = report.body.rows;
    expect(first).toMatchObject({ state: 'done', result: { status: 'created' } });
    expect(first.notUnderstood.map((n: any) => [n.field, n.value])).toEqual([
      ['sex', 'Female?'],
      ['riskLevel', '三级'],
      ['categories', 'LIF-2'],
      ['guardianRelation', '干妈'],
    ]);
    expect(second).toMatchObject({ state: 'done' });
    expect(second.notUnderstood).toBeUndefined();
    expect(third).toMatchObject({ state: 'rejected', details: [{ path: 'name' }] });

    const kept = await t.client('xz-civil-affairs').get<any>(`/v1/records/${first.result.recordId}`);
    expect(kept.body.record).toMatchObject({ name: '格桑拉姆', birthDate: '2013-05-06', categories: ['left_behind'], guardian: { relation: 'other' } });
    expect(kept.body.record.sex).toBeUndefined();
    expect(kept.body.record.riskLevel).toBeUndefined();
    // The province's own spelling (阿妈, config listSynonyms) and the defaults (低保户, 高风险, full-width date).
    const other = await t.client('xz-civil-affairs').get<any>(`/v1/records/${second.result.recordId}`);
    expect(other.body.record).toMatchObject({
      sex: 'M',
      birthDate: '2011-07-08',
      categories: ['low_income_family'],
      riskLevel: 'high',
      guardian: { relation: 'mother' },
    });
  });

  it('takes JSONL of child records, and links them to existing cases', async () => {
    const lines = [
      JSON.stringify({ externalId: 'JY-L1', name: '白玛央宗', sex: 'F', birthDate: '2012-03-04', idNumber: goodId, householdRegion: '540102', categories: [] }),
      '{not json',
      JSON.stringify({ externalId: 'JY-L2', name: 'x', sex: 'F', nickname: 'y', categories: [] }),
    ].join('\n');
    const submitted = await upload('xz-education', lines, 'application/x-ndjson');
    expect(submitted.body.job).toMatchObject({ total: 3, format: 'jsonl' });
    await t.hub.listQueue.drained();
    const report = await t.client('xz-education').get<any>(`/v1/lists/${submitted.body.job.jobId}`);
    expect(report.body.job).toMatchObject({ total: 3, rejected: 1, status: 'done' });
    expect(report.body.job.outcomes).toMatchObject({ auto: 1 });
    expect(report.body.rows.map((r: any) => r.state)).toEqual(['done', 'rejected', 'done']);
    expect(report.body.rows[2].notUnderstood).toEqual([{ field: 'nickname', message: 'unknown field; ignored' }]);
  });

  it('shows a job to the uploading agency only', async () => {
    const submitted = await upload('xz-health', 'externalId,name\nWJ-1,测试\n', 'text/csv');
    const other = await t.client('xz-education').get<any>(`/v1/lists/${submitted.body.job.jobId}`);
    expect(other.status).toBe(404);
  });

  it('refuses other media types and unreadable lists', async () => {
    expect((await upload('xz-health', 'a', 'application/pdf')).status).toBe(415);
    const bad = await upload('xz-health', 'foo,bar\n1,2\n', 'text/csv');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ message: 'The list needs externalId (原系统编号) and name (姓名) columns' }],
    });
  });

  it('audits the worker with the records it wrote', async () => {
    const events = (await t.scan('audit')).filter((e: any) => e.route.S === 'WORKER lists');
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e: any) => e.outcome.S === 'allow')).toBe(true);
    expect(events.some((e: any) => e.agencyId?.S === 'xz-civil-affairs' && (e.recordIds?.SS?.length ?? 0) === 4)).toBe(true);
  });
});

describe('unreadable lists', () => {
  const HEADER = 'externalId,name,address';
  it.each([
    ['an unclosed quote', `${HEADER}\r\nU1,王伟,a\r\nU2,李娜,"城关区\r\nU3,刘洋,b\r\n`, 3],
    ['a stray quote', `${HEADER}\nU1,王伟,a\nU2,李"娜,b\n`, 3],
    ['a ragged row', `${HEADER}\nU1,王伟,a\nU2,李娜\n`, 3],
    ['bytes that are not UTF-8 (GBK)', Buffer.concat([Buffer.from(`${HEADER}\nU1,`), Buffer.from([0xcd, 0xf5, 0xce, 0xb0]), Buffer.from(',a\n')]), 2],
  ])('refuses %s with 400 VALIDATION_FAILED naming the line, in Chinese and English, audited once', async (_name, body, line) => {
    const res = await upload('xz-education', body, 'text/csv');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: `The list cannot be read (line ${line})`,
      message_zh: `名单无法读取（第 ${line} 行）`,
      details: [{ path: `line ${line}`, message: expect.any(String) }],
    });
    const events = (await t.scan('audit')).filter((e: any) => e.requestId?.S === res.requestId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ errorCode: { S: 'VALIDATION_FAILED' }, status: { N: '400' } });
  });

  it('refuses JSONL that is not UTF-8 with its line too', async () => {
    const res = await upload(
      'xz-education',
      Buffer.concat([Buffer.from('{"externalId":"J","name":"x"}\n{"name":"'), Buffer.from([0xff]), Buffer.from('"}\n')]),
      'application/x-ndjson',
    );
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ path: 'line 2', message: expect.stringMatching(/UTF-8/), message_zh: expect.stringMatching(/UTF-8 编码/) }]);
  });
});
