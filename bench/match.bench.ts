/**
 * `npm run bench:match [-- --per-agency N --seed S]`: list merge quality and speed
 * on generated lists with ground truth (default five agencies of 200,000 rows).
 * Prints pairwise precision, recall, F1, blocking recall, false links between
 * different children, records per second and peak memory, and in the same run
 * an exact-ID-only baseline on the same records. Targets: F1 >= 0.98, false
 * links <= 1 per 10,000 true links, 1,000,000 records in <= 120 s, <= 4 GB.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateLists, PROFILES } from '../scripts/synthetic/generate';
import { writeLists } from '../scripts/synthetic/write-csv';
import { runMerge } from '../scripts/offline/run-merge';
import type { MatchRecord } from '../lambdas/domain/matching/match-record';

const { values } = parseArgs({ options: { 'per-agency': { type: 'string', default: '200000' }, seed: { type: 'string', default: '20231026' } } });
const perAgency = Number(values['per-agency']);
const seed = Number(values.seed);
const dir = resolve(`.cache/bench-lists-${perAgency}-${seed}`);
if (!existsSync(join(dir, 'truth.csv'))) {
  const t = performance.now();
  writeLists(dir, generateLists({ perAgency, seed }).lists);
  console.log(`generated ${5 * perAgency} rows in ${((performance.now() - t) / 1000).toFixed(1)} s into ${dir}`);
}

const truthOf = new Map<string, number>();
for (const line of readFileSync(join(dir, 'truth.csv'), 'utf8').split('\n').slice(1)) {
  if (!line) continue;
  const [agency, externalId, child] = line.split(',');
  truthOf.set(`${agency}|${externalId}`, Number(child));
}

const started = performance.now();
const run = runMerge(PROFILES.map((p) => ({ agency: p.type, path: join(dir, `${p.type}.csv`) })));
const seconds = (performance.now() - started) / 1000;
const peakGb = process.resourceUsage().maxRSS / 1024 / 1024;
const truth = run.records.map((r) => truthOf.get(`${r.agency}|${r.externalId}`)!);

const choose2 = (k: number) => (k * (k - 1)) / 2;
function pairwise(cluster: ArrayLike<number>) {
  const sizes = new Map<number, number>();
  const joint = new Map<string, number>();
  const truthSizes = new Map<number, number>();
  for (let i = 0; i < truth.length; i++) {
    sizes.set(cluster[i]!, (sizes.get(cluster[i]!) ?? 0) + 1);
    truthSizes.set(truth[i]!, (truthSizes.get(truth[i]!) ?? 0) + 1);
    const k = `${cluster[i]}|${truth[i]}`;
    joint.set(k, (joint.get(k) ?? 0) + 1);
  }
  let predicted = 0;
  let actual = 0;
  let tp = 0;
  for (const s of sizes.values()) predicted += choose2(s);
  for (const s of truthSizes.values()) actual += choose2(s);
  for (const s of joint.values()) tp += choose2(s);
  const precision = predicted ? tp / predicted : 1;
  const recall = actual ? tp / actual : 1;
  return { precision, recall, f1: (2 * precision * recall) / (precision + recall || 1), falseLinks: predicted - tp, trueLinks: tp, actual };
}

function blockingRecall(records: readonly MatchRecord[], candidates: Float64Array): number {
  const n = records.length;
  const byChild = new Map<number, number[]>();
  truth.forEach((c, i) => {
    (byChild.get(c) ?? byChild.set(c, []).get(c)!).push(i);
  });
  let total = 0;
  let found = 0;
  const has = (code: number) => {
    let lo = 0;
    let hi = candidates.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (candidates[mid] === code) return true;
      if (candidates[mid]! < code) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  };
  for (const members of byChild.values()) {
    for (let x = 0; x < members.length; x++)
      for (let y = x + 1; y < members.length; y++) {
        total++;
        if (has(members[x]! * n + members[y]!)) found++;
      }
  }
  return total ? found / total : 1;
}

function exactIdBaseline(records: readonly MatchRecord[]): Int32Array {
  const first = new Map<string, number>();
  return Int32Array.from(records, (r, i) => {
    if (!r.id?.valid) return i;
    const seen = first.get(r.id.value);
    if (seen !== undefined) return seen;
    first.set(r.id.value, i);
    return i;
  });
}

const engine = pairwise(run.result.cluster);
const baseline = pairwise(exactIdBaseline(run.records));
const fmt = (x: number) => x.toFixed(4);
const perTenThousand = (m: ReturnType<typeof pairwise>) => (m.trueLinks ? (m.falseLinks / m.trueLinks) * 10_000 : 0).toFixed(2);
console.log(
  `records ${run.records.length} (bad rows ${run.badRows.length}, flagged ID numbers ${run.flagged.size}); true pairs ${engine.actual}; candidate pairs ${run.result.stats.candidatePairs}`,
);
console.log(`model ${run.result.model.version} (${run.result.model.source}), thresholds ${JSON.stringify(run.result.model.thresholds)}`);
console.log(
  `time: parse ${run.seconds.parse.toFixed(1)} s, merge ${run.seconds.merge.toFixed(1)} s, total ${seconds.toFixed(1)} s; peak RSS ${peakGb.toFixed(2)} GB`,
);
console.log(`blocking recall ${fmt(blockingRecall(run.records, run.result.candidates))}; review pairs ${run.result.reviews.length}`);
console.log(
  `baseline exact-ID: precision ${fmt(baseline.precision)} recall ${fmt(baseline.recall)} f1 ${fmt(baseline.f1)} false_links ${baseline.falseLinks} (${perTenThousand(baseline)} per 10,000 true links)`,
);
console.log(
  `engine:            precision ${fmt(engine.precision)} recall ${fmt(engine.recall)} f1 ${fmt(engine.f1)} false_links ${engine.falseLinks} (${perTenThousand(engine)} per 10,000 true links)`,
);
console.log(
  `ratio engine/baseline: recall ${(engine.recall / baseline.recall).toFixed(2)}x, f1 ${(engine.f1 / baseline.f1).toFixed(2)}x; records/s ${Math.round(run.records.length / seconds)}`,
);
console.log(
  `match: records=${run.records.length} precision=${fmt(engine.precision)} recall=${fmt(engine.recall)} f1=${fmt(engine.f1)} false_links=${engine.falseLinks} seconds=${seconds.toFixed(1)}`,
);
