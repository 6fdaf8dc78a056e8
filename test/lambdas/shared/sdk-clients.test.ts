import { createServer, type Server } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { type CallBudget, SDK_BUDGETS, sdkClientConfig } from '../../../lambdas/shared/sdk-clients';

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

const budget: CallBudget = { connectionTimeoutMs: 300, requestTimeoutMs: 300, maxAttempts: 3 };
const dynamo = (endpoint: string) =>
  new DynamoDBClient({ ...sdkClientConfig('dynamodb', budget), endpoint, region: 'cn-northwest-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });

describe('SDK client budgets', () => {
  it('gives every client connection and request timeouts that throw, and bounded attempts', async () => {
    for (const [service, Client] of [
      ['dynamodb', DynamoDBClient],
      ['kms', KMSClient],
      ['sqs', SQSClient],
    ] as const) {
      const client = new Client({ ...sdkClientConfig(service), region: 'cn-northwest-1' });
      expect(await client.config.maxAttempts(), service).toBe(SDK_BUDGETS[service].maxAttempts);
      const handler = client.config.requestHandler as unknown as { httpHandlerConfigs(): Record<string, unknown>; handle: unknown };
      // The handler resolves its options on first use.
      await (handler as unknown as { handle(r: unknown): Promise<unknown> })
        .handle({ protocol: 'http:', hostname: '127.0.0.1', port: 9, method: 'GET', path: '/', headers: {} })
        .catch(() => undefined);
      expect(handler.httpHandlerConfigs(), service).toMatchObject({
        connectionTimeout: SDK_BUDGETS[service].connectionTimeoutMs,
        requestTimeout: SDK_BUDGETS[service].requestTimeoutMs,
        throwOnRequestTimeout: true,
      });
      client.destroy();
    }
  });

  it('does not retry an attempt that timed out: one connection to a silent store, then TimeoutError', async () => {
    const { seen, endpoint } = await store('silent');
    const error = await dynamo(endpoint)
      .send(new ListTablesCommand({}))
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe('TimeoutError');
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
});
