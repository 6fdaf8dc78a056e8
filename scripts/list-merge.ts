/**
 * `npm run list-merge -- --in civil_affairs=a.csv --in education=b.csv ... --out DIR`
 * A province's first consolidation (名单合并), offline: no AWS, no server.
 * Writes DIR/cases.jsonl (one line per kept row, with the values not understood),
 * DIR/reviews.jsonl (pairs in the review band with explanations), DIR/bad-rows.jsonl
 * (refused rows with reasons), DIR/model.json and DIR/summary.json, and prints what
 * reading each list found (rows in, kept, values not understood, refused; zh-CN, English).
 * `--province FILE` adds that province's own value spellings (listSynonyms).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { ListValueMaps } from '../lambdas/domain/lists/list-values';
import { describeIssues, provinceConfig } from '../schemas/province-config';
import { describeInputs, runMerge, summarise, writeOutputs, type MergeInputFile } from './offline/run-merge';

const USAGE = 'usage: npm run list-merge -- --in <agency>=<file.csv|file.jsonl> [--in ...] --out <dir> [--province config/provinces/540000.json]';

const { values } = parseArgs({ options: { in: { type: 'string', multiple: true }, out: { type: 'string' }, province: { type: 'string' } } });
const inputs: MergeInputFile[] = [];
for (const spec of values.in ?? []) {
  const eq = spec.indexOf('=');
  if (eq < 1) {
    console.error(`bad --in "${spec}"\n${USAGE}`);
    process.exit(2);
  }
  inputs.push({ agency: spec.slice(0, eq), path: resolve(spec.slice(eq + 1)) });
}
if (inputs.length === 0 || !values.out) {
  console.error(USAGE);
  process.exit(2);
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

// The province's own value spellings (listSynonyms), on top of the defaults.
let valueMaps: ListValueMaps | undefined;
if (values.province) {
  const parsed = provinceConfig.safeParse(JSON.parse(readFileSync(resolve(values.province), 'utf8')));
  if (!parsed.success) {
    console.error(`bad province config ${values.province}:\n${describeIssues(parsed.error)}`);
    process.exit(2);
  }
  valueMaps = new ListValueMaps(parsed.data.listSynonyms);
}

const run = runMerge(inputs, { onProgress, ...(valueMaps && { values: valueMaps }) });
if (tty) process.stderr.write('\n');
writeOutputs(resolve(values.out), run);
const summary = summarise(run);
console.log(describeInputs(run));
for (const bad of run.badRows.slice(0, 20))
  console.log(`refused row ${bad.agency}#${bad.row}${bad.externalId ? ` (${bad.externalId})` : ''}: ${bad.reasons.join('; ')}`);
if (run.badRows.length > 20) console.log(`... ${run.badRows.length - 20} more in bad-rows.jsonl`);
console.log(JSON.stringify(summary, null, 2));
