/**
 * `npm start` as a newcomer runs it: a real process with DynamoDB Local,
 * demo province files, persistence across restarts, and no orphan JVM after
 * SIGINT or SIGTERM.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HubClient } from '../../client/hub-client';
import { loadAgencyJwk } from '../../local/demo-province';
import { freePort } from '../../local/free-port';
import { sampleRecord } from '../support/records';

const ROOT = join(import.meta.dirname, '../..');
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(env: Record<string, string>, args: string[] = []): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function untilRunning(s: Started): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (!s.output().includes('is running')) {
    if (s.child.exitCode !== null) throw new Error(`npm start exited: ${s.output()}`);
    if (Date.now() > deadline) throw new Error(`npm start did not come up: ${s.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('npm start', () => {
  it('brings up the hub, keeps data across restarts, and leaves no JVM behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xq-start-'));
    const env = { HUB_LOCAL_DIR: dir, HUB_PORT: String(await freePort()), HUB_DYNAMODB_PORT: String(await freePort()) };

    const first = start(env);
    await untilRunning(first);
    const hub = JSON.parse(readFileSync(join(dir, 'hub.json'), 'utf8'));
    expect(hub).toEqual({
      hubId: 'xinqiao-540000',
      baseUrl: `http://127.0.0.1:${env.HUB_PORT}`,
      agencies: [
        { id: 'xz-civil-affairs', type: 'civil_affairs' },
        { id: 'xz-education', type: 'education' },
        { id: 'xz-health', type: 'health' },
        { id: 'xz-youth-league', type: 'youth_league' },
        { id: 'xz-womens-federation', type: 'womens_federation' },
      ],
      officers: [{ id: 'xz-privacy-officer' }],
    });
    const jwkPath = join(dir, 'agencies', 'xz-education.jwk.json');
    expect(statSync(jwkPath).mode & 0o077).toBe(0);
    const jwk = loadAgencyJwk(dir, 'xz-education');
    expect(jwk).toMatchObject({ kid: expect.stringMatching(/^xz-education-/), alg: 'EdDSA', d: expect.any(String) });

    const client = new HubClient({ baseUrl: hub.baseUrl, hubId: hub.hubId, credentials: { agencyId: 'xz-education', privateJwk: jwk } });
    const published = await client.post<any>('/v1/records', sampleRecord({ externalId: 'START-1' }));
    expect(published.status).toBe(201);

    // npm run audit:verify reads the running hub's trail.
    const verify = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/audit-verify.ts'], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
    expect(verify.status, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout).toContain('intact');

    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    expect(await listening(Number(env.HUB_DYNAMODB_PORT))).toBe(false);
    expect(await listening(Number(env.HUB_PORT))).toBe(false);

    const second = start(env);
    await untilRunning(second);
    const again = await client.get<any>(`/v1/records/${published.body.recordId}`);
    expect(again.status).toBe(200);
    expect(again.body.record.externalId).toBe('START-1');
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(await listening(Number(env.HUB_DYNAMODB_PORT))).toBe(false);
  }, 180_000);

  it('keeps nothing on disk with --in-memory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xq-start-'));
    const s = start({ HUB_LOCAL_DIR: dir, HUB_PORT: String(await freePort()), HUB_DYNAMODB_PORT: String(await freePort()) }, ['--in-memory']);
    await untilRunning(s);
    expect(existsSync(join(dir, 'dynamodb'))).toBe(false);
    s.child.kill('SIGINT');
    expect(await s.exited).toBe(0);
  }, 120_000);

  it('says what to install when Java is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xq-start-'));
    const s = start({ HUB_LOCAL_DIR: dir, PATH: '/nonexistent', HUB_PORT: String(await freePort()) });
    expect(await s.exited).toBe(1);
    expect(s.output()).toContain('Java 17 or newer is needed to run DynamoDB Local');
    expect(s.output()).toContain('apt-get install -y openjdk-17-jre-headless');
  }, 60_000);
});
