/**
 * `npm run bench:match [-- --rows N | --per-agency N, --seed S --profile tibet|shanghai|all --workers W --lists-dir DIR]`:
 * each profile is merged twice in the same run, on W worker threads (default os.availableParallelism(),
 * as many partitions) and on 1 worker (1 partition): wall time, peak RSS (the process's high-water mark,
 * so the W-worker run goes first) and the ratio; both give the same cases (checked). List merge
 * quality and speed on generated lists with ground truth (default five agencies of 200,000
 * rows, each population profile in turn). Prints per profile: rows in and kept, pairwise
 * precision, recall, F1, false links per 10,000 true links, blocking recall, review pairs per
 * 100 rows and the share of them that are true matches, valid-ID pairs sent to review without a
 * contradiction, records per second and peak memory; and in the same run an exact-ID-only
 * baseline on the same records. Targets: F1 >= 0.98 and <= 1 false link per 10,000 true links
 * per profile; <= 3 review pairs per 100 rows, >= half of them true matches; no uncontradicted
 * valid-ID pair in review.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateLists, POPULATION_PROFILES, PROFILES, type PopulationProfile } from '../scripts/synthetic/generate';
import { writeLists } from '../scripts/synthetic/write-csv';
import { availableParallelism } from 'node:os';
import { runMergeParallel } from '../scripts/offline/parallel-merge';
import { allRecords } from '../scripts/offline/run-merge';
import { compareRecords, ID } from '../lambdas/domain/matching/compare';
import { idAgreementUncontradicted } from '../lambdas/domain/matching/link-policy';
import { blockingRecall, exactIdBaseline, pairwise } from './match-metrics';

const { values } = parseArgs({
  options: {
    rows: { type: 'string' },
    'per-agency': { type: 'string', default: '200000' },
    workers: { type: 'string' },
    'lists-dir': { type: 'string', default: '.cache' },
    seed: { type: 'string', default: '20231026' },
    profile: { type: 'string', default: 'all' },
  },
});
const perAgency = values.rows ? Math.ceil(Number(values.rows) / 5) : Number(values['per-agency']);
const workers = values.workers ? Number(values.workers) : availableParallelism();
const seed = Number(values.seed);
const profiles = values.profile === 'all' ? POPULATION_PROFILES : [values.profile as PopulationProfile];
const fmt = (x: number) => x.toFixed(4);
const lines: string[] = [];

for (const profile of profiles) {
  const dir = resolve(values['lists-dir'], `bench-lists-v2-${profile}-${perAgency}-${seed}`);
  if (!existsSync(join(dir, 'truth.csv'))) {
    const t = performance.now();
    writeLists(dir, generateLists({ perAgency, seed, profile }).lists);
    console.log(`generated ${5 * perAgency} rows (${profile}) in ${((performance.now() - t) / 1000).toFixed(1)} s into ${dir}`);
  }

  const inputs = PROFILES.map((p) => ({ agency: p.type, path: join(dir, `${p.type}.csv`) }));
  const timed = async (w: number) => {
    const t = performance.now();
    // Wall time per stage, from the end of the one before: read, block, compare, estimate, score (with the split into link groups), link, cases.
    const marks: [string, number][] = [['start', t]];
    const r = await runMergeParallel(inputs, { workers: w, partitions: w, onProgress: (stage) => marks.push([stage, performance.now()]) });
    marks.push(['cases', performance.now()]);
    return {
      run: r,
      stages: marks
        .slice(1)
        .map(([stage, at], k) => `${stage} ${((at - marks[k]![1]) / 1000).toFixed(1)}`)
        .join(', '),
      seconds: (performance.now() - t) / 1000,
      peakGb: process.resourceUsage().maxRSS / 1024 / 1024,
      peakBytes: process.resourceUsage().maxRSS * 1024,
    };
  };
  const many = await timed(workers);
  const one = await timed(1);
  // The ground truth is read after the runs, so that the peak memory printed is the merge's, not the bench's.
  const truthOf = new Map<string, number>();
  for (const line of readFileSync(join(dir, 'truth.csv'), 'utf8').split('\n').slice(1)) {
    if (!line) continue;
    const [agency, externalId, child] = line.split(',');
    truthOf.set(`${agency}|${externalId}`, Number(child));
  }
  const run = many.run;
  const seconds = many.seconds;
  const peakGb = many.peakGb;
  const same =
    one.run.result.caseIds.every((c, i) => c === run.result.caseIds[i]) && JSON.stringify(one.run.result.reviews) === JSON.stringify(run.result.reviews);
  const records = allRecords(run.records);
  const truth = records.map((r) => truthOf.get(`${r.agency}|${r.externalId}`)!);

  const engine = pairwise(run.result.cluster, truth);
  const baseline = pairwise(exactIdBaseline(records), truth);
  const reviews = run.result.reviews;
  const trueReviews = reviews.filter((p) => truth[p.a] === truth[p.b]).length;
  const idInReview = reviews.filter((p) => {
    const levels = compareRecords(records[p.a]!, records[p.b]!);
    return levels[2] === ID.exact && idAgreementUncontradicted(levels);
  }).length;
  const rowsIn = run.inputs.reduce((s, i) => s + i.summary.rowsIn, 0);
  const notUnderstood = run.notUnderstood.size;
  const perTenThousand = (m: ReturnType<typeof pairwise>) => (m.trueLinks ? (m.falseLinks / m.trueLinks) * 10_000 : 0).toFixed(2);
  const byReason = new Map<string, number>();
  for (const r of reviews) byReason.set(r.reason, (byReason.get(r.reason) ?? 0) + 1);

  console.log(`\n== profile ${profile} ==`);
  console.log(
    `rows in ${rowsIn}, kept ${run.records.length}, refused ${run.badRows.length}, with values not understood ${notUnderstood}; flagged ID numbers ${run.flagged.size}; true pairs ${engine.actual}; candidate pairs ${run.result.stats.candidatePairs}`,
  );
  console.log(`model ${run.result.model.version} (${run.result.model.source}), thresholds ${JSON.stringify(run.result.model.thresholds)}`);
  console.log(
    `time ${workers} workers: read ${run.seconds.parse.toFixed(1)} s, merge ${run.seconds.merge.toFixed(1)} s, total ${seconds.toFixed(1)} s (${many.stages}); peak RSS ${peakGb.toFixed(2)} GiB (${(many.peakBytes / 1e9).toFixed(2)} GB)`,
  );
  console.log(
    `time 1 worker: read ${one.run.seconds.parse.toFixed(1)} s, merge ${one.run.seconds.merge.toFixed(1)} s, total ${one.seconds.toFixed(1)} s (${one.stages}); peak RSS (high-water mark) ${one.peakGb.toFixed(2)} GiB (${(one.peakBytes / 1e9).toFixed(2)} GB)`,
  );
  console.log(`ratio 1 worker / ${workers} workers: ${(one.seconds / seconds).toFixed(2)}x; same cases and reviews: ${same}`);
  console.log(`blocking recall ${fmt(blockingRecall(run.result.candidates, truth))}`);
  console.log(
    `review: ${reviews.length} pairs = ${((reviews.length / run.records.length) * 100).toFixed(2)} per 100 rows; true matches ${fmt(reviews.length ? trueReviews / reviews.length : 1)}; by reason ${JSON.stringify(Object.fromEntries(byReason))}; valid-ID pairs without contradiction in review: ${idInReview}`,
  );
  console.log(
    `baseline exact-ID: precision ${fmt(baseline.precision)} recall ${fmt(baseline.recall)} f1 ${fmt(baseline.f1)} false_links ${baseline.falseLinks} (${perTenThousand(baseline)} per 10,000 true links)`,
  );
  console.log(
    `engine:            precision ${fmt(engine.precision)} recall ${fmt(engine.recall)} f1 ${fmt(engine.f1)} false_links ${engine.falseLinks} (${perTenThousand(engine)} per 10,000 true links)`,
  );
  console.log(
    `ratio engine/baseline: recall ${(engine.recall / baseline.recall).toFixed(2)}x, f1 ${(engine.f1 / baseline.f1).toFixed(2)}x; records/s ${Math.round(run.records.length / seconds)}`,
  );
  lines.push(
    `match[${profile}]: records=${run.records.length} precision=${fmt(engine.precision)} recall=${fmt(engine.recall)} f1=${fmt(engine.f1)} false_per_10k=${perTenThousand(engine)} review_per_100=${((reviews.length / run.records.length) * 100).toFixed(2)} review_true=${fmt(reviews.length ? trueReviews / reviews.length : 1)} id_in_review=${idInReview} baseline_f1=${fmt(baseline.f1)} seconds=${seconds.toFixed(1)} seconds_1_worker=${one.seconds.toFixed(1)} speedup=${(one.seconds / seconds).toFixed(2)} peak_gib=${peakGb.toFixed(2)} peak_gb=${(many.peakBytes / 1e9).toFixed(2)} same=${same}`,
  );
}
console.log('');
for (const l of lines) console.log(l);
