/** Same case (个案同案) in the hub: incremental linking through DynamoDB Local. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../support/hub';
import { idNumberFor } from '../support/records';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.hub.close();
});

const child = {
  name: '格桑曲珍',
  sex: 'F',
  birthDate: '2012-08-14',
  idNumber: idNumberFor('540221', '2012-08-14', 128),
  householdRegion: '540221',
  currentRegion: '540221',
  guardian: { name: '巴桑次仁', phone: '13908901234', relation: 'father' },
  school: '南木林县第一小学',
  categories: ['left_behind'],
};

describe('same case in the hub', () => {
  it('links three agencies’ records of one child into one case, and keeps a twin apart', async () => {
    // Prepare / Act: civil affairs (best data), education (traditional characters, no ID), hotline (partial identity).
    const civil = await t.client('xz-civil-affairs').post<any>('/v1/records', { externalId: 'MZ-1', ...child, riskLevel: 'medium' });
    const edu = await t.client('xz-education').post<any>('/v1/records', {
      externalId: 'JY-1',
      ...child,
      name: '格桑曲珍',
      idNumber: undefined,
      school: '南木林县第一小学',
      riskLevel: 'high',
    });
    const hotline = await t.client('xz-youth-league').post<any>('/v1/records', {
      externalId: 'TW-1',
      name: '格桑 · 曲珍',
      birthDate: child.birthDate,
      guardian: { name: '巴桑次仁', phone: '13908901234', relation: 'father' },
      categories: [],
    });
    const twin = await t.client('xz-health').post<any>('/v1/records', {
      externalId: 'WJ-1',
      ...child,
      name: '格桑卓玛',
      idNumber: idNumberFor('540221', '2012-08-14', 130),
    });

    // Assess
    expect(civil.body).toMatchObject({ status: 'created', link: 'new' });
    expect(edu.body).toMatchObject({ status: 'created', link: 'auto', caseId: civil.body.caseId });
    expect(hotline.body).toMatchObject({ status: 'created', link: 'auto', caseId: civil.body.caseId });
    expect(twin.body.caseId).not.toBe(civil.body.caseId);
    expect(twin.body.link).toBe('new');
  });

  it('keeps the case id stable when a record is published again', async () => {
    const first = await t.client('xz-civil-affairs').post<any>('/v1/records', { externalId: 'MZ-1', ...child, riskLevel: 'crisis' });
    expect(first.body).toMatchObject({ status: 'updated', version: 2 });
    const read = await t.client('xz-civil-affairs').get<any>(`/v1/records/${first.body.recordId}`);
    expect(read.body.caseId).toBe(first.body.caseId);
  });

  it('sends a pair with only name and birth date in common to review, not to a link', async () => {
    const a = await t.client('xz-civil-affairs').post<any>('/v1/records', {
      externalId: 'MZ-2',
      name: '次仁拉姆',
      sex: 'F',
      birthDate: '2014-03-03',
      householdRegion: '540102',
      guardian: { name: '多吉', phone: '13800000001', relation: 'father' },
      categories: [],
    });
    const b = await t
      .client('xz-youth-league')
      .post<any>('/v1/records', { externalId: 'TW-2', name: '次仁拉姆', sex: 'F', birthDate: '2014-03-03', categories: [] });
    expect(a.body.link).toBe('new');
    expect(b.body.link).toBe('review');
    expect(b.body.caseId).not.toBe(a.body.caseId);
    expect(b.body.reviewId).toMatch(/^rev_/);
  });

  it('stores blocking keys and counters blind: no name, date or phone in the records table', async () => {
    const dump = JSON.stringify(await t.scan('records')) + JSON.stringify(await t.scan('cases'));
    for (const secret of ['格桑', '曲珍', '2012-08-14', '13908901234', 'gesangquzhen', 'basangciren', '巴桑'])
      expect(dump.includes(secret), secret).toBe(false);
  });
});
