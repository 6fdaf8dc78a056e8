/**
 * `npm run list-merge -- --in civil_affairs=a.csv --in education=b.csv ... --out DIR`
 * A province's first consolidation (名单合并), offline: no AWS, no server.
 * Writes DIR/cases.jsonl (one line per kept row, with the values not understood),
 * DIR/reviews.jsonl (pairs in the review band with explanations), DIR/bad-rows.jsonl
 * (refused rows with reasons), DIR/model.json and DIR/summary.json, and prints what
 * reading each list found (rows in, kept, values not understood, refused; zh-CN, English).
 * `--province FILE` adds that province's own value spellings (listSynonyms) and lets `--in` name its agency systems.
 *
 * Before any merging, every input is checked: the agency is one the hub knows (an agency type, or with
 * `--province` one of its agency systems), the file can be read, and the list can be read as a whole (UTF-8,
 * CSV quoting, a name column, rows as wide as the header). Every problem of every file is reported at once, by
 * file and line, in Chinese and English, and nothing is written (exit 1). Usage errors exit 2. No stack traces.
 */
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import { CliError } from '../client/local-profile';
import { ListValueMaps } from '../lambdas/domain/lists/list-values';
import { checkList, decodeListText, ListFormatError } from '../lambdas/domain/lists/parse-list';
import { boundedEditDistance } from '../lambdas/domain/matching/compare';
import { AGENCY_TYPES } from '../schemas/child-record';
import { describeIssues, provinceConfig, type ProvinceConfig } from '../schemas/province-config';
import { runMergeParallel } from './offline/parallel-merge';
import { describeInputs, runMerge, summarise, writeOutputs, type MergeInputFile } from './offline/run-merge';

interface Options {
  in: string[];
  out: string;
  province?: string;
  workers?: number;
}

function loadProvince(path: string): ProvinceConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(resolve(path), 'utf8'));
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file / 文件不存在' : (error as Error).message;
    throw new CliError(`无法读取省份配置 ${path}：${why}`, `cannot read the province config ${path}: ${why}`, 2);
  }
  const parsed = provinceConfig.safeParse(raw);
  if (!parsed.success) throw new CliError(`省份配置 ${path} 无效：\n${describeIssues(parsed.error)}`, `bad province config ${path} (above)`, 2);
  return parsed.data;
}

/** `agency=file` pairs, each agency known; usage errors name what is known. */
function inputsOf(specs: readonly string[], province?: ProvinceConfig): MergeInputFile[] {
  const known = [...AGENCY_TYPES, ...(province?.agencies.map((a) => a.id) ?? [])];
  return specs.map((spec) => {
    const eq = spec.indexOf('=');
    if (eq < 1 || eq === spec.length - 1) {
      throw new CliError(
        `--in "${spec}" 格式有误：应为 <机构>=<文件>，例如 --in education=edu.csv`,
        `bad --in "${spec}": use <agency>=<file>, e.g. --in education=edu.csv`,
        2,
      );
    }
    const agency = spec.slice(0, eq).trim();
    if (!known.includes(agency)) {
      const near = known.filter((k) => boundedEditDistance(agency, k, 2) <= 2);
      const hintZh = near.length > 0 ? `（是否指 ${near.join('、')}？）` : '';
      const hintEn = near.length > 0 ? ` (did you mean ${near.join(', ')}?)` : '';
      throw new CliError(`未知机构 ${agency}${hintZh}；可用：${known.join('、')}`, `unknown agency ${agency}${hintEn}; known: ${known.join(', ')}`, 2);
    }
    return { agency, path: resolve(spec.slice(eq + 1)) };
  });
}

/** Every problem of every input, by file and line; empty when all can be read (the shape only: rows become records in the merge). */
function inputProblems(inputs: readonly MergeInputFile[]): { zh: string; en: string }[] {
  const problems: { zh: string; en: string }[] = [];
  for (const { agency, path } of inputs) {
    const at = `${agency}=${path}`;
    let bytes: Uint8Array;
    try {
      if (!statSync(path).isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
      bytes = readFileSync(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const [zh, en] =
        code === 'ENOENT'
          ? ['文件不存在', 'no such file']
          : code === 'EISDIR'
            ? ['是目录而不是文件', 'is a directory, not a file']
            : code === 'EACCES'
              ? ['没有读取权限', 'permission denied']
              : ['无法读取', `cannot be read (${code ?? (error as Error).message})`];
      problems.push({ zh: `${at}：${zh}`, en: `${at}: ${en}` });
      continue;
    }
    try {
      checkList(decodeListText(bytes), /\.jsonl?$/i.test(path) ? 'jsonl' : 'csv');
    } catch (error) {
      if (!(error instanceof ListFormatError)) throw error;
      for (const p of error.problems) {
        problems.push({
          zh: `${at}${p.line === undefined ? '' : ` 第 ${p.line} 行`}：${p.message_zh}`,
          en: `${at}${p.line === undefined ? '' : ` line ${p.line}`}: ${p.message}`,
        });
      }
    }
  }
  return problems;
}

async function merge(opts: Options): Promise<void> {
  const province = opts.province ? loadProvince(opts.province) : undefined;
  // The province's own value spellings (listSynonyms), on top of the defaults.
  const values = province ? new ListValueMaps(province.listSynonyms) : undefined;
  const inputs = inputsOf(opts.in, province);
  const problems = inputProblems(inputs);
  if (problems.length > 0) {
    throw new CliError(
      `名单无法读取，未进行合并（${problems.length} 处问题）：\n${problems.map((p) => `  ${p.zh}`).join('\n')}`,
      `The lists cannot be read, nothing was merged (${problems.length} problem(s)):\n${problems.map((p) => `  ${p.en}`).join('\n')}`,
    );
  }
  const out = resolve(opts.out);
  try {
    mkdirSync(out, { recursive: true });
  } catch (error) {
    throw new CliError(`无法创建输出目录 ${out}：${(error as Error).message}`, `cannot create the output directory ${out}: ${(error as Error).message}`);
  }

  const tty = process.stderr.isTTY;
  let last = '';
  const onProgress = (phase: string, done: number, total: number) => {
    if (!tty) return;
    const width = 30;
    const filled = total > 0 ? Math.round((done / total) * width) : width;
    const line = `${phase.padEnd(8)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
    if (line !== last) process.stderr.write(`\r${line}`);
    last = line;
  };
  // One process by default; with --workers N the same stages run on N worker threads (same cases: tests).
  const run =
    opts.workers && opts.workers > 1
      ? await runMergeParallel(inputs, { workers: opts.workers, onProgress, ...(province?.listSynonyms && { synonyms: province.listSynonyms }) })
      : runMerge(inputs, { onProgress, ...(values && { values }) });
  if (tty) process.stderr.write('\n');
  writeOutputs(out, run);
  const summary = summarise(run);
  console.log(describeInputs(run));
  for (const bad of run.badRows.slice(0, 20))
    console.log(`refused row ${bad.agency}#${bad.row}${bad.externalId ? ` (${bad.externalId})` : ''}: ${bad.reasons.join('; ')}`);
  if (run.badRows.length > 20) console.log(`... ${run.badRows.length - 20} more in bad-rows.jsonl`);
  console.log(JSON.stringify(summary, null, 2));
}

const program = new Command('list-merge')
  .description('名单合并：离线合并各机构名单（不连接 AWS 或中心）。Offline first consolidation of agency lists (no AWS, no server)')
  .requiredOption(
    '--in <agency=file>',
    `an agency's list, CSV or JSONL (repeat per list); agency: ${AGENCY_TYPES.join(', ')}, or an agency system of --province / 机构名单（可重复）`,
    (v: string, all: string[] = []) => [...all, v],
  )
  .requiredOption('--out <dir>', 'where cases.jsonl, reviews.jsonl, bad-rows.jsonl, model.json and summary.json go / 输出目录')
  .option('--workers <n>', 'worker threads for normalising, blocking, comparing and linking (default 1: one process) / 工作线程数', (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 64)
      throw new CliError(`--workers 须为 1 至 64 的整数：${v}`, `--workers must be a whole number from 1 to 64: ${v}`, 2);
    return n;
  })
  .option('--province <file>', 'the province config (its listSynonyms and agency systems), e.g. config/provinces/540000.json / 省份配置')
  .showHelpAfterError()
  .exitOverride()
  .action((opts: Options) => merge(opts));

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exitCode = error.exitCode === 0 ? 0 : 2;
  else if (error instanceof CliError) {
    process.stderr.write(`${error.zh}\n${error.en}\n`);
    process.exitCode = error.exitCode;
  } else {
    process.stderr.write(`名单合并失败：${(error as Error).message}\nThe list merge failed: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
