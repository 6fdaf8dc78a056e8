/**
 * One reading of every path, through the local hub: a percent-encoded id is the
 * same id for routing, authorisation, the audit trail and the officers' reports;
 * malformed encoding is a 400 audited once; unknown console files and refused
 * token headers answer the standard error body.
 */
import { SignJWT, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodySha256, signRequest } from '../../client/sign-request';
import { startTestHub, type TestHub } from '../support/hub';
import { idNumberFor } from '../support/records';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.hub.close();
});

const officer = () => t.client('officer-zhang', 'officer-zhang');

/** The audit events written for one request (test inspection of the table). */
async function auditedRequests(requestId: string): Promise<Record<string, any>[]> {
  return (await t.scan('audit')).filter((e: any) => e.requestId?.S === requestId) as Record<string, any>[];
}

async function sharedCase(n: number): Promise<{ caseId: string; recordId: string }> {
  const birth = `2011-0${n}-1${n}`;
  const child = {
    name: `路径测试${n}`,
    sex: 'M',
    birthDate: birth,
    idNumber: idNumberFor('540102', birth, 300 + n),
    householdRegion: '540102',
    categories: [],
  };
  const civil = await t.client('xz-civil-affairs').post<any>('/v1/records', { externalId: `PATH-C${n}`, ...child });
  const edu = await t.client('xz-education').post<any>('/v1/records', { externalId: `PATH-E${n}`, ...child });
  expect(edu.body.caseId).toBe(civil.body.caseId);
  return { caseId: civil.body.caseId, recordId: edu.body.recordId };
}

/** `case_…` spelled with its underscore, or with every character, percent-encoded. */
const underscoreEncoded = (id: string) => id.replace('_', '%5F');
const fullyEncoded = (id: string) => [...id].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');

describe('percent-encoded path parameters', () => {
  it('an emergency opened through case%5F… appears in the access report and in the officers’ search by case', async () => {
    const { caseId } = await sharedCase(1);
    const opened = await t
      .client('xz-education', 'teacher-9')
      .post<any>(`/v1/cases/${underscoreEncoded(caseId)}/emergency`, { reason: '学生出现危机，需要立即协调' });
    expect(opened.status).toBe(201);
    expect(opened.body.caseId).toBe(caseId);

    const report = await officer().get<any>(`/v1/audit/cases/${caseId}/access-report`);
    expect(report.body.entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ agencyId: 'xz-education', sub: 'teacher-9', route: 'POST /v1/cases/{caseId}/emergency', legalBasis: ['emergency'] }),
      ]),
    );
    const search = await officer().get<any>(`/v1/audit/events?caseId=${caseId}`);
    const emergency = search.body.items.filter((e: any) => e.route === 'POST /v1/cases/{caseId}/emergency');
    expect(emergency).toHaveLength(1);
    expect(emergency[0]).toMatchObject({ status: 201, agencyId: 'xz-education', path: `/v1/cases/${caseId}/emergency` });
  });

  it('reads a case, a record and an officer report alike whichever way the id is spelled', async () => {
    const { caseId, recordId } = await sharedCase(2);
    const plain = await t.client('xz-education').get<any>(`/v1/cases/${caseId}`, { purpose: 'assessment' });
    for (const spelled of [underscoreEncoded(caseId), caseId.replace('_', '%5f'), fullyEncoded(caseId)]) {
      const view = await t.client('xz-education').get<any>(`/v1/cases/${spelled}`, { purpose: 'assessment' });
      expect(view.status).toBe(200);
      expect(view.body.caseId).toBe(plain.body.caseId);
      const report = await officer().get<any>(`/v1/audit/cases/${spelled}/access-report`);
      expect(report.status).toBe(200);
      expect(report.body.caseId).toBe(caseId);
    }
    const record = await t.client('xz-education').get<any>(`/v1/records/${underscoreEncoded(recordId)}`);
    expect(record.status).toBe(200);
    expect(record.body.recordId).toBe(recordId);
    // Encoded fixed segments route too: the gateway routes on the path read once.
    expect((await t.client('xz-education').get<any>(`/v1/%63ases/${caseId}`, { purpose: 'assessment' })).status).toBe(200);
  });

  it('audits the path read once: the encoded and the plain request have the same path in their audit events', async () => {
    const { caseId } = await sharedCase(3);
    const encoded = await t.client('xz-education').get<any>(`/v1/cases/${fullyEncoded(caseId)}`, { purpose: 'assessment' });
    const [event] = await auditedRequests(encoded.headers.get('x-request-id')!);
    expect(event?.path.S).toBe(`/v1/cases/${caseId}`);
    expect(event?.route.S).toBe('GET /v1/cases/{caseId}');
  });
});

describe('malformed percent-encoding', () => {
  const malformed = ['/v1/cases/case%ZZ', '/v1/cases/%E4%B8', '/v1/cases/case%', '/v1/records/%C0%AF', '/v1/%ZZ/x'];

  it.each(malformed)('answers %s with 400 PATH_MALFORMED, in Chinese and English, audited exactly once', async (path) => {
    const res = await t.client('xz-education').get<any>(path, { purpose: 'assessment' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'PATH_MALFORMED',
      message_zh: expect.stringMatching(/编码/),
      message: expect.stringMatching(/percent-encoding/),
    });
    const requestId = res.headers.get('x-request-id')!;
    expect(res.body.error.requestId).toBe(requestId);
    const events = await auditedRequests(requestId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ errorCode: { S: 'PATH_MALFORMED' }, status: { N: '400' }, outcome: { S: 'deny' } });
  });

  it('refuses malformed encoding on public routes too, audited once', async () => {
    const res = await t.raw('GET', '/console/%E4%B8.js');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('PATH_MALFORMED');
    expect(await auditedRequests(res.body.error.requestId)).toHaveLength(1);
  });
});

describe('console files', () => {
  it('answers an unknown file with the standard error body and headers, like any other 404', async () => {
    const other = await fetch(new URL('/v1/health/nope', t.hub.baseUrl));
    for (const name of ['nope.js', 'constructor', '__proto__', 'index.html%00', '..%2F..%2Fpackage.json']) {
      const res = await fetch(new URL(`/console/${name}`, t.hub.baseUrl));
      const body = (await res.json()) as any;
      expect(res.status).toBe(404);
      expect(body).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String), message_zh: '未找到', requestId: res.headers.get('x-request-id') } });
      for (const header of ['content-type', 'cache-control', 'x-content-type-options']) expect(res.headers.get(header)).toBe(other.headers.get(header));
    }
  });

  it('still serves the files, also through an encoded name', async () => {
    const res = await fetch(new URL('/console/index%2Ehtml', t.hub.baseUrl));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  });
});

describe('refused token headers', () => {
  async function withHeader(header: Record<string, unknown>, path = '/v1/notifications') {
    const { privateJwk } = t.province.agencies['xz-education']!.credentials;
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({
      iss: 'xz-education',
      aud: 'xinqiao-540000',
      iat: now,
      exp: now + 60,
      jti: crypto.randomUUID(),
      htm: 'GET',
      htu: path,
      bsh: bodySha256(),
    })
      .setProtectedHeader({ alg: privateJwk.alg, kid: privateJwk.kid, typ: 'xinqiao-req+jwt', ...header } as never)
      .sign(await importJWK(privateJwk, privateJwk.alg));
    return t.raw('GET', path, { authorization: `Bearer ${token}` });
  }

  it.each([
    ['b64: false', { b64: false }],
    ['crit naming b64', { crit: ['b64'], b64: true }],
  ])('refuses a token with %s (401 AUTH_MALFORMED), audited once with the key it claimed', async (_name, header) => {
    const res = await withHeader(header);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('AUTH_MALFORMED');
    const events = await auditedRequests(res.body.error.requestId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ errorCode: { S: 'AUTH_MALFORMED' }, kid: { S: 'xz-education-k1' }, agencyVerified: { BOOL: false } });
  });

  it('accepts the same request signed without those headers', async () => {
    const authorization = await signRequest(t.province.agencies['xz-education']!.credentials, {
      hubId: 'xinqiao-540000',
      method: 'GET',
      pathWithQuery: '/v1/notifications',
    });
    expect((await t.raw('GET', '/v1/notifications', { authorization })).status).toBe(200);
  });
});
