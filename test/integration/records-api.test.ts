/**
 * The records API end to end: signing client -> local API Gateway -> the
 * records Lambda handler -> DynamoDB Local, with the local keyring.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { logger } from '../../lambdas/shared/logger';
import { signRequest } from '../../client/sign-request';
import { startTestHub, type TestHub } from '../support/hub';
import { sampleRecord } from '../support/records';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.hub.close();
});

const SECRETS = ['扎西卓玛', '540102201305040025', '13800138000', '北京中路', '次仁多吉', '拉萨市第一小学', '情绪低落'];

describe('records API', () => {
  it('answers GET /v1/health without a signature', async () => {
    const res = await t.raw('GET', '/v1/health');
    expect(res).toMatchObject({ status: 200, body: { status: 'ok', hubId: 'xinqiao-540000', province: '540000' } });
  });

  it('publishes a record, and the same body again changes nothing', async () => {
    const edu = t.client('xz-education', 'teacher-01');
    const record = sampleRecord({ externalId: 'EDU-IDEMPOTENT' });
    const first = await edu.post('/v1/records', record);
    const second = await edu.post('/v1/records', record);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ version: 1, status: 'created' });
    expect(second.status).toBe(200);
    const { recordId, caseId, link } = first.body as any;
    expect(second.body).toMatchObject({ recordId, version: 1, status: 'unchanged', caseId, link });
  });

  it('keeps the history when a changed body is published under the same externalId', async () => {
    const edu = t.client('xz-education');
    const v1 = await edu.post<any>('/v1/records', sampleRecord({ externalId: 'EDU-HISTORY' }));
    const v2 = await edu.post<any>('/v1/records', sampleRecord({ externalId: 'EDU-HISTORY', riskLevel: 'high' }));
    expect(v2.body).toMatchObject({ recordId: v1.body.recordId, version: 2, status: 'updated', caseId: v1.body.caseId, link: v1.body.link });
    const items = await t.scan('records');
    const versions = items.filter((i: any) => i.pk.S === `REC#${v1.body.recordId}` && i.sk.S.startsWith('V#'));
    expect(versions.map((i: any) => i.version.N).sort()).toEqual(['1', '2']);
    const current = await edu.get<any>(`/v1/records/${v1.body.recordId}`);
    expect(current.body).toMatchObject({ version: 2, record: { riskLevel: 'high' } });
  });

  it('gives the same record to concurrent publishes of one externalId', async () => {
    const edu = t.client('xz-education');
    const record = sampleRecord({ externalId: 'EDU-RACE' });
    const results = await Promise.all(Array.from({ length: 6 }, () => edu.post<any>('/v1/records', record)));
    expect(new Set(results.map((r) => r.body.recordId)).size).toBe(1);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.every((r) => r.body.version === 1)).toBe(true);
  });

  it('returns the record, normalised, to the agency that published it', async () => {
    const edu = t.client('xz-education');
    const published = await edu.post<any>('/v1/records', sampleRecord({ externalId: 'EDU-READ', idNumber: '110105491231002' }));
    const res = await edu.get<any>(`/v1/records/${published.body.recordId}`);
    expect(res.status).toBe(200);
    expect(res.body.record).toEqual(sampleRecord({ externalId: 'EDU-READ', idNumber: '11010519491231002X' }));
  });

  it('answers 404, exactly as for a missing record, to any other agency', async () => {
    const published = await t.client('xz-education').post<any>('/v1/records', sampleRecord({ externalId: 'EDU-PRIVATE' }));
    const other = await t.client('xz-health').get<any>(`/v1/records/${published.body.recordId}`);
    const missing = await t.client('xz-health').get<any>('/v1/records/rec_00000000000000000000000000');
    expect(other.status).toBe(404);
    expect(missing.status).toBe(404);
    expect({ ...other.body.error, requestId: '' }).toEqual({ ...missing.body.error, requestId: '' });
    expect(JSON.stringify(other.body)).not.toContain('扎西');
  });

  it('rejects an unknown field with 400 naming its path', async () => {
    const res = await t.client('xz-education').post<any>('/v1/records', sampleRecord({ guardian: { name: 'a', relation: 'father', wechat: 'x' } }));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      message_zh: '请求内容校验失败',
      details: [{ path: 'guardian.wechat', message: 'unknown field', message_zh: '未知字段' }],
    });
  });

  it('rejects a malformed record id with 400', async () => {
    const res = await t.client('xz-education').get<any>('/v1/records/not-an-id');
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      { path: 'recordId', message: expect.stringContaining('record id'), message_zh: '须为记录编号（rec_ 后接 26 个字符）' },
    ]);
  });

  it('rejects a body that is not JSON (400) or not declared as JSON (415), without echoing it', async () => {
    const edu = t.province.agencies['xz-education']!.credentials;
    const sign = (body: string) => signRequest(edu, { hubId: 'xinqiao-540000', method: 'POST', pathWithQuery: '/v1/records', body });
    const notJson = await t.raw('POST', '/v1/records', { authorization: await sign('{name: 扎西'), body: '{name: 扎西' });
    const wrongType = await t.raw('POST', '/v1/records', { authorization: await sign('{}'), body: '{}', contentType: 'text/plain' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe('VALIDATION_FAILED');
    expect(notJson.text).not.toContain('扎西');
    expect(wrongType.status).toBe(415);
    expect(wrongType.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses a body over 256 KB with 413 before any crypto or database work', async () => {
    const before = { ...t.hub.keyring.calls };
    const recordsBefore = (await t.scan('records')).length;
    const body = JSON.stringify(sampleRecord({ address: 'x'.repeat(300 * 1024) }));
    const res = await t.raw('POST', '/v1/records', { authorization: 'Bearer irrelevant', body });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(t.hub.keyring.calls).toEqual(before);
    expect((await t.scan('records')).length).toBe(recordsBefore);
  });

  it('rejects a replayed request', async () => {
    const edu = t.province.agencies['xz-education']!.credentials;
    const authorization = await signRequest(edu, { hubId: 'xinqiao-540000', method: 'GET', pathWithQuery: '/v1/openapi.json' });
    const first = await t.raw('GET', '/v1/openapi.json', { authorization });
    const replay = await t.raw('GET', '/v1/openapi.json', { authorization });
    expect(first.status).toBe(200);
    expect(replay.status).toBe(401);
    expect(replay.body.error).toMatchObject({ code: 'AUTH_REPLAY', message_zh: '重复的请求（jti 已使用）' });
  });

  it('rejects a signed request whose body was changed in transit', async () => {
    const edu = t.province.agencies['xz-education']!.credentials;
    const body = JSON.stringify(sampleRecord({ externalId: 'EDU-TAMPER' }));
    const authorization = await signRequest(edu, { hubId: 'xinqiao-540000', method: 'POST', pathWithQuery: '/v1/records', body });
    const res = await t.raw('POST', '/v1/records', { authorization, body: body.replace('medium', 'crisis') });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('AUTH_BINDING_MISMATCH');
  });

  it('requires a signature on every route but health, unmatched paths included', async () => {
    expect((await t.raw('GET', '/v1/openapi.json')).body.error.code).toBe('AUTH_MISSING');
    expect((await t.raw('GET', '/v1/nowhere')).status).toBe(401);
    const signedUnmatched = await t.client('xz-education').get<any>('/v1/nowhere');
    expect(signedUnmatched.status).toBe(404);
    expect(signedUnmatched.body.error.code).toBe('NOT_FOUND');
  });

  it('serves the OpenAPI 3.1 description generated from the schemas', async () => {
    const res = await t.client('xz-education').get<any>('/v1/openapi.json');
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/v1/records', '/v1/records/{recordId}', '/v1/health']));
    expect(res.body.components.schemas.ChildRecordV1.additionalProperties).toBe(false);
  });

  it('writes exactly one audit event per request, allowed or denied', async () => {
    const before = (await t.scan('audit')).length;
    const edu = t.client('xz-education', 'staff-42');
    const published = await edu.post<any>('/v1/records', sampleRecord({ externalId: 'EDU-AUDIT' }));
    await edu.get(`/v1/records/${published.body.recordId}`);
    await t.client('xz-health').get(`/v1/records/${published.body.recordId}`);
    await t.raw('GET', '/v1/openapi.json', { authorization: 'Bearer a.b.c' });
    await t.raw('GET', '/v1/health');
    const events = await t.scan('audit');
    expect(events.length - before).toBe(5);
    expect(events.some((e: any) => e.route.S === 'GET /v1/health' && e.outcome.S === 'allow' && e.agencyVerified.BOOL === false)).toBe(true);
    const mine = events.filter((e: any) => e.recordIds?.SS?.includes(published.body.recordId));
    expect(mine.map((e: any) => [e.route.S, e.agencyId.S, e.outcome.S, e.status.N, e.errorCode?.S]).sort()).toEqual(
      [
        ['GET /v1/records/{recordId}', 'xz-education', 'allow', '200', undefined],
        ['GET /v1/records/{recordId}', 'xz-health', 'deny', '404', 'NOT_FOUND'],
        ['POST /v1/records', 'xz-education', 'allow', '201', undefined],
      ].sort(),
    );
    const published1 = mine.find((e: any) => e.route.S === 'POST /v1/records') as any;
    expect(published1).toMatchObject({ sub: { S: 'staff-42' }, kid: { S: 'xz-education-k1' }, agencyVerified: { BOOL: true } });
    expect(published1.requestId.S).toMatch(/[0-9a-f-]{36}/);
  });

  it('audits a failed signature with the key and agency it claimed', async () => {
    const edu = t.province.agencies['xz-education']!.credentials;
    const authorization = await signRequest(edu, { hubId: 'xinqiao-540000', method: 'GET', pathWithQuery: '/v1/other' });
    const res = await t.raw('GET', '/v1/openapi.json', { authorization });
    const event = (await t.scan('audit')).find((e: any) => e.requestId.S === res.body.error.requestId) as any;
    expect(event).toMatchObject({
      agencyId: { S: 'xz-education' },
      kid: { S: 'xz-education-k1' },
      agencyVerified: { BOOL: false },
      outcome: { S: 'deny' },
      errorCode: { S: 'AUTH_BINDING_MISMATCH' },
    });
  });

  it('stores no plaintext personal data in any table', async () => {
    await t.client('xz-education').post('/v1/records', sampleRecord({ externalId: 'EDU-SCAN' }));
    for (const table of ['records', 'nonces', 'audit'] as const) {
      const dump = JSON.stringify(await t.scan(table));
      for (const secret of SECRETS) expect(dump, `${table} contains ${secret}`).not.toContain(secret);
      expect(dump).not.toContain('EDU-SCAN');
    }
  });

  it('logs structured JSON with the request id and no personal data', async () => {
    const chunks: string[] = [];
    const capture = (chunk: unknown) => {
      chunks.push(String(chunk));
      return true;
    };
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    logger.setLogLevel('DEBUG');
    try {
      const edu = t.client('xz-education');
      const published = await edu.post<any>('/v1/records', sampleRecord({ externalId: 'EDU-LOGS' }));
      await edu.get(`/v1/records/${published.body.recordId}`);
      await edu.post('/v1/records', sampleRecord({ externalId: 'EDU-LOGS', idNumber: '540102201305040021' }));
    } finally {
      logger.setLogLevel('SILENT');
      out.mockRestore();
      err.mockRestore();
    }
    const lines = chunks
      .join('')
      .split('\n')
      .filter((l) => l.trim().startsWith('{'));
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines) {
      const entry = JSON.parse(line);
      expect(entry).toMatchObject({ level: expect.any(String), service: 'xinqiao-hub', requestId: expect.any(String) });
      for (const secret of [...SECRETS, '540102201305040021', 'EDU-LOGS']) expect(line).not.toContain(secret);
    }
  });
});
