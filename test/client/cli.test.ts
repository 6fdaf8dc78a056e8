/**
 * The command line (`npm run hub`), run as a process against a test hub on DynamoDB Local, as a person runs it:
 * help on every command, errors in zh-CN and English and never a stack trace, output fully flushed into a pipe,
 * raw CSV, binary only to a file, list upload with the CSV media type.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/free-port';
import { startTestHub, type TestHub } from '../support/hub';
import { idNumberFor } from '../support/records';

let t: TestHub;
let dir: string;
beforeAll(async () => {
  t = await startTestHub();
  dir = profileDir(t.hub.baseUrl);
});
afterAll(async () => {
  await t.hub.close();
});

function profileDir(baseUrl: string) {
  const d = mkdtempSync(join(tmpdir(), 'xq-cli-'));
  mkdirSync(join(d, 'agencies'));
  const ids = ['xz-education', 'xz-civil-affairs'];
  writeFileSync(join(d, 'hub.json'), JSON.stringify({ hubId: t.province.config.hubId, baseUrl, agencies: ids.map((id) => ({ id })) }));
  for (const id of ids) writeFileSync(join(d, 'agencies', `${id}.jwk.json`), JSON.stringify(t.province.agencies[id]!.credentials.privateJwk));
  return d;
}

/** Runs the CLI with stdout into a pipe (never a TTY here), and collects everything it wrote. */
function hub(args: string[], profile = dir): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'client/bin/hub.ts', '--dir', profile, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString('utf8');
    });
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: err }));
  });
}

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('npm run hub', () => {
  it('has --help on every command', async () => {
    const top = await hub(['--help']);
    expect(top.code).toBe(0);
    for (const c of ['get', 'post', 'upload-list', 'health', 'agencies']) expect(top.stdout.toString()).toContain(c);
    for (const [c, option] of [
      ['get', '--purpose'],
      ['post', '--idempotency-key'],
      ['upload-list', '--wait'],
    ] as const) {
      const help = await hub([c, '--help']);
      expect([help.code, help.stdout.toString().includes(option)], c).toEqual([0, true]);
    }
  });

  it('prints a whole large document into a pipe, body on stdout and status on stderr', async () => {
    const res = await hub(['get', '/v1/openapi.json', '--as', 'xz-education']);
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('HTTP 200');
    expect(res.stdout.length).toBeGreaterThan(128 * 1024);
    expect(JSON.parse(res.stdout.toString('utf8')).openapi).toMatch(/^3\.1/);
  });

  it('names an unknown agency and the known ones, in Chinese and English, without a stack trace', async () => {
    const res = await hub(['get', '/v1/openapi.json', '--as', 'xz-nobody']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('未知机构 xz-nobody');
    expect(res.stderr).toContain('unknown agency xz-nobody; known: xz-education, xz-civil-affairs');
    noStack(res.stderr);
  });

  it('says the hub is not running, and where', async () => {
    const port = await freePort();
    const res = await hub(['get', '/v1/openapi.json', '--as', 'xz-education'], profileDir(`http://127.0.0.1:${port}`));
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`hub not running at http://127.0.0.1:${port}`);
    expect(res.stderr).toContain('本地中心未运行');
    noStack(res.stderr);
  });

  it('says how to make a profile when there is none', async () => {
    const res = await hub(['agencies'], join(tmpdir(), 'xq-no-such-profile'));
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/npm start/);
    expect(res.stderr).not.toContain('ENOENT');
  });

  it('refuses a body that is not JSON and an unknown purpose before sending', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'xq-cli-body-')), 'bad.json');
    writeFileSync(file, '{"name": ');
    const bad = await hub(['post', '/v1/records', '--as', 'xz-education', '--file', file]);
    expect([bad.code, bad.stderr.includes('The body is not valid JSON.')]).toEqual([2, true]);
    const purpose = await hub(['get', '/v1/ledger', '--as', 'xz-education', '--purpose', 'curiosity']);
    expect(purpose.code).toBe(2);
    expect(purpose.stderr).toContain('curiosity');
    noStack(purpose.stderr);
  });

  it('uploads a list as text/csv, waits for the job, and prints the ledger as raw CSV', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'xq-cli-list-')), 'list.csv');
    const id = idNumberFor('540102', '2013-02-03', 77);
    writeFileSync(file, `\uFEFF原系统编号,姓名,性别,出生日期,身份证号,户籍地,儿童类别\r\nCLI-1,次仁拉姆,女,2013-02-03,${id},540102,留守儿童\r\n`);
    const up = await hub(['upload-list', file, '--as', 'xz-civil-affairs', '--wait']);
    expect(up.code, up.stderr).toBe(0);
    expect(JSON.parse(up.stdout.toString()).job.status).toBe('done');
    const ledger = await hub(['get', '/v1/ledger?format=csv', '--as', 'xz-civil-affairs']);
    expect(ledger.code).toBe(0);
    expect([...ledger.stdout.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(ledger.stdout.toString('utf8')).toContain('\r\n');
  });

  it('writes a binary answer to --out and a 4xx answer exits non-zero with the error body', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'xq-cli-out-')), 'openapi.json');
    const saved = await hub(['get', '/v1/openapi.json', '--as', 'xz-education', '--out', out]);
    expect(saved.code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).openapi).toMatch(/^3\.1/);
    const missing = await hub(['get', '/v1/records/rec_0000000000000000000000000A', '--as', 'xz-education']);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout.toString()).error.code).toBe('NOT_FOUND');
  });
});
