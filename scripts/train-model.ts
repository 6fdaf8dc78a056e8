/**
 * `npm run match:train -- [--in agency=file ...] [--out file]`
 * Estimates a matching model (u from random pairs, m by EM) and writes it with
 * its version. Without --in it trains on generated lists (5 x 20,000 rows):
 * that is how lambdas/domain/matching/default-model.json, the hub's starting
 * model before a province has its own data and reviewed pairs, was made.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { runMerge, type MergeInputFile } from './offline/run-merge';
import { generateLists, PROFILES } from './synthetic/generate';
import { writeLists } from './synthetic/write-csv';

const { values } = parseArgs({
  options: { in: { type: 'string', multiple: true }, out: { type: 'string', default: 'lambdas/domain/matching/default-model.json' } },
});
let inputs: MergeInputFile[] = (values.in ?? []).map((spec) => ({ agency: spec.slice(0, spec.indexOf('=')), path: resolve(spec.slice(spec.indexOf('=') + 1)) }));
if (inputs.length === 0) {
  const dir = join(tmpdir(), 'xinqiao-train');
  writeLists(dir, generateLists({ perAgency: 20_000 }).lists);
  inputs = PROFILES.map((p) => ({ agency: p.type, path: join(dir, `${p.type}.csv`) }));
}
const { result } = runMerge(inputs);
writeFileSync(resolve(values.out!), `${JSON.stringify(result.model, null, 2)}\n`);
console.log(`model ${result.model.version} (${result.model.source}) -> ${values.out}`);
