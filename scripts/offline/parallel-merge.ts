/**
 * The offline list merge on worker threads: the same stages as merge.ts
 * (lambdas/domain/matching/stages), with N blocking and linking partitions spread
 * over `workers` threads (default os.availableParallelism()). Lists are read and
 * normalised one per task, or in pieces cut at row ends (`readPieces`); records go to every worker once, as one table in
 * shared memory; keys, pairs and scores move as typed arrays (transferred, not
 * copied). Estimation stays a global step on the driver. The result is the
 * one `runMerge` gives, for any number of workers and partitions.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { duplicateFixes, type RowKey } from '../../lambdas/domain/lists/duplicate-rows';
import { joinTallies, type RowTally, summaryOf } from '../../lambdas/domain/lists/list-summary';
import { csvCuts } from '../../lambdas/domain/lists/parse-list';
import { formatOf } from '../../lambdas/domain/matching/pipeline/read-chunk';
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
import { type InputRead, type InputSummary, joinReads, type MergeInputFile, type MergeRun } from './run-merge';

export interface ParallelMergeOptions extends Omit<MergeOptions, 'partitions'> {
  /** Worker threads (default os.availableParallelism()). */
  workers?: number;
  /** Blocking and linking partitions (default: as many as workers). */
  partitions?: number;
  /** The province's own value spellings (what `values` is built from in runMerge). */
  synonyms?: ListSynonymsConfig;
  /**
   * Pieces each CSV list is read in (default 1, whole lists; a JSONL list is always read whole). More pieces keep
   * every worker reading to the end, but raised the comparison's peak memory at 1,000,000 rows on 2 workers
   * (2.64, 2.80 and 3.17 GiB for 1, 2 and 8 pieces a list, read stage 32.0, 35.5 and 31 to 36 s on a shared
   * machine): kept at 1 until that is understood (docs/scale.md).
   */
  readPieces?: number;
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

  close(): Promise<number[]> {
    return Promise.all(this.#workers.map((w) => w.terminate()));
  }
}

/** One piece of a list as its worker finished it: its records packed, what reading them found, their keys and names. */
interface PieceRead {
  readonly table: RecordTable;
  readonly meta: Pick<InputRead, 'flagged' | 'notUnderstood' | 'badRows'>;
  readonly tally: RowTally;
  readonly batches: KeyBatch[];
  readonly names: NameCounts;
}

/** One piece of a list as its worker parsed it (its rows stay on that worker). */
interface PieceParse {
  readonly rows: number;
  readonly ignoredColumns: string[];
  readonly keys: RowKey[];
}

/**
 * Reads the inputs on the pool's workers, each CSV list in about `pieces` pieces cut at row ends (`csvCuts`), so
 * that no worker idles while another reads a whole list. A worker takes the next piece and parses it; once every
 * piece of a list is parsed, the driver settles the list's duplicates from the pieces' row keys (`duplicateFixes`:
 * one rule for the whole list) and each piece's worker finishes its rows: numbered as in the whole list, settled,
 * normalised and packed, with their blocking keys and name counts. A worker finishes the pieces it holds before
 * it parses another. What reading each list found is its pieces' tallies joined. Pieces come back in input order.
 */
async function readPieces(
  pool: Pool,
  inputs: readonly MergeInputFile[],
  options: { pieces: number; partitions: number; synonyms?: ListSynonymsConfig },
): Promise<{ reads: PieceRead[]; inputs: InputSummary[] }> {
  let first = 0;
  const lists = inputs.map((input) => {
    const bytes: Uint8Array = readFileSync(input.path);
    const format = formatOf(input.path);
    const { header, cuts } = format === 'csv' ? csvCuts(bytes, options.pieces) : { header: 0, cuts: [0, bytes.length] };
    const list = {
      input,
      format,
      bytes,
      header,
      cuts,
      first,
      parsed: [] as (Omit<PieceParse, 'keys'> & { worker: number })[],
      keys: [] as RowKey[][],
      left: cuts.length - 1,
    };
    first += cuts.length - 1;
    return list;
  });
  type List = (typeof lists)[number];
  const reads: PieceRead[] = new Array(first);
  const queue = lists.flatMap((list) => list.cuts.slice(1).map((_, k) => ({ list, k })));
  const ready: { piece: number; task: WorkerTask }[][] = Array.from({ length: pool.size }, () => []);
  const waiting: ((() => void) | undefined)[] = new Array(pool.size);
  // Pieces a worker holds whose list is not settled yet.
  const holding = new Array<number>(pool.size).fill(0);
  const synonyms = options.synonyms && { synonyms: options.synonyms };
  // Piece k: the header line, then its rows.
  const pieceBytes = (list: List, k: number) => {
    const { bytes, header, cuts } = list;
    const piece = new Uint8Array(header + cuts[k + 1]! - cuts[k]!);
    piece.set(bytes.subarray(0, header));
    piece.set(bytes.subarray(cuts[k]!, cuts[k + 1]!), header);
    return piece;
  };
  const settle = (list: List) => {
    const before: number[] = [];
    let rows = 0;
    for (const p of list.parsed) {
      before.push(rows);
      rows += p.rows;
    }
    const fixes = duplicateFixes(list.keys.flatMap((keys, k) => (before[k] === 0 ? keys : keys.map((key) => ({ ...key, row: key.row + before[k]! })))));
    // What the driver kept of the list is no longer needed.
    list.keys = [];
    list.bytes = new Uint8Array(0);
    list.parsed.forEach((p, k) => {
      const mine = new Map([...fixes].filter(([row]) => row > before[k]! && row <= before[k]! + p.rows));
      ready[p.worker]!.push({
        piece: list.first + k,
        task: { kind: 'settle', piece: list.first + k, agency: list.input.agency, before: before[k]!, fixes: mine, partitions: options.partitions },
      });
      holding[p.worker]!--;
      waiting[p.worker]?.();
      waiting[p.worker] = undefined;
    });
  };
  const work = async (w: number): Promise<void> => {
    for (;;) {
      const settling = ready[w]!.shift();
      if (settling) {
        reads[settling.piece] = await pool.run<PieceRead>(w, settling.task);
        continue;
      }
      const next = queue.shift();
      if (next) {
        const { list, k } = next;
        const bytes = pieceBytes(list, k);
        holding[w]!++;
        try {
          const { keys, ...parsed } = await pool.run<PieceParse>(w, { kind: 'parse', piece: list.first + k, bytes, format: list.format, ...synonyms }, [
            bytes.buffer as ArrayBuffer,
          ]);
          list.parsed[k] = { ...parsed, worker: w };
          list.keys[k] = keys;
        } catch (error) {
          // A list that cannot be read: reading it whole says why, at the line of the whole file.
          if (list.cuts.length > 2) await pool.run(w, { kind: 'parse', piece: -1, bytes: list.bytes, format: list.format, ...synonyms });
          throw error;
        }
        if (--list.left === 0) settle(list);
        continue;
      }
      if (holding[w] === 0) return;
      await new Promise<void>((resolve) => {
        waiting[w] = resolve;
      });
    }
  };
  await Promise.all(Array.from({ length: pool.size }, (_, w) => work(w)));
  const summaries = lists.map((list) => ({
    agency: list.input.agency,
    path: list.input.path,
    summary: summaryOf(joinTallies(list.parsed.map((_, k) => reads[list.first + k]!.tally)), list.parsed[0]!.ignoredColumns),
  }));
  return { reads, inputs: summaries };
}

/** A full collection, when the process runs with --expose-gc (as in merge-worker.ts): an idle driver would keep its garbage. */
const collect = (globalThis as { gc?: () => void }).gc;

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
    // Read and normalise the lists in pieces; each piece's blocking keys and name counts come with it (indices within the piece).
    const { reads, inputs: summaries } = await readPieces(pool, inputs, {
      pieces: Math.max(1, Math.floor(options.readPieces ?? 1)),
      partitions,
      ...(options.synonyms && { synonyms: options.synonyms }),
    });
    const table = concatTables(
      reads.map((r) => r.table),
      true,
    );
    const offsets = new Float64Array(new SharedArrayBuffer(table.offsets.byteLength));
    offsets.set(table.offsets);
    shared = { bytes: table.bytes, offsets };
    const n = offsets.length - 1;
    const counts = reads.map((r) => r.table.offsets.length - 1);
    const joined = {
      ...joinReads(
        reads.map((r) => r.meta),
        counts,
      ),
      inputs: summaries,
    };
    const ids = KeyIds.slots(n, true);
    const firsts = counts.map((_, k) => counts.slice(0, k).reduce((a, b) => a + b, 0));
    const tabled = Promise.all(Array.from({ length: workers }, (_, k) => pool.run(k, { kind: 'table', table: shared, ids, firsts })));
    // What the driver read (the lists' bytes, their row keys) is garbage now: collected while the workers take the table.
    collect?.();
    await tabled;
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
