/** Starts a hub on DynamoDB Local (from the global setup) with its own tables, and talks to it over HTTP. */
import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { HubClient } from '../../client/hub-client';
import { LocalKeyring } from '../../lambdas/crypto/local-keyring';
import { startHubServer, type RunningHub } from '../../local/hub';
import { makeTestProvince, type TestProvince } from './agencies';

export interface TestHub {
  hub: RunningHub;
  province: TestProvince;
  client(agencyId: string, sub?: string): HubClient;
  /** Every item of a table (test inspection only; no Lambda role may Scan). */
  scan(table: keyof RunningHub['tables']): Promise<Record<string, unknown>[]>;
  raw(
    method: string,
    path: string,
    init?: { authorization?: string; body?: string | Uint8Array; contentType?: string },
  ): Promise<{ status: number; body: any; text: string }>;
}

export async function startTestHub(options: { now?: () => number } = {}): Promise<TestHub> {
  const province = await makeTestProvince();
  const keyring = new LocalKeyring(province.state.keyMaterial);
  const hub = await startHubServer({
    state: province.state,
    dynamoEndpoint: inject('dynamoEndpoint'),
    port: 0,
    tablePrefix: `t${randomUUID().slice(0, 8)}`,
    keyring,
    ...(options.now && { groupOptions: { now: options.now } }),
  });
  return {
    hub,
    province,
    client: (agencyId, sub) =>
      new HubClient({
        baseUrl: hub.baseUrl,
        hubId: province.config.hubId,
        credentials: province.agencies[agencyId]!.credentials,
        ...(sub && { sub }),
        // Tests see every answer as it is; test/integration/store-outage.test.ts exercises the client's retries.
        retry: { attempts: 1 },
      }),
    scan: async (table) => {
      const items: Record<string, unknown>[] = [];
      let start: Record<string, any> | undefined;
      do {
        const out = await hub.dynamo.send(new ScanCommand({ TableName: hub.tables[table], ExclusiveStartKey: start }));
        items.push(...((out.Items ?? []) as Record<string, unknown>[]));
        start = out.LastEvaluatedKey;
      } while (start);
      // Audit intents (write-ahead records of mutating requests, docs/audit.md) are chain items, not events: inspection sees events.
      return table === 'audit' ? items.filter((i: any) => i.kind?.S !== 'intent') : items;
    },
    raw: async (method, path, init = {}) => {
      const res = await fetch(new URL(path, hub.baseUrl), {
        method,
        headers: {
          ...(init.authorization && { authorization: init.authorization }),
          ...(init.body !== undefined && { 'content-type': init.contentType ?? 'application/json' }),
        },
        ...(init.body !== undefined && { body: init.body }),
      });
      const text = await res.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      return { status: res.status, body, text };
    },
  };
}
