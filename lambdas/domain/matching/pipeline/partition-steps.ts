/**
 * The Step Functions merge's per-partition stages (one Lambda invocation per
 * blocking partition or link group, in a Distributed Map). Each reads only its
 * own objects (its shuffle of keys and records, its pairs, its group) and
 * calls the engine's stage functions (../stages), the same the local runners call.
 */
import type { LinkPolicyOptions } from '../link-policy';
import { type Blocks, buildBlocks, KeySlots, partitionPairs } from '../stages/block-partition';
import type { KeyBatch } from '../stages/blocking-keys';
import { linkComponents } from '../stages/link-components';
import { type ScorerSpec, scorePartition, scorerOf } from '../stages/score-partition';
import { arrayOf, encodeFrame } from './frame';
import type { MergeObjects } from './ports';
import { runKeys } from './run-keys';
import { getFrame, getJson, keyBatchOf, offsetsOf, putJson, type RunSettings, scoredFrame, scoredOf, SparseRecords, settingsOf, tableOf } from './stage-io';

export interface PartitionItem {
  readonly runId: string;
  readonly partition: number;
}

export interface GroupItem {
  readonly runId: string;
  readonly group: number;
}

/** A partition's key batches (chunk order, global indices) and the records they name. */
async function shuffled(store: MergeObjects, partition: number) {
  const { first, n } = await offsetsOf(store);
  const batches: KeyBatch[] = [];
  const records = new SparseRecords();
  for (let c = 0; c < first.length; c++) {
    const { batch, members, table } = keyBatchOf(await getFrame(store, runKeys.shuffle(partition, c)), first[c]!);
    batches.push(batch);
    records.add(members, table);
  }
  return { batches, records, n };
}

const blocksOf = (batches: readonly KeyBatch[], settings: RunSettings): Blocks => buildBlocks(batches, settings.maxBlockSize);

/** Stage 2a: the partition's blocks, and which are too large (every partition's are needed before pairs). */
export async function countStage(store: MergeObjects, item: PartitionItem): Promise<{ partition: number; skipped: number }> {
  const settings = await settingsOf(store);
  const { batches } = await shuffled(store, item.partition);
  const { skipped } = blocksOf(batches, settings);
  await putJson(store, runKeys.skipped(item.partition), skipped);
  return { partition: item.partition, skipped: skipped.length };
}

/** Stage 2b: the candidate pairs the partition owns, compared, and the count of each pattern. */
export async function pairsStage(store: MergeObjects, item: PartitionItem): Promise<{ partition: number; pairs: number }> {
  const settings = await settingsOf(store);
  const { batches, records, n } = await shuffled(store, item.partition);
  const skipped = new Set<string>();
  for (let p = 0; p < settings.partitions; p++) for (const key of await getJson<string[]>(store, runKeys.skipped(p))) skipped.add(key);
  const found = partitionPairs(blocksOf(batches, settings), skipped, new KeySlots(records.at, n), n);
  await store.put(runKeys.pairs(item.partition), encodeFrame({}, { codes: found.codes, patterns: found.patterns }));
  await putJson(store, runKeys.counts(item.partition), { counts: [...found.counts], firsts: [...found.firsts] });
  return { partition: item.partition, pairs: found.codes.length };
}

/** Stage 3: the partition's pairs scored with the estimated model; the pairs linking considers and each record's best weight. */
export async function scoreStage(store: MergeObjects, item: PartitionItem): Promise<{ partition: number; considered: number }> {
  const spec = await getJson<ScorerSpec>(store, runKeys.spec);
  const { records, n } = await shuffled(store, item.partition);
  const pairs = await getFrame(store, runKeys.pairs(item.partition));
  const scores = scorePartition(
    { codes: arrayOf(pairs, 'codes', Float64Array), patterns: arrayOf(pairs, 'patterns', Uint32Array) },
    records.at,
    n,
    scorerOf(spec),
  );
  await store.put(runKeys.scores(item.partition), scoredFrame({}, scores.considered, { bestRecords: scores.best.records, bestWeight: scores.best.weight }));
  return { partition: item.partition, considered: scores.considered.codes.length };
}

/** Stage 4: the connected components of one link group, linked. */
export async function linkStage(store: MergeObjects, item: GroupItem): Promise<{ group: number; records: number }> {
  const settings = await settingsOf(store);
  const spec = await getJson<ScorerSpec>(store, runKeys.spec);
  const { n } = await offsetsOf(store);
  const records = new SparseRecords();
  for (const key of await store.list(runKeys.linkRecordsOf(item.group))) {
    const { members, table } = tableOf(await getFrame(store, key));
    records.add(members, table);
  }
  const policy: LinkPolicyOptions = { margin: settings.margin, maxClusterSize: settings.maxClusterSize };
  const linked = linkComponents(scoredOf(await getFrame(store, runKeys.group(item.group))), records.at, n, scorerOf(spec), spec.model.thresholds, policy);
  await store.put(runKeys.linked(item.group), encodeFrame({ reviews: linked.reviews }, { records: linked.records, first: linked.first }));
  return { group: item.group, records: linked.records.length };
}
