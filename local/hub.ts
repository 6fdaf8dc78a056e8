/**
 * Wires a local hub: DynamoDB Local client, tables, local keyring, the same
 * route-group handlers the Lambdas run, and the local API Gateway server.
 */
import type { AddressInfo } from 'node:net';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { generateAuditSigningKey, LocalKeyring } from '../lambdas/crypto/local-keyring';
import { LocalDigestSigner } from '../lambdas/crypto/digest-signer';
import { localTableNames, type TableNames } from '../lambdas/data/tables';
import { createAllGroups } from '../lambdas/groups';
import { createListWorker } from '../lambdas/groups/list-worker';
import { InProcessListQueue } from '../lambdas/data/list-queue';
import type { SignedGroupOptions } from '../lambdas/groups/signed-group';
import { createRuntime, type HubRuntime } from '../lambdas/runtime';
import { localDynamoClient } from './dynamodb-local';
import type { LocalHubState } from './demo-province';
import { readConsoleFiles } from './console-files';
import { createLocalServer } from './server';
import { ensureTables } from './tables';

export interface HubServerOptions {
  state: LocalHubState;
  dynamoEndpoint: string;
  /** 0 picks a free port. */
  port: number;
  host?: string;
  tablePrefix?: string;
  auditRetentionDays?: number;
  /** Wraps the keyring, e.g. to count calls in tests. */
  keyring?: LocalKeyring;
  groupOptions?: SignedGroupOptions;
}

export interface RunningHub {
  readonly baseUrl: string;
  readonly runtime: HubRuntime;
  readonly tables: TableNames;
  readonly dynamo: DynamoDBClient;
  readonly keyring: LocalKeyring;
  /** The in-process stand-in for the SQS list queue. */
  readonly listQueue: InProcessListQueue;
  close(): Promise<void>;
}

export async function startHubServer(options: HubServerOptions): Promise<RunningHub> {
  const { state } = options;
  const dynamo = localDynamoClient(options.dynamoEndpoint);
  const tables = localTableNames(state.province.provinceCode, options.tablePrefix);
  await ensureTables(dynamo, tables);
  const keyring = options.keyring ?? new LocalKeyring(state.keyMaterial);
  const listQueue = new InProcessListQueue();
  const runtime = createRuntime({
    listQueue,
    signer: new LocalDigestSigner(state.keyMaterial.auditSigningKey ?? generateAuditSigningKey()),
    notificationSigner: new LocalDigestSigner(state.keyMaterial.notificationSigningKey ?? generateAuditSigningKey(), 'local-notification-signing-key'),
    registry: state.province,
    dynamo,
    tables,
    keyring,
    auditRetentionDays: options.auditRetentionDays ?? 3 * 365,
  });
  listQueue.attach(createListWorker(runtime));
  const server = createLocalServer(createAllGroups(runtime, readConsoleFiles(), options.groupOptions));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://${host}:${port}`,
    runtime,
    tables,
    dynamo,
    keyring,
    listQueue,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          void listQueue.drained().then(() => {
            dynamo.destroy();
            resolve();
          });
        });
      }),
  };
}
