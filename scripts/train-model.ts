/**
 * `npm run match:train -- [--in agency=file ...] [--out file]`
 * Estimates a matching model (u from random pairs, m by EM) and writes it with
 * its version. Without --in it trains on generated lists (5 x 20,000 rows):
 * that is how lambdas/domain/matching/default-model.json, the hub's starting
 * model before a province has its own data and reviewed pairs, was made.
 * --labels reviews.jsonl blends decided reviews (GET /v1/reviews?status=confirmed|rejected) into the model.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { FIELDS } from '../lambdas/domain/matching/compare';
import { reestimateWithLabels, type LabeledPair } from '../lambdas/domain/matching/estimate';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { runMerge, type MergeInputFile } from './offline/run-merge';
import { generateLists, PROFILES } from './synthetic/generate';
import { writeLists } from './synthetic/write-csv';

const { values } = parseArgs({
  options: {
    in: { type: 'string', multiple: true },
    out: { type: 'string', default: 'lambdas/domain/matching/default-model.json' },
    labels: { type: 'string' },
  },
});
let inputs: MergeInputFile[] = (values.in ?? []).map((spec) => ({
  agency: spec.slice(0, spec.indexOf('=')),
  path: resolve(spec.slice(spec.indexOf('=') + 1)),
}));
if (inputs.length === 0) {
  const dir = join(tmpdir(), 'xinqiao-train');
  writeLists(dir, generateLists({ perAgency: 20_000 }).lists);
  inputs = PROFILES.map((p) => ({ agency: p.type, path: join(dir, `${p.type}.csv`) }));
}
const { result } = runMerge(inputs);
let model = result.model;
if (values.labels) {
  // Reviewed pairs, as GET /v1/reviews?status=confirmed|rejected returns them (one JSON object per line).
  const labels = readFileSync(resolve(values.labels), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => labelFromReview(JSON.parse(l)));
  model = reestimateWithLabels(model, labels);
}
writeFileSync(resolve(values.out!), `${JSON.stringify(model, null, 2)}\n`);
console.log(`model ${model.version} (${model.source}) -> ${values.out}`);

/** A decided review (its explanation names each field's level) as a labelled comparison. */
export function labelFromReview(review: { status: string; explanation: { fields: { field: string; level: string }[] } }): LabeledPair {
  const levels = FIELDS.map((spec) => {
    const level = review.explanation.fields.find((f) => f.field === spec.field)?.level ?? 'missing';
    const index = (spec.levels as readonly string[]).indexOf(level);
    return index < 0 ? spec.levels.length - 1 : index;
  });
  return { levels, match: review.status === 'confirmed' };
}
