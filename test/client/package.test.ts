/**
 * The client as an agency installs it: `npm run build` and `npm pack` in client/, the tarball unpacked into a
 * project of its own whose node_modules hold only the package, jose (its one dependency) and @types/node — no
 * zod, no project schemas, no local/. Plain Node (no tsx) imports the built JavaScript and talks to the real local
 * hub; tsc checks a consumer against the built declarations, strictly enough that a wrong body is a type error.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../support/hub';

const root = fileURLToPath(new URL('../..', import.meta.url));
const client = join(root, 'client');
const require = createRequire(import.meta.url);
const moduleDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

let t: TestHub;
let consumer: string;
let packed: string[];

beforeAll(async () => {
  t = await startTestHub();
  const work = mkdtempSync(join(tmpdir(), 'xq-client-pkg-'));
  execFileSync(process.execPath, [require.resolve('tsx/cli'), 'scripts/build.ts'], { cwd: client, stdio: 'pipe' });
  const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
    cwd: client,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [tarball] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
  packed = tarball!.files.map((f) => f.path).sort();
  consumer = join(work, 'consumer');
  const installed = join(consumer, 'node_modules', '@xinqiao', 'hub-client');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', join(work, tarball!.filename), '-C', installed, '--strip-components=1']);
  symlinkSync(moduleDir('jose'), join(consumer, 'node_modules', 'jose'));
  mkdirSync(join(consumer, 'node_modules', '@types'));
  symlinkSync(moduleDir('@types/node'), join(consumer, 'node_modules', '@types', 'node'));
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'agency-system', type: 'module', private: true }));
}, 180_000);
afterAll(async () => {
  await t.hub.close();
});

describe('the installable client package', () => {
  it('ships only built JavaScript, declarations and its package.json', () => {
    expect(packed).toContain('dist/index.js');
    expect(packed).toContain('dist/index.d.ts');
    expect(packed).toContain('package.json');
    expect(packed.filter((f) => !/^dist\/.+\.(js|d\.ts)$/.test(f) && f !== 'package.json')).toEqual([]);
    expect(readdirSync(join(consumer, 'node_modules'))).toEqual(['@types', '@xinqiao', 'jose']);
  });

  it('runs on plain Node against the local hub: signs, publishes, reads back, verifies the hub keys', async () => {
    const credentials = t.province.agencies['xz-civil-affairs']!.credentials;
    writeFileSync(
      join(consumer, 'run.mjs'),
      `import { HubClient, HubError } from '@xinqiao/hub-client';
const hub = new HubClient({ baseUrl: process.env.HUB_URL, hubId: process.env.HUB_ID, credentials: JSON.parse(process.env.CREDS), sub: 'staff-9' });
const health = await hub.health();
const published = await hub.publishRecord({ externalId: 'PKG-1', name: '尼玛', sex: 'M', birthDate: '2012-03-04' });
const read = await hub.getRecord(published.recordId);
const keys = await hub.hubKeys();
const missing = await hub.getRecord('not-a-record-id').catch((e) => e);
console.log(JSON.stringify({ health: health.status, status: published.status, name: read.record.name, keys: keys.keys.length, error: missing instanceof HubError ? missing.code : String(missing) }));
`,
    );
    const out = await new Promise<string>((resolve, reject) => {
      // Asynchronous: the hub answers from this process.
      import('node:child_process').then(({ execFile }) =>
        execFile(
          process.execPath,
          ['run.mjs'],
          { cwd: consumer, env: { PATH: process.env.PATH, HUB_URL: t.hub.baseUrl, HUB_ID: t.province.config.hubId, CREDS: JSON.stringify(credentials) } },
          (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
        ),
      );
    });
    expect(JSON.parse(out)).toEqual({ health: 'ok', status: 'created', name: '尼玛', keys: 1, error: 'VALIDATION_FAILED' });
  }, 60_000);

  it('type-checks a consumer against the built declarations, and a wrong body is a type error', () => {
    writeFileSync(
      join(consumer, 'use.ts'),
      `import { HubClient, type SignedNotification } from '@xinqiao/hub-client';
declare const hub: HubClient;
export async function use(): Promise<SignedNotification | undefined> {
  const published = await hub.publishRecord({ externalId: 'E-1', name: '张三', categories: ['left_behind'] });
  const id: string = published.caseId;
  // @ts-expect-error name must be a string
  await hub.publishRecord({ externalId: 'E-2', name: 42 });
  // @ts-expect-error an unknown route
  await hub.call('GET /v1/nowhere', {});
  for await (const { notification } of hub.watchNotifications({ after: id })) return notification;
  return undefined;
}
`,
    );
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: ['node'] },
        files: ['use.ts'],
      }),
    );
    const tsc = require.resolve('typescript/bin/tsc');
    const result = (() => {
      try {
        return execFileSync(process.execPath, [tsc, '-p', consumer], { cwd: consumer, encoding: 'utf8', stdio: 'pipe' });
      } catch (error) {
        return `FAILED ${(error as { stdout?: string }).stdout ?? error}`;
      }
    })();
    expect(result).toBe('');
  }, 120_000);
});
