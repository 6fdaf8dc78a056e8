/**
 * The Step Functions merge's global steps, between the Distributed Maps (one
 * Lambda invocation each): plan the run, count records per chunk, estimate the
 * model, split the considered pairs into link groups of whole components, and
 * assemble the cases. The combining functions are the engine's (../stages/combine.ts),
 * the same the local runners call.
 */
import { MIN_RECORDS_FOR_FREQUENCIES } from '../merge';
import type { MatchRecord } from '../match-record';
import { reviewWhy } from '../link-policy';
import type { LinkedComponents } from '../stages/link-components';
import { assembleCases, bestWeights, estimateModel, idsOf, randomPairIndices, splitByComponent, sumCounts } from '../stages/combine';
import { decodeRecord } from '../stages/record-codec';
import { type NameCounts, type ScorerSpec, scorerOf, sumNames } from '../stages/score-partition';
import { arrayOf, encodeFrame } from './frame';
import type { MergeObjects } from './ports';
import type { ChunkItem } from './chunk-steps';
import type { GroupItem, PartitionItem } from './partition-steps';
import { runKeys } from './run-keys';
import { getFrame, getJson, type Offsets, offsetsOf, putJson, type RunSettings, scoredFrame, scoredOf, settingsOf, tableOf } from './stage-io';

/** A run that cannot start as uploaded (fails the Plan state with this name and message). */
export class MergeRunError extends Error {
  override readonly name = 'MergeRunError';
}

export type RunOptions = Partial<Omit<RunSettings, 'runId'>>;

/** The chunks under input/<agency>/ (key order), the settings and the partition items. */
export async function planRun(store: MergeObjects, runId: string, options: RunOptions = {}): Promise<{ chunks: number; partitions: number }> {
  const settings: RunSettings = {
    runId,
    partitions: Math.max(1, Math.floor(options.partitions ?? 1)),
    maxBlockSize: options.maxBlockSize ?? 60,
    margin: options.margin ?? 4,
    maxClusterSize: options.maxClusterSize ?? 12,
    seed: options.seed ?? 1,
    estimate: options.estimate ?? true,
  };
  const keys = await store.list(runKeys.input);
  if (keys.length === 0) throw new MergeRunError(`run ${runId} has no list under ${runKeys.input}`);
  const chunks: ChunkItem[] = keys.map((key, chunk) => {
    const [agency, ...rest] = key.slice(runKeys.input.length).split('/');
    if (!agency || rest.length !== 1 || !rest[0]) throw new MergeRunError(`${key}: a list goes under ${runKeys.input}<agency>/<file>`);
    return { runId, chunk, key, agency, partitions: settings.partitions };
  });
  await putJson(store, runKeys.settings, settings);
  await putJson(store, runKeys.chunks, chunks);
  const partitions: PartitionItem[] = Array.from({ length: settings.partitions }, (_, partition) => ({ runId, partition }));
  await putJson(store, runKeys.partitions, partitions);
  return { chunks: chunks.length, partitions: settings.partitions };
}

/** Each chunk's first global record index, once every chunk is normalised. */
export async function indexRun(store: MergeObjects): Promise<Offsets> {
  const chunks = await getJson<ChunkItem[]>(store, runKeys.chunks);
  const first: number[] = [];
  let n = 0;
  for (const c of chunks) {
    first.push(n);
    n += (await getJson<{ records: number }>(store, runKeys.size(c.chunk))).records;
  }
  const offsets = { first, n };
  await putJson(store, runKeys.offsets, offsets);
  return offsets;
}

/** The records of the given global indices, chunk by chunk (only those decoded): a sparse array of all n. */
async function recordsAt(store: MergeObjects, offsets: Offsets, wanted: ReadonlySet<number>): Promise<MatchRecord[]> {
  const out: MatchRecord[] = new Array(offsets.n);
  const sorted = Int32Array.from(wanted).sort();
  let at = 0;
  const decoder = new TextDecoder();
  for (let c = 0; c < offsets.first.length && at < sorted.length; c++) {
    const end = c + 1 < offsets.first.length ? offsets.first[c + 1]! : offsets.n;
    if (sorted[at]! >= end) continue;
    const { table } = tableOf(await getFrame(store, runKeys.records(c)));
    for (; at < sorted.length && sorted[at]! < end; at++) {
      const k = sorted[at]! - offsets.first[c]!;
      out[sorted[at]!] = decodeRecord(decoder.decode(table.bytes.subarray(table.offsets[k]!, table.offsets[k + 1]!)));
    }
  }
  return out;
}

/** The model from every partition's pattern counts and the random pairs' records; the scorer every later stage rebuilds. */
export async function estimateRun(store: MergeObjects): Promise<{ version: string; thresholds: { upper: number; lower: number } }> {
  const settings = await settingsOf(store);
  const offsets = await offsetsOf(store);
  const parts = [];
  for (let p = 0; p < settings.partitions; p++) {
    const c = await getJson<{ counts: [number, number][]; firsts: [number, number][] }>(store, runKeys.counts(p));
    parts.push({ counts: new Map(c.counts), firsts: new Map(c.firsts) });
  }
  const wanted = new Set<number>();
  if (settings.estimate) for (const [a, b] of randomPairIndices(offsets.n, settings.seed)) wanted.add(a).add(b);
  const model = estimateModel(sumCounts(parts), await recordsAt(store, offsets, wanted), settings);
  const chunks = await getJson<ChunkItem[]>(store, runKeys.chunks);
  const names =
    offsets.n >= MIN_RECORDS_FOR_FREQUENCIES ? sumNames(await Promise.all(chunks.map((c) => getJson<NameCounts>(store, runKeys.names(c.chunk))))) : undefined;
  const spec: ScorerSpec = { model, ...(names && { names }) };
  await putJson(store, runKeys.spec, spec);
  return { version: model.version, thresholds: model.thresholds };
}

/** The considered pairs in link groups of whole components (as many groups as partitions), and each chunk's records' group. */
export async function splitRun(store: MergeObjects): Promise<{ groups: number }> {
  const settings = await settingsOf(store);
  const { first, n } = await offsetsOf(store);
  const considered = [];
  const best = [];
  for (let p = 0; p < settings.partitions; p++) {
    const frame = await getFrame(store, runKeys.scores(p));
    considered.push(scoredOf(frame));
    best.push({ records: arrayOf(frame, 'bestRecords', Int32Array), weight: arrayOf(frame, 'bestWeight', Float32Array) });
  }
  const groups = splitByComponent(considered, n, settings.partitions);
  const groupOf = new Int32Array(n).fill(-1);
  for (let g = 0; g < groups.length; g++) {
    const pairs = groups[g]!;
    await store.put(runKeys.group(g), scoredFrame({}, pairs));
    for (const code of pairs.codes) {
      const a = Math.floor(code / n);
      groupOf[a] = groupOf[code - a * n] = g;
    }
  }
  await store.put(runKeys.best, encodeFrame({}, { best: bestWeights(best, n) }));
  for (let c = 0; c < first.length; c++) {
    await store.put(runKeys.route(c), encodeFrame({}, { group: groupOf.slice(first[c], c + 1 < first.length ? first[c + 1] : n) }));
  }
  const items: GroupItem[] = groups.map((_, group) => ({ runId: settings.runId, group }));
  await putJson(store, runKeys.groups, items);
  return { groups: items.length };
}

export interface RunSummary {
  readonly records: number;
  readonly cases: number;
  readonly decisions: { auto: number; review: number; new: number };
  readonly reviewPairs: number;
  readonly model: { version: string; thresholds: { upper: number; lower: number } };
}

/** The cases (out/cases.jsonl), review pairs with the reviewer's explanation (out/reviews.jsonl), the model and a summary. */
export async function assembleRun(store: MergeObjects): Promise<RunSummary> {
  const settings = await settingsOf(store);
  const offsets = await offsetsOf(store);
  const spec = await getJson<ScorerSpec>(store, runKeys.spec);
  const linked: LinkedComponents[] = [];
  for (let g = 0; g < settings.partitions; g++) {
    const frame = await getFrame<{ reviews: LinkedComponents['reviews'] }>(store, runKeys.linked(g));
    linked.push({ records: arrayOf(frame, 'records', Int32Array), first: arrayOf(frame, 'first', Int32Array), reviews: frame.meta.reviews });
  }
  const all = new Set<number>(Array.from({ length: offsets.n }, (_, i) => i));
  const records = await recordsAt(store, offsets, all);
  const cases = assembleCases(idsOf(records), linked);
  const best = arrayOf(await getFrame(store, runKeys.best), 'best', Float32Array);
  const decisions = { auto: 0, review: 0, new: 0 };
  const lines = records.map((r, i) => {
    decisions[cases.decisions[i]!]++;
    const score = Number.isNaN(best[i]!) ? null : Math.round(best[i]! * 100) / 100;
    return JSON.stringify({ agency: r.agency, externalId: r.externalId, caseId: cases.caseIds[i], decision: cases.decisions[i], score });
  });
  await store.put(runKeys.cases, lines.length ? `${lines.join('\n')}\n` : '');
  const scorer = scorerOf(spec);
  const side = (i: number) => ({ agency: records[i]!.agency, externalId: records[i]!.externalId, caseId: cases.caseIds[i] });
  const reviews = cases.reviews.map((p) =>
    JSON.stringify({
      a: side(p.a),
      b: side(p.b),
      score: Math.round(p.weight * 100) / 100,
      reason: p.reason,
      why: reviewWhy(p.reason, scorer.score(records[p.a]!, records[p.b]!).veto),
      explanation: scorer.explain(records[p.a]!, records[p.b]!),
    }),
  );
  await store.put(runKeys.reviews, reviews.length ? `${reviews.join('\n')}\n` : '');
  await putJson(store, runKeys.model, spec.model);
  const summary: RunSummary = {
    records: offsets.n,
    cases: new Set(cases.cluster).size,
    decisions,
    reviewPairs: cases.reviews.length,
    model: { version: spec.model.version, thresholds: spec.model.thresholds },
  };
  await putJson(store, runKeys.summary, summary);
  return summary;
}
