/** A lazily loaded route handler: loaded once on first use, shared by concurrent first requests, retried after a failed load. */
import { describe, expect, it } from 'vitest';
import type { HttpEvent, HubContext, RouteHandler } from '../../../lambdas/http/context';
import { lazyHandler } from '../../../lambdas/http/lazy-handler';

const event = {} as HttpEvent;
const context = {} as HubContext;

describe('lazyHandler', () => {
  it('loads the handler on the first request only, also when requests arrive together', async () => {
    let loads = 0;
    const inner: RouteHandler = async () => ({ statusCode: 200, headers: {}, body: 'ok' });
    const handler = lazyHandler(async () => {
      loads += 1;
      await new Promise((resolve) => setTimeout(resolve, 10));
      return inner;
    });
    expect(loads).toBe(0);
    const answers = await Promise.all([handler(event, context), handler(event, context), handler(event, context)]);
    await handler(event, context);
    expect(answers.map((a) => a.body)).toEqual(['ok', 'ok', 'ok']);
    expect(loads).toBe(1);
  });

  it('passes on a failed load and tries again on the next request', async () => {
    let loads = 0;
    const handler = lazyHandler(async () => {
      loads += 1;
      if (loads === 1) throw new Error('load failed');
      return async () => ({ statusCode: 204, headers: {}, body: '' });
    });
    await expect(handler(event, context)).rejects.toThrow('load failed');
    await expect(handler(event, context)).resolves.toMatchObject({ statusCode: 204 });
    expect(loads).toBe(2);
  });
});
