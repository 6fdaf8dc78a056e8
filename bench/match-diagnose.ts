/**
 * `npx tsx bench/match-diagnose.ts --rows N --profile P`: where the engine misses true pairs and
 * why review pairs are false, on the cached generated lists of `bench:match` (run it first).
 * Prints missed true pairs grouped by what the best link between the child's pieces was
 * (no candidate, below the lower threshold, a veto, a review reason), with examples.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PROFILES } from '../scripts/synthetic/generate';
import { allRecords, runMerge } from '../scripts/offline/run-merge';
import { FIELDS } from '../lambdas/domain/matching/compare';
import { pairVerdict } from '../lambdas/domain/matching/link-policy';
import type { MatchRecord } from '../lambdas/domain/matching/match-record';
import { pairwise } from './match-metrics';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '50000' },
    profile: { type: 'string', default: 'tibet' },
    seed: { type: 'string', default: '20231026' },
    examples: { type: 'string', default: '3' },
  },
});
const perAgency = Math.ceil(Number(values.rows) / 5);
const dir = resolve(`.cache/bench-lists-v2-${values.profile}-${perAgency}-${values.seed}`);
const truthOf = new Map<string, number>();
for (const line of readFileSync(join(dir, 'truth.csv'), 'utf8').split('\n').slice(1)) {
  if (!line) continue;
  const [agency, externalId, child] = line.split(',');
  truthOf.set(`${agency}|${externalId}`, Number(child));
}
const run = runMerge(PROFILES.map((p) => ({ agency: p.type, path: join(dir, `${p.type}.csv`) })));
const { result } = run;
const records = allRecords(run.records);
const truth = records.map((r) => truthOf.get(`${r.agency}|${r.externalId}`)!);
const n = records.length;
const cand = new Set<number>(result.candidates);
const scorer = result.scorer;
const th = result.model.thresholds;
const lv = (levels: number[]) => levels.map((l, f) => `${FIELDS[f]!.field.slice(0, 5)}=${FIELDS[f]!.levels[l]}`).join(' ');
const show = (r: MatchRecord) =>
  `${r.agency.slice(0, 5)} ${r.name?.text ?? '-'} ${r.sex ?? '-'} ${r.birthDate ?? '-'} ${r.id ? r.id.value + (r.id.valid ? '' : '?') : '-'} ${r.regions.join('/')} g=${r.guardianName?.text ?? '-'} p=${r.guardianPhone ?? '-'} s=${r.school ?? '-'}`;

const byChild = new Map<number, number[]>();
truth.forEach((c, i) => {
  (byChild.get(c) ?? byChild.set(c, []).get(c)!).push(i);
});
const missed = new Map<string, { pairs: number; ex: string[] }>();
const add = (cat: string, pairs: number, ex: string) => {
  const e = missed.get(cat) ?? missed.set(cat, { pairs: 0, ex: [] }).get(cat)!;
  e.pairs += pairs;
  if (e.ex.length < Number(values.examples)) e.ex.push(ex);
};
let undecidable = 0;
const reviewKey = new Map<string, string>();
for (const r of result.reviews) reviewKey.set(`${Math.min(r.a, r.b)}|${Math.max(r.a, r.b)}`, r.reason);
for (const members of byChild.values()) {
  const parts = new Map<number, number[]>();
  for (const i of members) (parts.get(result.cluster[i]!) ?? parts.set(result.cluster[i]!, []).get(result.cluster[i]!)!).push(i);
  if (parts.size < 2) continue;
  const ps = [...parts.values()];
  for (let x = 0; x < ps.length; x++)
    for (let y = x + 1; y < ps.length; y++) {
      // The best candidate pair between the two pieces decides the category.
      let best: { i: number; j: number; w: number; cat: string } | undefined;
      for (const i of ps[x]!)
        for (const j of ps[y]!) {
          const [a, b] = i < j ? [i, j] : [j, i];
          const s = scorer.score(records[a]!, records[b]!);
          const isCand = cand.has(a * n + b);
          const v = pairVerdict(s, th);
          const rv = reviewKey.get(`${a}|${b}`);
          const cat = !isCand
            ? 'noblock'
            : rv
              ? `review:${rv}${s.veto ? `:${s.veto}` : ''}`
              : v.kind === 'none'
                ? s.weight < th.lower
                  ? 'below-lower'
                  : `none:${s.veto ?? 'band?'}`
                : `${v.kind}:${v.kind === 'review' ? v.reason : ''}${s.veto ? `:${s.veto}` : ''}:unlinked`;
          const w = isCand ? s.weight + 1000 : s.weight;
          if (!best || w > best.w) best = { i: a, j: b, w, cat };
        }
      const b = best!;
      // Undecidable: no pair between the two pieces agrees on anything beyond the name, sex and region.
      let evidence = false;
      for (const i of ps[x]!)
        for (const j of ps[y]!) {
          const l = scorer.score(records[i]!, records[j]!).levels;
          if (l[1]! <= 2 || l[2]! <= 1 || l[5] === 0 || l[6] === 0 || l[7] === 0) evidence = true;
        }
      if (!evidence) undecidable += ps[x]!.length * ps[y]!.length;
      const s = scorer.score(records[b.i]!, records[b.j]!);
      add(b.cat, ps[x]!.length * ps[y]!.length, `w=${s.weight.toFixed(1)} ${lv(s.levels)}\n      ${show(records[b.i]!)}\n      ${show(records[b.j]!)}`);
    }
}
{
  const m = pairwise(result.cluster, truth);
  console.log(
    `precision ${m.precision.toFixed(4)} recall ${m.recall.toFixed(4)} f1 ${m.f1.toFixed(4)} false links ${m.falseLinks}; reviews ${result.reviews.length}`,
  );
}
const total = [...missed.values()].reduce((s, e) => s + e.pairs, 0);
console.log(`missed true pairs ${total}, of which ${undecidable} agree on nothing beyond name, sex and region`);
for (const [cat, e] of [...missed.entries()].sort((a, b) => b[1].pairs - a[1].pairs)) {
  console.log(`${cat}: ${e.pairs}`);
  for (const x of e.ex) console.log(`    ${x}`);
}
// False reviews and false links.
const falseRev = new Map<string, number>();
for (const r of result.reviews)
  if (truth[r.a] !== truth[r.b]) {
    const s = scorer.score(records[r.a]!, records[r.b]!);
    const k = `${r.reason}:${s.veto ?? ''}`;
    falseRev.set(k, (falseRev.get(k) ?? 0) + 1);
  }
console.log('false reviews by reason', JSON.stringify(Object.fromEntries(falseRev)));
const trueRev = new Map<string, number>();
for (const r of result.reviews)
  if (truth[r.a] === truth[r.b]) {
    const s = scorer.score(records[r.a]!, records[r.b]!);
    const k = `${r.reason}:${s.veto ?? ''}`;
    trueRev.set(k, (trueRev.get(k) ?? 0) + 1);
  }
console.log('true reviews by reason', JSON.stringify(Object.fromEntries(trueRev)));
// Missed pairs without a candidate: their agreement patterns (pairs, by the best pair's levels).
{
  const sig = new Map<string, number>();
  for (const members of byChild.values()) {
    for (let x = 0; x < members.length; x++)
      for (let y = x + 1; y < members.length; y++) {
        const [a, b] = [members[x]!, members[y]!].sort((p, q) => p - q) as [number, number];
        if (result.cluster[a] === result.cluster[b] || cand.has(a * n + b)) continue;
        const s = scorer.score(records[a]!, records[b]!);
        const k = lv(s.levels);
        sig.set(k, (sig.get(k) ?? 0) + 1);
      }
  }
  console.log('uncandidated missed pairs by pattern (top 25):');
  for (const [k, c] of [...sig.entries()].sort((p, q) => q[1] - p[1]).slice(0, 25)) console.log(`  ${c} ${k}`);
}
// Review pairs by pattern: true and false, to see which patterns a rule could decide.
{
  const pat = new Map<string, { t: number; f: number; w: number[] }>();
  for (const r of result.reviews) {
    const s = scorer.score(records[r.a]!, records[r.b]!);
    const k = `${r.reason} ${lv(s.levels)}`;
    const e = pat.get(k) ?? pat.set(k, { t: 0, f: 0, w: [] }).get(k)!;
    if (truth[r.a] === truth[r.b]) e.t++;
    else e.f++;
    e.w.push(s.weight);
  }
  console.log('review pairs by pattern (top 30): true false weight-range');
  for (const [k, e] of [...pat.entries()].sort((p, q) => q[1].t + q[1].f - p[1].t - p[1].f).slice(0, 30))
    console.log(`  ${e.t} ${e.f} ${Math.min(...e.w).toFixed(1)}..${Math.max(...e.w).toFixed(1)} ${k}`);
}
