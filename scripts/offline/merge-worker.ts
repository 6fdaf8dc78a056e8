/**
 * One worker thread of the parallel list merge (parallel-merge.ts): runs the
 * merge stages (lambdas/domain/matching/stages) on what the driver sends, and
 * keeps the state of the partitions it owns between steps. Records come from
 * one table in shared memory, decoded once per worker as needed.
 */
import { parentPort } from 'node:worker_threads';
import { ListValueMaps } from '../../lambdas/domain/lists/list-values';
import type { LinkPolicyOptions } from '../../lambdas/domain/matching/link-policy';
import { type Blocks, buildBlocks, KeySlots, type PartitionPairs, partitionPairs } from '../../lambdas/domain/matching/stages/block-partition';
import { chunkKeys, type KeyBatch } from '../../lambdas/domain/matching/stages/blocking-keys';
import { linkComponents } from '../../lambdas/domain/matching/stages/link-components';
import { packChunk } from '../../lambdas/domain/matching/stages/normalise-chunk';
import { RecordReader, type RecordTable } from '../../lambdas/domain/matching/stages/record-codec';
import { type ScoredPairs, type ScorerSpec, scorePartition, scorerOf } from '../../lambdas/domain/matching/stages/score-partition';
import type { ListSynonymsConfig } from '../../schemas/list-synonyms';
import { type MergeInputFile, readInput } from './run-merge';

export type WorkerTask =
  | { kind: 'read'; input: MergeInputFile; synonyms?: ListSynonymsConfig }
  | { kind: 'table'; table: RecordTable }
  | { kind: 'keys'; first: number; count: number; partitions: number }
  | { kind: 'block'; partition: number; batches: KeyBatch[]; maxBlock: number }
  | { kind: 'pairs'; partition: number; skipped: string[] }
  | { kind: 'score'; partition: number; spec: ScorerSpec }
  | { kind: 'link'; pairs: ScoredPairs; spec: ScorerSpec; policy: LinkPolicyOptions };

let reader: RecordReader | undefined;
let keys: KeySlots | undefined;
const blocks = new Map<number, Blocks>();
const pairs = new Map<number, PartitionPairs>();
let scorer: { version: string; names: boolean; scorer: ReturnType<typeof scorerOf> } | undefined;

const buffers = (...views: ArrayBufferView[]) => views.map((v) => v.buffer as ArrayBuffer);
const scorerFor = (spec: ScorerSpec) => {
  if (!scorer || scorer.version !== spec.model.version || scorer.names !== !!spec.names)
    scorer = { version: spec.model.version, names: !!spec.names, scorer: scorerOf(spec) };
  return scorer.scorer;
};
const records = () => {
  if (!reader || !keys) throw new Error('no record table yet');
  return { reader, keys, n: reader.length };
};

function run(task: WorkerTask): [unknown, ArrayBuffer[]] {
  switch (task.kind) {
    case 'read': {
      const { records: read, ...meta } = readInput(task.input, task.synonyms ? new ListValueMaps(task.synonyms) : undefined);
      const table = packChunk(read);
      return [{ table, meta }, buffers(table.bytes, table.offsets)];
    }
    case 'table': {
      reader = new RecordReader(task.table);
      keys = new KeySlots((i) => reader!.at(i), reader.length);
      return [null, []];
    }
    case 'keys': {
      const { reader: r } = records();
      const chunk = Array.from({ length: task.count }, (_, k) => r.at(task.first + k));
      const batches = chunkKeys(chunk, task.first, task.partitions);
      return [batches, batches.flatMap((b) => buffers(b.ends, b.records))];
    }
    case 'block': {
      const built = buildBlocks(task.batches, task.maxBlock);
      blocks.set(task.partition, built);
      return [built.skipped, []];
    }
    case 'pairs': {
      const { keys: k, n } = records();
      const found = partitionPairs(blocks.get(task.partition)!, new Set(task.skipped), k, n);
      blocks.delete(task.partition);
      pairs.set(task.partition, found);
      const codes = found.codes.slice();
      return [{ codes, counts: found.counts, firsts: found.firsts }, buffers(codes)];
    }
    case 'score': {
      const { reader: r, n } = records();
      const scores = scorePartition(pairs.get(task.partition)!, (i) => r.at(i), n, scorerFor(task.spec));
      pairs.delete(task.partition);
      const c = scores.considered;
      return [scores, buffers(c.codes, c.weight, c.veto, c.byId, scores.best.records, scores.best.weight)];
    }
    case 'link': {
      const { reader: r, n } = records();
      const linked = linkComponents(task.pairs, (i) => r.at(i), n, scorerFor(task.spec), task.spec.model.thresholds, task.policy);
      return [linked, buffers(linked.records, linked.first)];
    }
  }
}

parentPort!.on('message', (task: WorkerTask) => {
  try {
    const [result, transfer] = run(task);
    parentPort!.postMessage({ ok: result }, transfer);
  } catch (error) {
    parentPort!.postMessage({ error: error instanceof Error ? { message: error.message, stack: error.stack } : { message: String(error) } });
  }
});
