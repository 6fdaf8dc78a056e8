/** Fixtures for the care-loop tests: a case held by several agencies, and the bodies of care requests. */
import { expect } from 'vitest';
import type { LedgerRow } from '../../schemas/entities/cases';
import type { TestHub } from './hub';
import { idNumberFor } from './records';

let n = 0;

/** One child published by each of `agencies` (default: education and health), linked into one case; `records`: each agency's record id. */
export async function makeCareCase(t: TestHub, agencies: readonly string[] = ['xz-education', 'xz-health']) {
  n++;
  const birth = `2012-0${1 + (n % 9)}-1${n % 10}`;
  const child = {
    name: `关爱闭环${'甲乙丙丁戊己庚辛壬癸'[n % 10]}${n}`,
    sex: n % 2 ? 'F' : 'M',
    birthDate: birth,
    idNumber: idNumberFor('540104', birth, 500 + n * 2),
    householdRegion: '540104',
    categories: ['left_behind'],
    guardian: { name: '卓嘎', relation: 'grandparent' },
  };
  const ids: Record<string, string> = {};
  const records: Record<string, string> = {};
  for (const agency of agencies) {
    const res = await t.client(agency).post<any>('/v1/records', { externalId: `CARE-${agency}-${n}`, ...child });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    ids[agency] = res.body.caseId;
    records[agency] = res.body.recordId;
  }
  expect(new Set(Object.values(ids)).size).toBe(1);
  return { caseId: Object.values(ids)[0]!, n, records };
}

let form = 0;

/** A service agreement body; `agrees: false` declines both with a reason. */
export function agreementBody(overrides: Record<string, unknown> = {}, agrees = true) {
  form++;
  return {
    guardian: { name: '卓嘎', relation: 'grandparent' },
    agreesWithAssessment: agrees,
    agreesToFollowUp: agrees,
    ...(!agrees && { declineReason: 'privacy_concerns' }),
    childView: 'agrees',
    evidence: {
      documentRef: `服务同意书-${form}`,
      sha256: (0xa000 + form).toString(16).padStart(64, '0'),
      collectedBy: 'teacher-7',
      collectedAt: new Date(Date.now() - 60_000 + form).toISOString(),
    },
    ...overrides,
  };
}

/** Headers of a create with its idempotency key. */
export const keyed = (key: string) => ({ headers: { 'idempotency-key': key } });

/** A ledger row for unit tests of case files: open, or merged into `mergedInto`. */
export const ledgerRowOf = (caseId: string, mergedInto?: string): LedgerRow => ({
  caseId,
  status: mergedInto ? 'merged' : 'open',
  ...(mergedInto && { mergedInto }),
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
  memberCount: 1,
  categories: [],
  agencyTypes: {},
  regions: [],
});
