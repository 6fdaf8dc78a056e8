/**
 * `npm run demo` as a newcomer runs it right after `npm start`: a real local hub process (DynamoDB Local
 * embedded), the demo script as its own process, each step checked by its printed outcome; then again on the
 * same hub (a second newcomer, or the same one twice), and once with no hub running.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/free-port';
import { killStarted, ROOT, start, untilRunning } from '../support/npm-start';

afterAll(killStarted);

function demo(dir: string, extra: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', '--dir', dir, ...extra], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const STEPS = [
  'Find the local hub',
  'Education publishes a record, civil affairs uploads its list: the same child merges into one case',
  'Assessment, the guardian’s service agreement, and consent to share',
  'The school refers the child to the mental-health centre',
  'The centre receives, accepts, treats and discharges',
  'The coordinating role assigns a paired carer',
  'A follow-up is recorded; the next one, late, shows on the worklist',
  'Export the child’s file, one person one file (zip)',
  "The privacy officer's access report shows every read",
  "The coordinating role's care metrics (this county)",
];

describe('npm run demo', () => {
  it('plays the whole story against a fresh `npm start`, and again on the same hub', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xq-demo-'));
    const hub = start({ HUB_LOCAL_DIR: dir, HUB_PORT: String(await freePort()), HUB_DYNAMODB_PORT: String(await freePort()) });
    await untilRunning(hub);

    for (const run of [1, 2]) {
      const { code, stdout, stderr } = await demo(dir);
      expect(stderr, `run ${run}`).toBe('');
      expect(code, `run ${run}: ${stdout}`).toBe(0);
      // Every step printed, in order, and each followed by its success mark before the next begins.
      const blocks = stdout.split(/\n(?=【第 )/).slice(1);
      expect(blocks.map((b) => b.split('\n')[1])).toEqual(STEPS.map((s, i) => `[Step ${i + 1}/${STEPS.length}] ${s}`));
      for (const b of blocks) expect(b).toContain('✓ 完成 done');
      // What each step is about, as a newcomer reads it.
      expect(stdout).toMatch(/job done: \{"auto":1,/);
      expect(stdout).toMatch(/education record rec_\w+, civil affairs record rec_\w+ -> one case case_\w+/);
      expect(stdout).toContain('completed (discharged)');
      expect(stdout).toMatch(/Worklist: assign a paired carer, due \d{4}-\d\d-\d\d \d\d:\d\d 北京时间/);
      expect(stdout).toMatch(/the follow-up is [1-9]\d* day\(s\) overdue/);
      expect(stdout).toMatch(/The file \(zip\): \d+ bytes, X-Content-SHA256: [0-9a-f]{64}/);
      expect(stdout).toMatch(/All [4-9] reads this demo made are in the report/);
      expect(stdout).toMatch(/Demo complete: case case_\w+, all 10 steps passed\./);
    }
    hub.child.kill('SIGINT');
    await hub.exited;
  }, 240_000);

  it('tells a newcomer in Chinese and English to start the hub when none is running, without a stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xq-demo-none-'));
    const missing = await demo(dir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('npm start');
    expect(missing.stderr).toMatch(/请先在另一个终端运行 npm start/);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
