import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { type CallBudget, SDK_BUDGETS, SilenceWatch, sdkClient } from '../../../lambdas/shared/sdk-clients';

let server: Server | undefined;
afterEach(() => server?.close());

/** A TCP server on 127.0.0.1 that counts connections and either never answers or hangs up at once. */
async function store(behaviour: 'silent' | 'hang-up') {
  const seen = { connections: 0 };
  server = createServer((socket) => {
    seen.connections++;
    if (behaviour === 'hang-up') socket.destroy();
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { seen, endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

/** A DynamoDB stand-in that answers ListTables at once, or after `slowMs` when asked for the table "slow". */
async function slowStore(slowMs: number) {
  server = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const answer = () => {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        res.end('{"TableNames":[]}');
      };
      if (body.includes('"slow"')) setTimeout(answer, slowMs);
      else answer();
    });
  }) as unknown as Server;
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

const budget: CallBudget = { connectionTimeoutMs: 300, silenceMs: 300, requestTimeoutMs: 3_000, maxAttempts: 3 };
const dynamo = (endpoint: string, b = budget) =>
  sdkClient(
    (config) => new DynamoDBClient({ ...config, endpoint, region: 'cn-northwest-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
    'dynamodb',
    b,
  );

describe('SDK client budgets', () => {
  it('gives every client a silence watch, connection and request timeouts that throw, and bounded attempts', async () => {
    for (const [service, Client] of [
      ['dynamodb', DynamoDBClient],
      ['kms', KMSClient],
      ['sqs', SQSClient],
    ] as const) {
      const client = sdkClient((config) => new Client({ ...config, region: 'cn-northwest-1' }), service);
      expect(await client.config.maxAttempts(), service).toBe(SDK_BUDGETS[service].maxAttempts);
      const handler = client.config.requestHandler as unknown as SilenceWatch;
      expect(handler).toBeInstanceOf(SilenceWatch);
      expect(handler.silenceMs).toBe(SDK_BUDGETS[service].silenceMs);
      // The Node handler resolves its options on first use.
      await handler.handle({ protocol: 'http:', hostname: '127.0.0.1', port: 9, method: 'GET', path: '/', headers: {} }).catch(() => undefined);
      expect(handler.httpHandlerConfigs(), service).toMatchObject({
        connectionTimeout: SDK_BUDGETS[service].connectionTimeoutMs,
        requestTimeout: SDK_BUDGETS[service].requestTimeoutMs,
        throwOnRequestTimeout: true,
      });
      client.destroy();
    }
  });

  it('gives up on a silent store after the silence budget, with one connection and no retry', async () => {
    const { seen, endpoint } = await store('silent');
    const error = await dynamo(endpoint)
      .send(new ListTablesCommand({}))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TimeoutError', code: 'ETIMEDOUT' });
    expect(seen.connections).toBe(1);
  });

  it('retries a connection that was reset, up to maxAttempts in all', async () => {
    const { seen, endpoint } = await store('hang-up');
    const error = await dynamo(endpoint)
      .send(new ListTablesCommand({}))
      .catch((e: unknown) => e);
    expect((error as { $metadata?: { attempts?: number } }).$metadata?.attempts).toBe(budget.maxAttempts);
    expect(seen.connections).toBe(budget.maxAttempts);
  });

  it('waits past the silence budget for a slow call while the store keeps answering other calls', async () => {
    const client = dynamo(await slowStore(4 * budget.silenceMs));
    let busy = true;
    const others = (async () => {
      while (busy) {
        await client.send(new ListTablesCommand({}));
        await new Promise((r) => setTimeout(r, budget.silenceMs / 4));
      }
    })();
    const slow = await client.send(new ListTablesCommand({ ExclusiveStartTableName: 'slow' })).finally(() => (busy = false));
    await others;
    expect(slow.TableNames).toEqual([]);
  });

  it('gives up on a slow call past the silence budget when the store answers nothing else (the trade-off)', async () => {
    const client = dynamo(await slowStore(4 * budget.silenceMs));
    const error = await client.send(new ListTablesCommand({ ExclusiveStartTableName: 'slow' })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TimeoutError' });
  });
});
