/** The typed methods and the paging iterators, against a stand-in hub on 127.0.0.1 (test/client/support.ts). */
import { afterEach, describe, expect, it } from 'vitest';
import { HubClient, HubError } from '../../client/hub-client';
import { pathOf } from '../../client/src/hub-client';
import { collect, credentials, type StandIn, standInHub } from './support';

let hub: StandIn | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

const clientFor = async (stand: StandIn) =>
  new HubClient({ baseUrl: stand.baseUrl, hubId: 'xinqiao-540000', credentials: await credentials(), retry: { attempts: 1 } });

/** Pages of `size` items out of `total`, the cursor being the next index (as the hub's, opaque to the client). */
const pagedAnswer =
  (total: number, size: number, field: 'cursor' | 'nextCursor' = 'cursor') =>
  (seen: { url: string }) => {
    const url = new URL(seen.url, 'http://x');
    const from = Number(url.searchParams.get('cursor') ?? 0);
    const items = Array.from({ length: Math.min(size, total - from) }, (_, i) => ({ n: from + i }));
    return { status: 200, body: { items, ...(from + size < total && { [field]: String(from + size) }) } };
  };

describe('paging iterators', () => {
  it('walks every page of the worklist with the cursor of the page before, keeping the query', async () => {
    hub = await standInHub(pagedAnswer(7, 3));
    const client = await clientFor(hub);

    const items: unknown[] = [];
    for await (const item of client.worklist({ due: 'overdue', limit: 3 })) items.push(item);

    expect(items).toEqual([0, 1, 2, 3, 4, 5, 6].map((n) => ({ n })));
    expect(hub.seen.map((s) => s.url)).toEqual([
      '/v1/worklist?due=overdue&limit=3',
      '/v1/worklist?due=overdue&limit=3&cursor=3',
      '/v1/worklist?due=overdue&limit=3&cursor=6',
    ]);
  });

  it('follows nextCursor on the audit events', async () => {
    hub = await standInHub(pagedAnswer(4, 2, 'nextCursor'));
    const client = await clientFor(hub);
    const items = await collect(client.auditEvents({ limit: 2 }));
    expect(items).toHaveLength(4);
    expect(hub.seen).toHaveLength(2);
  });

  it('fetches a page only when the loop asks for it', async () => {
    hub = await standInHub(pagedAnswer(100, 10));
    const client = await clientFor(hub);
    for await (const item of client.ledger()) {
      expect(item).toEqual({ n: 0 });
      break;
    }
    expect(hub.seen).toHaveLength(1);
  });

  it("pages a list job's row reports on afterRow and nextRow", async () => {
    hub = await standInHub((seen) => {
      const after = Number(new URL(seen.url, 'http://x').searchParams.get('afterRow'));
      const rows = after < 5 ? [{ row: after + 1 }, { row: after + 2 }] : [];
      return { status: 200, body: { job: { jobId: 'job_1' }, rows, ...(after + 2 < 5 && { nextRow: after + 2 }) } };
    });
    const client = await clientFor(hub);
    const rows = await collect(client.jobRows('job_01J0000000000000000000000A', { limit: 2 }));
    expect(rows.map((r) => r.row)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(hub.seen.map((s) => new URL(s.url, 'http://x').searchParams.get('afterRow'))).toEqual(['0', '2', '4']);
  });

  it('iterates the one page of notifications the route answers', async () => {
    hub = await standInHub([{ status: 200, body: { items: [{ notificationId: 'n1' }, { notificationId: 'n2' }] } }]);
    const client = await clientFor(hub);
    const ids: string[] = [];
    for await (const n of client.notifications({ limit: 2 })) ids.push(n.notificationId);
    expect(ids).toEqual(['n1', 'n2']);
    expect(hub.seen.map((s) => s.url)).toEqual(['/v1/notifications?limit=2']);
  });

  it('stops with the HubError of a page that fails', async () => {
    hub = await standInHub((_, n) => (n === 0 ? { status: 200, body: { items: [{ n: 0 }], cursor: 'c' } } : { status: 400, code: 'VALIDATION_FAILED' }));
    const client = await clientFor(hub);
    const seen: unknown[] = [];
    await expect(
      (async () => {
        for await (const item of client.reviews()) seen.push(item);
      })(),
    ).rejects.toMatchObject({ name: 'HubError', status: 400, code: 'VALIDATION_FAILED' });
    expect(seen).toEqual([{ n: 0 }]);
  });
});

describe('typed methods', () => {
  it('resolve to the success body and reject with the HubError of any other answer, its code and both messages', async () => {
    hub = await standInHub((_, n) => (n === 0 ? { status: 201, body: { recordId: 'r1', caseId: 'c1' } } : { status: 404, code: 'NOT_FOUND' }));
    const client = await clientFor(hub);

    const published = await client.publishRecord({ externalId: 'E-1', name: '张三' });
    const error = await client.getRecord('r/../x').catch((e: unknown) => e);

    expect(published).toMatchObject({ recordId: 'r1', caseId: 'c1' });
    expect(error).toBeInstanceOf(HubError);
    expect(error).toMatchObject({ status: 404, code: 'NOT_FOUND', message: 'NOT_FOUND (en)', messageZh: 'NOT_FOUND（中文）', requestId: 'req-1' });
    expect(hub.seen[1]!.url).toBe('/v1/records/r%2F..%2Fx');
  });

  it('names an answer that is not the hub error body by its status', async () => {
    hub = await standInHub([{ status: 502, body: '<html>bad gateway</html>' }]);
    const client = await clientFor(hub);
    await expect(client.health()).rejects.toMatchObject({ code: 'HTTP_502', status: 502 });
  });

  it('sends a list as CSV, or as JSON lines when told, with the bytes as given', async () => {
    hub = await standInHub([{ status: 202, body: { job: { jobId: 'job_1' }, created: true } }]);
    const client = await clientFor(hub);
    await client.submitList('\uFEFFexternalId,name\nE-1,张三\n');
    await client.submitList('{"externalId":"E-1","name":"张三"}\n', { format: 'jsonl' });
    expect(hub.seen.map((s) => s.headers['content-type'])).toEqual(['text/csv; charset=utf-8', 'application/x-ndjson']);
    expect(hub.seen[0]!.body).toBe('\uFEFFexternalId,name\nE-1,张三\n');
  });

  it('builds paths with encoded parameters and queries without undefined members', () => {
    expect(pathOf('POST /v1/cases/{caseId}/care-plans/{planId}/versions', { caseId: 'c 1', planId: 'p/2' })).toEqual({
      method: 'POST',
      path: '/v1/cases/c%201/care-plans/p%2F2/versions',
    });
    expect(pathOf('GET /v1/referrals', {}, { as: 'owner', status: undefined, limit: 5 }).path).toBe('/v1/referrals?as=owner&limit=5');
    expect(() => pathOf('GET /v1/records/{recordId}', {})).toThrow('the path parameter recordId is required');
  });
});
