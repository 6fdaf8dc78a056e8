/**
 * One worker thread of the parallel list merge (parallel-merge.ts): runs the
 * merge stages (lambdas/domain/matching/stages) on what the driver sends, and
 * keeps the state of the partitions it owns between steps. Records come from
 * one table in shared memory, decoded once per worker as needed; which kept
 * block each record's key of each kind is in (`KeyIds`) is one shared buffer
 * too, marked by the partitions' owners, so no worker recomputes keys.
 */
import { parentPort } from 'node:worker_threads';
import { tallyRows } from '../../lambdas/domain/lists/list-summary';
import { ListValueMaps } from '../../lambdas/domain/lists/list-values';
import { type DuplicateFix, rowKeys, settlePiece } from '../../lambdas/domain/lists/duplicate-rows';
import { type ListFormat, type ParsedRow, readListRows } from '../../lambdas/domain/lists/parse-list';
import type { LinkPolicyOptions } from '../../lambdas/domain/matching/link-policy';
import type { MatchRecord } from '../../lambdas/domain/matching/match-record';
import { recordsOfRows } from '../../lambdas/domain/matching/pipeline/read-chunk';
import { type Blocks, buildBlocks, KeyIds, type PartitionPairs, partitionPairs } from '../../lambdas/domain/matching/stages/block-partition';
import { chunkKeys, type KeyBatch } from '../../lambdas/domain/matching/stages/blocking-keys';
import { randomPairPatterns } from '../../lambdas/domain/matching/stages/combine';
import { linkComponents } from '../../lambdas/domain/matching/stages/link-components';
import { packChunk } from '../../lambdas/domain/matching/stages/normalise-chunk';
import { RecordReader, type RecordTable } from '../../lambdas/domain/matching/stages/record-codec';
import { countNames, type ScoredPairs, type ScorerSpec, scorePartition, scorerOf } from '../../lambdas/domain/matching/stages/score-partition';
import type { ListSynonymsConfig } from '../../schemas/list-synonyms';

export type WorkerTask =
  | { kind: 'parse'; piece: number; bytes: Uint8Array; format: ListFormat; synonyms?: ListSynonymsConfig }
  | { kind: 'settle'; piece: number; agency: string; before: number; fixes: Map<number, DuplicateFix>; partitions: number }
  | { kind: 'table'; table: RecordTable; ids: Int32Array; firsts: number[] }
  | { kind: 'block'; partition: number; partitions: number; batches: KeyBatch[]; maxBlock: number }
  | { kind: 'pairs'; partition: number }
  | { kind: 'random'; seed: number; from: number; to: number }
  | { kind: 'score'; partition: number; spec: ScorerSpec }
  | { kind: 'link'; pairs: ScoredPairs; spec: ScorerSpec; policy: LinkPolicyOptions };

let reader: RecordReader | undefined;
let keys: KeyIds | undefined;
const blocks = new Map<number, Blocks>();
const pairs = new Map<number, PartitionPairs>();
let scorer: { version: string; names: boolean; scorer: ReturnType<typeof scorerOf> } | undefined;
const NO_KEYS: ReadonlySet<string> = new Set();
/** The rows of the pieces of lists this worker parsed, by piece, until their lists' duplicates are settled. */
const parsed = new Map<number, ParsedRow[]>();
/** The records of the pieces this worker read, by piece: kept rather than decoded again from the table. */
const own = new Map<number, MatchRecord[]>();

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
    case 'parse': {
      // A piece of a list (or a whole list): its rows, kept here; the keys its list's duplicates are settled by go to the driver.
      const text = Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength).toString('utf8');
      const list = readListRows(text, task.format, task.synonyms ? { values: new ListValueMaps(task.synonyms) } : {});
      parsed.set(task.piece, list.rows);
      return [{ rows: list.rows.length, ignoredColumns: list.ignoredColumns, keys: rowKeys(list.rows) }, []];
    }
    case 'settle': {
      // The piece's rows as they are in the whole list -> its records, packed; their blocking keys per partition
      // (indices within the piece) and name counts while they are at hand; what reading found, tallied.
      const rows = settlePiece(parsed.get(task.piece)!, task.before, task.fixes);
      parsed.delete(task.piece);
      const { records: read, ...meta } = recordsOfRows(rows, task.agency);
      const table = packChunk(read);
      const batches = chunkKeys(read, 0, task.partitions);
      const names = countNames(read);
      own.set(task.piece, read);
      return [
        { table, meta, tally: tallyRows(rows), batches, names },
        [...buffers(table.bytes, table.offsets), ...batches.flatMap((b) => buffers(b.text, b.ends, b.records))],
      ];
    }
    case 'table': {
      reader = new RecordReader(task.table);
      const r = reader;
      for (const [piece, read] of own) r.prefill(task.firsts[piece]!, read);
      own.clear();
      keys = new KeyIds((i) => r.at(i), task.ids);
      return [null, []];
    }
    case 'block': {
      const { keys: k } = records();
      const built = buildBlocks(task.batches, task.maxBlock);
      KeyIds.markBlocks(k.ids, built, task.partition, task.partitions);
      blocks.set(task.partition, built);
      return [built.skipped.length, []];
    }
    case 'pairs': {
      const { keys: k, n } = records();
      const found = partitionPairs(blocks.get(task.partition)!, NO_KEYS, k, n);
      blocks.delete(task.partition);
      pairs.set(task.partition, found);
      // The codes stay here for scoring and go to the driver with the scores (moved, not copied).
      return [{ counts: found.counts, firsts: found.firsts }, []];
    }
    case 'random': {
      const { reader: r, n } = records();
      const patterns = randomPairPatterns((i) => r.at(i), n, task.seed, task.from, task.to);
      return [patterns, buffers(patterns)];
    }
    case 'score': {
      const { reader: r, n } = records();
      const found = pairs.get(task.partition)!;
      const scores = scorePartition(found, (i) => r.at(i), n, scorerFor(task.spec));
      pairs.delete(task.partition);
      const c = scores.considered;
      return [
        { ...scores, codes: found.codes },
        buffers(c.codes, c.weight, c.veto, c.byId, scores.best.records, scores.best.weight, found.codes, found.patterns),
      ];
    }
    case 'link': {
      const { reader: r, n } = records();
      // Comparing and scoring decoded nearly every record; this group links only the records of its pairs.
      // The others are let go (and collected) before linking: the merge peaks while every thread links.
      const keep = new Uint8Array(n);
      for (const code of task.pairs.codes) {
        const a = Math.floor(code / n);
        keep[a] = 1;
        keep[code - a * n] = 1;
      }
      r.retainOnly(keep);
      collect?.();
      const linked = linkComponents(task.pairs, (i) => r.at(i), n, scorerFor(task.spec), task.spec.model.thresholds, task.policy);
      return [linked, buffers(linked.records, linked.first)];
    }
  }
}

/**
 * A full collection after a step, when the process runs with --expose-gc (bench:match and list-merge do):
 * each step leaves hundreds of megabytes of garbage (a file's parse, a partition's key batches, the pair
 * codes' growth) that an idle or lightly allocating thread would otherwise keep until much later, and the
 * peak memory of the merge is the sum of every thread's heap at the same moment.
 */
const collect = (globalThis as { gc?: () => void }).gc;

parentPort!.on('message', (task: WorkerTask) => {
  try {
    const [result, transfer] = run(task);
    parentPort!.postMessage({ ok: result }, transfer);
    // Reading collects once, when the table comes (after the worker's last piece), not after every piece.
    if (task.kind !== 'parse' && task.kind !== 'settle') collect?.();
  } catch (error) {
    parentPort!.postMessage({ error: error instanceof Error ? { message: error.message, stack: error.stack } : { message: String(error) } });
  }
});
