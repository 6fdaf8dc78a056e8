/**
 * The per-row report pages through every row of a job, however many DynamoDB pages of 1 MB its rows take:
 * a job of 2,500 queued rows (each carrying ~1 KB sealed, 2.5 MB in all) read through GET /v1/lists/{jobId}.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListRowItem } from '../../schemas/entities/lists';
import { startTestHub, type TestHub } from '../support/hub';

const ROWS = 2_500;
let t: TestHub;
const jobId = `job_${'R'.repeat(26)}`;

beforeAll(async () => {
  t = await startTestHub();
  const lists = t.hub.runtime.lists.lists;
  const createdAt = new Date().toISOString();
  // Prepare: a job whose rows were read but not linked yet (the worker is not involved).
  await lists.createJob({
    jobId,
    agencyId: 'xz-civil-affairs',
    agencyType: 'civil_affairs',
    format: 'csv',
    createdAt,
    total: ROWS,
    rejected: 0,
    stage: 'stored',
  });
  const rows: ListRowItem[] = Array.from({ length: ROWS }, (_, i) => ({
    jobId,
    row: i + 1,
    state: 'queued',
    flags: i % 7 === 0 ? ['EXTERNAL_ID_DERIVED'] : [],
    sealed: JSON.stringify({ edk: 'x'.repeat(200), fields: { row: `x1.${'A'.repeat(800)}` } }),
  }));
  await lists.putNewRows(rows, createdAt);
}, 120_000);
afterAll(async () => {
  await t.hub.close();
});

describe('the list report', () => {
  it('returns every row asked for in one answer though they span several 1 MB reads, without sealed copies', async () => {
    const res = await t.client('xz-civil-affairs').get<any>(`/v1/lists/${jobId}?limit=5000`);
    expect(res.status).toBe(200);
    expect(res.body.rows).toHaveLength(ROWS);
    expect(res.body.rows.map((r: any) => r.row)).toEqual(Array.from({ length: ROWS }, (_, i) => i + 1));
    expect(res.body.rows.every((r: any) => r.state === 'queued' && r.sealed === undefined)).toBe(true);
    expect(res.body.rows[7].flags).toEqual(['EXTERNAL_ID_DERIVED']);
    expect(res.body.nextRow).toBeUndefined();
    expect(res.body.job).toMatchObject({ status: 'processing', total: ROWS, processed: 0 });
  });

  it('pages through every row exactly once with nextRow', async () => {
    const seen: number[] = [];
    let after = 0;
    let pages = 0;
    for (;;) {
      const page = (await t.client('xz-civil-affairs').get<any>(`/v1/lists/${jobId}?afterRow=${after}&limit=1000`)).body;
      pages++;
      seen.push(...page.rows.map((r: any) => r.row));
      if (page.nextRow === undefined) break;
      after = page.nextRow;
    }
    expect(seen).toEqual(Array.from({ length: ROWS }, (_, i) => i + 1));
    expect(pages).toBe(3);
  });
});
