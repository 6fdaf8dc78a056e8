/**
 * `npm start` as a newcomer runs it: a real process with DynamoDB Local,
 * demo province files, persistence across restarts, and no orphan JVM after
 * SIGINT or SIGTERM.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HubClient } from '../../client/hub-client';
import { loadAgencyJwk } from '../../local/demo-province';
import { freePort } from '../../local/free-port';
import { killStarted, listening, ROOT, start, untilRunning } from '../support/npm-start';
import { sampleRecord } from '../support/records';

afterAll(killStarted);

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
