/**
 * List merge (名单合并): links a whole set of records into cases. A driver over
 * the stages in stages/, run here in one process, one partition after another:
 * blocking keys per chunk of records -> per blocking partition, blocks and the
 * candidate pairs it owns, compared -> EM estimation over all pairs' patterns
 * (global) -> scoring per partition with name frequencies -> greedy linking per
 * group of connected components, in descending score order. What each pair may
 * do (link, review, nothing), when two clusters are compatible and when a link
 * is ambiguous is the link policy (link-policy.ts), which the hub uses too.
 * The result does not depend on the number of partitions; the worker-thread
 * driver (scripts/offline/parallel-merge.ts) and the Step Functions one
 * (lambdas/domain/matching/pipeline, lib/constructs/merge-state-machine.ts) run the same stages. Used by the offline CLI and the benchmark.
 */
import type { MatchRecord } from './match-record';
import type { MatchModel } from './model';
import type { Decision, Scorer } from './scorer';
import { buildBlocks, KeySlots, partitionPairs } from './stages/block-partition';
import { chunkKeys, type KeyBatch } from './stages/blocking-keys';
import { assembleCases, bestWeights, estimateModel, idsOf, splitByComponent, sumCounts, unionOfCodes } from './stages/combine';
import { linkComponents, type ReviewPair } from './stages/link-components';
import { countNames, scorePartition, scorerOf, type ScorerSpec } from './stages/score-partition';

export { caseIdFor } from './stages/case-id';
export type { ReviewPair } from './stages/link-components';

export interface MergeOptions {
  model?: MatchModel;
  /** Estimate m/u with EM from these records (default true). */
  estimate?: boolean;
  /** Blocks larger than this are skipped (other keys still apply). Default 60. */
  maxBlockSize?: number;
  /** A competing candidate within this many bits makes a link ambiguous. Default 4. */
  margin?: number;
  /** Largest case the engine builds automatically. Default 12. */
  maxClusterSize?: number;
  onProgress?: (phase: string, done: number, total: number) => void;
  /** Seed for the random pairs that estimate u. */
  seed?: number;
  /** Blocking and linking partitions (default 1); the result is the same for any number. */
  partitions?: number;
}

export interface MergeResult {
  /** Case index per record (index of its cluster's first record). */
  readonly cluster: Int32Array;
  readonly caseIds: string[];
  readonly decisions: Decision[];
  /** Best link weight per record (NaN when it had no candidate). */
  readonly bestWeight: Float32Array;
  readonly reviews: ReviewPair[];
  readonly model: MatchModel;
  readonly scorer: Scorer;
  readonly stats: { records: number; candidatePairs: number; skippedBlocks: number };
  /** Candidate pairs, sorted, encoded i * n + j (i < j): for measuring blocking recall. */
  readonly candidates: Float64Array;
}

/** Below this many records, name frequencies are noise (a name seen twice in five records is not common). */
export const MIN_RECORDS_FOR_FREQUENCIES = 1000;

/** Records per blocking-keys chunk. */
export const CHUNK_RECORDS = 100_000;

/** The option defaults every driver applies. */
export function mergeSettings(options: MergeOptions) {
  return {
    maxBlock: options.maxBlockSize ?? 60,
    policy: { margin: options.margin ?? 4, maxClusterSize: options.maxClusterSize ?? 12 },
    partitions: Math.max(1, Math.floor(options.partitions ?? 1)),
  };
}

/** The scorer every scoring and linking stage rebuilds: name frequencies only over enough records (the hub uses the same floor). */
export function scorerSpecFor(model: MatchModel, records: readonly MatchRecord[]): ScorerSpec {
  return { model, ...(records.length >= MIN_RECORDS_FOR_FREQUENCIES && { names: countNames(records) }) };
}

export function mergeRecords(records: readonly MatchRecord[], options: MergeOptions = {}): MergeResult {
  const n = records.length;
  const { maxBlock, policy, partitions } = mergeSettings(options);
  const progress = options.onProgress;
  const record = (i: number) => records[i]!;

  const batches: KeyBatch[][] = Array.from({ length: partitions }, () => []);
  for (let first = 0; first < n; first += CHUNK_RECORDS) {
    const chunk = chunkKeys(records.slice(first, first + CHUNK_RECORDS), first, partitions);
    for (let p = 0; p < partitions; p++) batches[p]!.push(chunk[p]!);
  }
  const blocks = batches.map((b) => buildBlocks(b, maxBlock));
  batches.length = 0;
  const skipped = new Set(blocks.flatMap((b) => b.skipped));
  progress?.('block', 1, 1);
  const keys = new KeySlots(record, n);
  const pairs = blocks.map((b, p) => {
    progress?.('compare', p, partitions);
    return partitionPairs(b, skipped, keys, n);
  });
  blocks.length = 0;
  const candidates = unionOfCodes(pairs.map((p) => p.codes));
  progress?.('compare', partitions, partitions);

  const model = estimateModel(sumCounts(pairs), records, options);
  progress?.('estimate', 1, 1);
  const spec = scorerSpecFor(model, records);
  const scorer = scorerOf(spec);
  const scores = pairs.map((p) => scorePartition(p, record, n, scorer));
  pairs.length = 0;
  progress?.('score', 1, 1);

  const groups = splitByComponent(
    scores.map((s) => s.considered),
    n,
    partitions,
  );
  const linked = groups.map((g, k) => {
    progress?.('link', k, partitions);
    return linkComponents(g, record, n, scorer, model.thresholds, policy);
  });
  progress?.('link', partitions, partitions);
  const cases = assembleCases(idsOf(records), linked);
  return {
    ...cases,
    bestWeight: bestWeights(
      scores.map((s) => s.best),
      n,
    ),
    model,
    scorer,
    stats: { records: n, candidatePairs: candidates.length, skippedBlocks: skipped.size },
    candidates,
  };
}
