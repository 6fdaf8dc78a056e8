/**
 * The offline list merge on worker threads: the same stages as merge.ts
 * (lambdas/domain/matching/stages), with N blocking and linking partitions spread
 * over `workers` threads (default os.availableParallelism()). Files are read and
 * normalised one per task; records go to every worker once, as one table in
 * shared memory; keys, pairs and scores move as typed arrays (transferred, not
 * copied). Estimation stays a global step on the driver. The result is the
 * one `runMerge` gives, for any number of workers and partitions.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { LinkedComponents } from '../../lambdas/domain/matching/stages/link-components';
import { MIN_RECORDS_FOR_FREQUENCIES, type MergeOptions, type MergeResult, mergeSettings } from '../../lambdas/domain/matching/merge';
import { KeyIds } from '../../lambdas/domain/matching/stages/block-partition';
import type { KeyBatch } from '../../lambdas/domain/matching/stages/blocking-keys';
import {
  assembleCases,
  bestWeights,
  type Cases,
  estimateModelFrom,
  levelsOfPatterns,
  randomPairCount,
  splitByComponent,
  sumCounts,
  unionOfCodes,
} from '../../lambdas/domain/matching/stages/combine';
import { concatTables, RecordReader, type RecordTable } from '../../lambdas/domain/matching/stages/record-codec';
import { type NameCounts, type PartitionScores, type ScorerSpec, scorerOf, sumNames } from '../../lambdas/domain/matching/stages/score-partition';
import type { ListSynonymsConfig } from '../../schemas/list-synonyms';
import type { WorkerTask } from './merge-worker';
import { type InputRead, joinReads, type MergeInputFile, type MergeRun } from './run-merge';

export interface ParallelMergeOptions extends Omit<MergeOptions, 'partitions'> {
  /** Worker threads (default os.availableParallelism()). */
  workers?: number;
  /** Blocking and linking partitions (default: as many as workers). */
  partitions?: number;
  /** The province's own value spellings (what `values` is built from in runMerge). */
  synonyms?: ListSynonymsConfig;
}

/** A fixed set of worker threads; each runs its tasks in the order sent. */
class Pool {
  readonly #workers: Worker[];
  readonly #pending: { resolve: (v: unknown) => void; reject: (e: Error) => void }[][];

  constructor(size: number) {
    const entry = new URL('./merge-worker.ts', import.meta.url).href;
    this.#workers = Array.from({ length: size }, () => new Worker(new URL('./merge-worker-boot.mjs', import.meta.url), { workerData: { entry } }));
    this.#pending = this.#workers.map(() => []);
    this.#workers.forEach((w, k) => {
      w.on('message', (m: { ok?: unknown; error?: { message: string; stack?: string } }) => {
        const p = this.#pending[k]!.shift()!;
        if (m.error) p.reject(Object.assign(new Error(`merge worker: ${m.error.message}`), { stack: m.error.stack }));
        else p.resolve(m.ok);
      });
      w.on('error', (e) => {
        for (const p of this.#pending[k]!.splice(0)) p.reject(e);
      });
    });
  }

  get size(): number {
    return this.#workers.length;
  }

  run<T>(worker: number, task: WorkerTask, transfer: ArrayBuffer[] = []): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#pending[worker]!.push({ resolve: resolve as (v: unknown) => void, reject });
      this.#workers[worker]!.postMessage(task, transfer);
    });
  }

  /** All tasks, each on the worker with the fewest pending tasks; results in task order. */
  all<T>(tasks: readonly WorkerTask[]): Promise<T[]> {
    const queue = tasks.map((task, i) => ({ task, i }));
    const results: T[] = new Array(tasks.length);
    const next = async (worker: number): Promise<void> => {
      const item = queue.shift();
      if (!item) return;
      results[item.i] = await this.run<T>(worker, item.task);
      await next(worker);
    };
    return Promise.all(this.#workers.map((_, k) => next(k))).then(() => results);
  }

  close(): Promise<number[]> {
    return Promise.all(this.#workers.map((w) => w.terminate()));
  }
}

const buffers = (...views: ArrayBufferView[]) => views.map((v) => v.buffer as ArrayBuffer);

/** Reads, normalises and merges the inputs on worker threads. */
export async function runMergeParallel(inputs: readonly MergeInputFile[], options: ParallelMergeOptions = {}): Promise<MergeRun> {
  const workers = Math.max(1, Math.floor(options.workers ?? availableParallelism()));
  const { maxBlock, policy, partitions } = mergeSettings({ ...options, partitions: options.partitions ?? workers });
  const progress = options.onProgress;
  const owner = (p: number) => p % workers;
  const pool = new Pool(workers);
  let shared: RecordTable;
  let run: Omit<MergeRun, 'records' | 'result' | 'seconds'> & { result: Omit<MergeResult, keyof Cases> };
  let linked: LinkedComponents[];
  const t0 = performance.now();
  let t1 = t0;
  try {
    // Read and normalise each file; its blocking keys and name counts come with it (indices within the file).
    const reads = await pool.all<{ table: RecordTable; meta: Omit<InputRead, 'records'>; batches: KeyBatch[]; names: NameCounts }>(
      inputs.map((input, file) => ({ kind: 'read', file, input, partitions, ...(options.synonyms && { synonyms: options.synonyms }) })),
    );
    const table = concatTables(
      reads.map((r) => r.table),
      true,
    );
    const offsets = new Float64Array(new SharedArrayBuffer(table.offsets.byteLength));
    offsets.set(table.offsets);
    shared = { bytes: table.bytes, offsets };
    const n = offsets.length - 1;
    const counts = reads.map((r) => r.table.offsets.length - 1);
    const joined = joinReads(
      reads.map((r) => r.meta),
      counts,
    );
    const ids = KeyIds.slots(n, true);
    const firsts = counts.map((_, k) => counts.slice(0, k).reduce((a, b) => a + b, 0));
    await Promise.all(Array.from({ length: workers }, (_, k) => pool.run(k, { kind: 'table', table: shared, ids, firsts })));
    t1 = performance.now();
    progress?.('read', 1, 1);

    // Blocks per partition, from every file's keys of that partition (record indices shifted to the whole run's).
    let first = 0;
    reads.forEach((r, k) => {
      for (const b of r.batches) for (let x = 0; x < b.records.length; x++) b.records[x]! += first;
      first += counts[k]!;
    });
    const skipped = await Promise.all(
      Array.from({ length: partitions }, (_, p) => {
        const mine = reads.map((r) => r.batches[p]!);
        return pool.run<number>(
          owner(p),
          { kind: 'block', partition: p, partitions, batches: mine, maxBlock },
          mine.flatMap((b) => buffers(b.text, b.ends, b.records)),
        );
      }),
    );
    for (const r of reads) r.batches.length = 0;
    progress?.('block', 1, 1);
    // Every partition's blocks are marked in `ids` before any partition looks for the pairs it owns.
    const found = Promise.all(
      Array.from({ length: partitions }, (_, p) =>
        pool.run<{ counts: Map<number, number>; firsts: Map<number, number> }>(owner(p), { kind: 'pairs', partition: p }),
      ),
    );
    // Estimation's random pairs, compared by the workers (in equal shares, after their partitions' pairs).
    const total = options.estimate === false ? 0 : randomPairCount(n);
    const share = Math.ceil(total / workers);
    const random = Promise.all(
      Array.from({ length: workers }, (_, k) =>
        pool.run<Uint32Array>(k, { kind: 'random', seed: options.seed ?? 1, from: k * share, to: Math.min(total, (k + 1) * share) }),
      ),
    );
    const pairs = await found;
    progress?.('compare', 1, 1);

    const randomPatterns = await random;
    const model = estimateModelFrom(sumCounts(pairs), () => levelsOfPatterns(randomPatterns), options);
    progress?.('estimate', 1, 1);
    const spec: ScorerSpec = { model, ...(n >= MIN_RECORDS_FOR_FREQUENCIES && { names: sumNames(reads.map((r) => r.names)) }) };
    // Each partition's candidate pairs come back with its scores, once the worker no longer needs them.
    const scores = await Promise.all(
      Array.from({ length: partitions }, (_, p) => pool.run<PartitionScores & { codes?: Float64Array }>(owner(p), { kind: 'score', partition: p, spec })),
    );
    const candidates = unionOfCodes(scores.map((s) => s.codes!));
    // The union is the one copy kept (tens of millions of codes): the partitions' own are let go now.
    for (const s of scores) delete s.codes;
    const groups = splitByComponent(
      scores.map((s) => s.considered),
      n,
      partitions,
    );
    progress?.('score', 1, 1);
    linked = await Promise.all(
      groups.map((g, k) => pool.run<LinkedComponents>(owner(k), { kind: 'link', pairs: g, spec, policy }, buffers(g.codes, g.weight, g.veto, g.byId))),
    );
    progress?.('link', 1, 1);
    run = {
      ...joined,
      result: {
        bestWeight: bestWeights(
          scores.map((s) => s.best),
          n,
        ),
        model,
        scorer: scorerOf(spec),
        stats: { records: n, candidatePairs: candidates.length, skippedBlocks: skipped.reduce((a, b) => a + b, 0) },
        candidates,
      },
    };
  } finally {
    await pool.close();
  }
  // The run's records stay packed: naming the cases reads each record's agency and externalId only, and a
  // record is decoded when something reads it (the reviews' explanations, for one).
  const records = new RecordReader(shared);
  const result: MergeResult = { ...assembleCases(records, linked), ...run.result };
  return { records, ...run, result, seconds: { parse: (t1 - t0) / 1000, merge: (performance.now() - t1) / 1000 } };
}
