/**
 * Starts and stops DynamoDB Local (the Java emulator) for `npm start` and the
 * integration tests. Fails with a clear message when Java is missing.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { type CallBudget, SDK_BUDGETS, sdkClient } from '../lambdas/shared/sdk-clients';
// @ts-expect-error plain ESM script without types
import { fetchDynamoDbLocal } from '../scripts/fetch-dynamodb-local.mjs';

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  port: number;
  /** Directory for the database file; in memory when omitted. */
  dbPath?: string;
  /** Java heap (default 1g); in-memory benchmarks of a million items need more. */
  heap?: string;
}

/** Thrown when the emulator cannot start; its message says what to do. */
export class DynamoDbLocalError extends Error {
  override readonly name = 'DynamoDbLocalError';
}

export function assertJava(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new DynamoDbLocalError(
      'Java 17 or newer is needed to run DynamoDB Local, and `java` was not found.\n' +
        'Install it, e.g. on Debian/Ubuntu: apt-get install -y openjdk-17-jre-headless',
    );
  }
}

function portInUse(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

/**
 * A DynamoDB client for the emulator (static dummy credentials; the emulator ignores them), with the
 * same timeouts and retries as the Lambdas' (lambdas/shared/sdk-clients.ts) unless `budget` says otherwise.
 */
export function localDynamoClient(endpoint: string, budget: CallBudget = SDK_BUDGETS.dynamodb): DynamoDBClient {
  return sdkClient(
    (config) => new DynamoDBClient({ ...config, endpoint, region: 'cn-northwest-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
    'dynamodb',
    budget,
  );
}

export async function startDynamoDbLocal(options: StartOptions): Promise<DynamoDbLocal> {
  assertJava();
  if (await portInUse(options.port)) {
    throw new DynamoDbLocalError(`Port ${options.port} is already in use; set HUB_DYNAMODB_PORT to another port.`);
  }
  const dir: string = fetchDynamoDbLocal({ quiet: false });
  const args = [
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
    `-Xmx${options.heap ?? '1g'}`,
    '-jar',
    join(dir, 'DynamoDBLocal.jar'),
    '-port',
    String(options.port),
    '-sharedDb',
    '-disableTelemetry',
    ...(options.dbPath ? ['-dbPath', options.dbPath] : ['-inMemory']),
  ];
  const child: ChildProcess = spawn('java', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const endpoint = `http://127.0.0.1:${options.port}`;
  const client = localDynamoClient(endpoint);
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new DynamoDbLocalError(`DynamoDB Local exited (${child.exitCode}): ${stderr}`);
      try {
        await client.send(new ListTablesCommand({}));
        break;
      } catch {
        if (Date.now() > deadline) throw new DynamoDbLocalError(`DynamoDB Local did not answer within 60 s: ${stderr}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    client.destroy();
  }

  return {
    endpoint,
    port: options.port,
    stop: () =>
      new Promise<void>((done) => {
        process.removeListener('exit', killOnExit);
        if (child.exitCode !== null || child.signalCode !== null) return done();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(timer);
          done();
        });
        child.kill('SIGTERM');
      }),
  };
}
