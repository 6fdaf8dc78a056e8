/**
 * The Step Functions merge's steps in the state machine's order
 * (lib/constructs/merge-state-machine.ts), each Distributed Map's items one
 * after another: what the deployed run does, in one process, on any store.
 * The tests check it gives the local runners' cases.
 */
import type { ListValueMaps } from '../../lists/list-values';
import { type ChunkItem, normaliseStage, routeStage } from './chunk-steps';
import { assembleRun, estimateRun, indexRun, planRun, type RunOptions, type RunSummary, splitRun } from './global-steps';
import { countStage, type GroupItem, linkStage, pairsStage, type PartitionItem, scoreStage } from './partition-steps';
import type { MergeObjects } from './ports';
import { runKeys } from './run-keys';
import { getJson } from './stage-io';

export async function runPipeline(store: MergeObjects, runId: string, options: RunOptions = {}, values?: ListValueMaps): Promise<RunSummary> {
  await planRun(store, runId, options);
  const chunks = await getJson<ChunkItem[]>(store, runKeys.chunks);
  for (const item of chunks) await normaliseStage(store, item, values);
  await indexRun(store);
  const partitions = await getJson<PartitionItem[]>(store, runKeys.partitions);
  for (const item of partitions) await countStage(store, item);
  for (const item of partitions) await pairsStage(store, item);
  await estimateRun(store);
  for (const item of partitions) await scoreStage(store, item);
  await splitRun(store);
  for (const item of chunks) await routeStage(store, item);
  for (const item of await getJson<GroupItem[]>(store, runKeys.groups)) await linkStage(store, item);
  return assembleRun(store);
}
