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
import { type MergeOptions, type MergeResult, mergeSettings, scorerSpecFor } from '../../lambdas/domain/matching/merge';
import type { KeyBatch } from '../../lambdas/domain/matching/stages/blocking-keys';
import { assembleCases, bestWeights, estimateModel, splitByComponent, sumCounts, unionOfCodes } from '../../lambdas/domain/matching/stages/combine';
import { concatTables, RecordReader, type RecordTable } from '../../lambdas/domain/matching/stages/record-codec';
import { type PartitionScores, scorerOf } from '../../lambdas/domain/matching/stages/score-partition';
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
  try {
    const t0 = performance.now();
    const reads = await pool.all<{ table: RecordTable; meta: Omit<InputRead, 'records'> }>(
      inputs.map((input) => ({ kind: 'read', input, ...(options.synonyms && { synonyms: options.synonyms }) })),
    );
    const table = concatTables(
      reads.map((r) => r.table),
      true,
    );
    const offsets = new Float64Array(new SharedArrayBuffer(table.offsets.byteLength));
    offsets.set(table.offsets);
    const shared = { bytes: table.bytes, offsets };
    const n = offsets.length - 1;
    const joined = joinReads(
      reads.map((r) => r.meta),
      reads.map((r) => r.table.offsets.length - 1),
    );
    await Promise.all(Array.from({ length: workers }, (_, k) => pool.run(k, { kind: 'table', table: shared })));
    progress?.('read', 1, 1);

    // Blocking keys per chunk; meanwhile the driver decodes its own copy of the records.
    const chunk = Math.max(1, Math.ceil(n / (2 * workers)));
    const chunks: WorkerTask[] = [];
    for (let first = 0; first < n; first += chunk) chunks.push({ kind: 'keys', first, count: Math.min(chunk, n - first), partitions });
    const keyed = pool.all<KeyBatch[]>(chunks);
    const reader = new RecordReader(shared);
    const records = Array.from({ length: n }, (_, i) => reader.at(i));
    const t1 = performance.now();
    const batches = await keyed;
    const skipped = (
      await Promise.all(
        Array.from({ length: partitions }, (_, p) => {
          const mine = batches.map((b) => b[p]!);
          return pool.run<string[]>(
            owner(p),
            { kind: 'block', partition: p, batches: mine, maxBlock },
            mine.flatMap((b) => buffers(b.ends, b.records)),
          );
        }),
      )
    ).flat();
    batches.length = 0;
    progress?.('block', 1, 1);
    const found = await Promise.all(
      Array.from({ length: partitions }, (_, p) =>
        pool.run<{ codes: Float64Array; counts: Map<number, number>; firsts: Map<number, number> }>(owner(p), { kind: 'pairs', partition: p, skipped }),
      ),
    );
    const candidates = unionOfCodes(found.map((f) => f.codes));
    progress?.('compare', 1, 1);

    const model = estimateModel(sumCounts(found), records, options);
    progress?.('estimate', 1, 1);
    const spec = scorerSpecFor(model, records);
    const scores = await Promise.all(Array.from({ length: partitions }, (_, p) => pool.run<PartitionScores>(owner(p), { kind: 'score', partition: p, spec })));
    const groups = splitByComponent(
      scores.map((s) => s.considered),
      n,
      partitions,
    );
    const linked = await Promise.all(
      groups.map((g, k) => pool.run<LinkedComponents>(owner(k), { kind: 'link', pairs: g, spec, policy }, buffers(g.codes, g.weight, g.veto, g.byId))),
    );
    progress?.('link', 1, 1);
    const result: MergeResult = {
      ...assembleCases(records, linked),
      bestWeight: bestWeights(
        scores.map((s) => s.best),
        n,
      ),
      model,
      scorer: scorerOf(spec),
      stats: { records: n, candidatePairs: candidates.length, skippedBlocks: skipped.length },
      candidates,
    };
    const t2 = performance.now();
    return { records, ...joined, result, seconds: { parse: (t1 - t0) / 1000, merge: (t2 - t1) / 1000 } };
  } finally {
    await pool.close();
  }
}
