/**
 * `npm run hub -- <command>`: signed requests to a hub from the command line, with the keys of a hub profile
 * (.hub-local/ as `npm start` writes it; `--dir` or HUB_LOCAL_DIR for another). Built on commander: `--help` on
 * every command; errors in zh-CN and English, never a stack trace; the answer's body on stdout (JSON pretty-printed,
 * CSV and other text raw, binary only with --out or into a pipe), the status on stderr, so output pipes cleanly.
 *
 *   npm run hub -- get /v1/openapi.json --as xz-education --out openapi.json
 *   npm run hub -- post /v1/records --as xz-education --file child.json --sub teacher-017
 *   npm run hub -- upload-list list.csv --as xz-education --wait
 *   npm run hub -- get "/v1/ledger?format=csv" --as xz-civil-affairs > ledger.csv
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { type HubResponse, HubClient } from './hub-client';
import { CliError, credentialsFor, loadProfile } from './local-profile';

const PURPOSES = ['assessment', 'care_plan', 'referral', 'follow_up', 'case_coordination'];

interface Common {
  dir: string;
  as: string;
  sub?: string;
  purpose?: string;
  out?: string;
}

function clientFor(opts: Common) {
  const profile = loadProfile(opts.dir);
  return { profile, client: new HubClient({ baseUrl: profile.baseUrl, hubId: profile.hubId, credentials: credentialsFor(profile, opts.as) }) };
}

/** Runs a request and turns "nothing answered" into words: the hub is not running there. */
async function send<T>(baseUrl: string, act: () => Promise<HubResponse<T>>): Promise<HubResponse<T>> {
  try {
    return await act();
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code ?? (error as { code?: string }).code;
    if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ENOTFOUND' || (error as Error).name === 'TypeError') {
      throw new CliError(`本地中心未运行：${baseUrl} 无响应（请先运行 npm start）。`, `hub not running at ${baseUrl} (start it with npm start)`);
    }
    throw error;
  }
}

/** Writes all of `data` and resolves once it is flushed (a pipe takes it in pieces; exiting early would cut it). */
const writeAll = (stream: NodeJS.WriteStream, data: string | Uint8Array) =>
  new Promise<void>((done, fail) => stream.write(data, (e) => (e ? fail(e) : done())));

/** The body to print: JSON pretty-printed; anything else (CSV with its BOM, a zip) exactly as the hub sent it. */
function rendered(res: HubResponse<unknown>): string | Uint8Array {
  const raw = res.body instanceof Uint8Array ? res.body : new TextEncoder().encode(typeof res.body === 'string' ? res.body : JSON.stringify(res.body));
  if (!(res.headers.get('content-type') ?? '').includes('json')) return raw;
  try {
    return `${JSON.stringify(JSON.parse(Buffer.from(raw).toString('utf8')), null, 2)}\n`;
  } catch {
    return raw;
  }
}

/** A JSON answer's body, whether it came as bytes or parsed. */
const jsonOf = (res: HubResponse<unknown>): { job?: { jobId?: string; status?: string } } =>
  res.body instanceof Uint8Array ? JSON.parse(Buffer.from(res.body).toString('utf8')) : (res.body as object);

const isText = (type: string) => type.includes('json') || type.startsWith('text/');

async function show(res: HubResponse<unknown>, out: string | undefined): Promise<void> {
  const type = res.headers.get('content-type') ?? '';
  const body = rendered(res);
  process.stderr.write(`HTTP ${res.status}${type ? ` (${type.split(';')[0]})` : ''}${out ? ` -> ${out}` : ''}\n`);
  if (res.status >= 400) process.exitCode = 1;
  if (out) {
    writeFileSync(out, body);
    return;
  }
  if (!isText(type) && process.stdout.isTTY) {
    throw new CliError('这是二进制文件，请用 --out 文件名 保存。', 'The answer is a binary file: save it with --out FILE.', 2);
  }
  await writeAll(process.stdout, body);
}

function readBody(opts: { file?: string; data?: string }): string {
  if (opts.file && opts.data) throw new CliError('--file 与 --data 只能选一个。', 'Give --file or --data, not both.', 2);
  if (opts.data !== undefined) return opts.data;
  if (!opts.file) return '{}';
  try {
    return readFileSync(opts.file, 'utf8');
  } catch {
    throw new CliError(`无法读取文件 ${opts.file}。`, `Cannot read the file ${opts.file}.`, 2);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function signedCommand(program: Command, name: string, description: string): Command {
  return program
    .command(name)
    .description(description)
    .requiredOption('--as <agencyId>', 'the agency system (or officer) whose key signs / 签名机构')
    .option('--sub <staffId>', 'the staff member acting / 经办人编号')
    .addOption(new Option('--purpose <purpose>', 'the purpose of the access / 访问目的').choices(PURPOSES))
    .option('--out <file>', 'write the body to a file instead of stdout / 输出到文件');
}

export function buildCli(): Command {
  const program = new Command('hub')
    .description('心桥 Xinqiao hub: signed requests with the keys of a local hub profile / 使用本地密钥向中心发送签名请求')
    .option('--dir <dir>', 'the hub profile (hub.json and keys) / 本地配置目录', process.env.HUB_LOCAL_DIR ?? '.hub-local')
    .showHelpAfterError()
    .exitOverride();

  signedCommand(program, 'get', 'GET a path (with its query), e.g. /v1/cases/{caseId} / 读取')
    .argument('<path>', 'path and query as sent, e.g. "/v1/ledger?format=csv"')
    .action(async (path: string, _o, cmd: Command) => {
      const opts = cmd.optsWithGlobals<Common>();
      const { profile, client } = clientFor(opts);
      await show(await send(profile.baseUrl, () => client.get(path, call(opts))), opts.out);
    });

  signedCommand(program, 'post', 'POST a JSON body to a path / 提交')
    .argument('<path>', 'e.g. /v1/records')
    .option('--file <file>', 'the JSON body from a file / 请求体文件')
    .option('--data <json>', 'the JSON body inline / 请求体')
    .option('--idempotency-key <key>', 'reuse a key across retries of one create (default: a new one) / 幂等键')
    .action(async (path: string, _o, cmd: Command) => {
      const opts = cmd.optsWithGlobals<Common & { file?: string; data?: string; idempotencyKey?: string }>();
      const body = readBody(opts);
      try {
        JSON.parse(body);
      } catch {
        throw new CliError('请求体不是有效的 JSON。', 'The body is not valid JSON.', 2);
      }
      const { profile, client } = clientFor(opts);
      const headers = opts.idempotencyKey ? { 'idempotency-key': opts.idempotencyKey } : undefined;
      await show(await send(profile.baseUrl, () => client.request('POST', path, body, { ...call(opts), ...(headers && { headers }) })), opts.out);
    });

  signedCommand(program, 'upload-list', 'Upload an agency list (CSV, UTF-8) to POST /v1/lists / 上传名单')
    .argument('<csv>', 'the list file')
    .option('--wait', 'follow the job until it is done and print its summary / 等待处理完成')
    .action(async (file: string, _o, cmd: Command) => {
      const opts = cmd.optsWithGlobals<Common & { wait?: boolean }>();
      let csv: string;
      try {
        csv = readFileSync(file, 'utf8');
      } catch {
        throw new CliError(`无法读取名单文件 ${file}。`, `Cannot read the list file ${file}.`, 2);
      }
      const { profile, client } = clientFor(opts);
      const headers = { 'content-type': 'text/csv; charset=utf-8' };
      let res = await send(profile.baseUrl, () => client.request('POST', '/v1/lists', csv, { ...call(opts), headers }));
      const jobId: string | undefined = jsonOf(res).job?.jobId;
      while (opts.wait && jobId && res.status < 400) {
        res = await send(profile.baseUrl, () => client.get(`/v1/lists/${jobId}?limit=1`, call(opts)));
        const status: string | undefined = jsonOf(res).job?.status;
        if (status !== 'processing') break;
        await sleep(1000);
      }
      await show(res, opts.out);
    });

  program
    .command('health')
    .description('Is the hub up? (GET /v1/health, unsigned) / 中心是否在运行')
    .action(async (_o, cmd: Command) => {
      const profile = loadProfile(cmd.optsWithGlobals<{ dir: string }>().dir);
      const res = await send(profile.baseUrl, async () => {
        const r = await fetch(new URL('/v1/health', profile.baseUrl));
        return { status: r.status, headers: r.headers, body: (await r.json()) as unknown };
      });
      await show(res, undefined);
    });

  program
    .command('agencies')
    .description('The agency systems and officers with a key in the profile / 本地可用的机构与隐私官')
    .action(async (_o, cmd: Command) => {
      const profile = loadProfile(cmd.optsWithGlobals<{ dir: string }>().dir);
      await writeAll(process.stdout, `${profile.principals.join('\n')}\n`);
    });
  return program;
}

const call = (opts: Common) => ({ bytes: true, ...(opts.sub && { sub: opts.sub }), ...(opts.purpose && { purpose: opts.purpose }) });

export async function runCli(argv: readonly string[]): Promise<void> {
  try {
    await buildCli().parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors were printed by commander.
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    if (error instanceof CliError) {
      process.stderr.write(`${error.zh}\n${error.en}\n`);
      process.exitCode = error.exitCode;
      return;
    }
    process.stderr.write(`出错了：${(error as Error).message}\nFailed: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
