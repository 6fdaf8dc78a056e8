/**
 * The Step Functions merge's per-chunk stages (one Lambda invocation per chunk,
 * in a Distributed Map): normalise a chunk, and later hand each link group the
 * chunk's records it needs. The stage functions are the engine's
 * (../stages), the same the local runners call.
 */
import { decodeListText } from '../../lists/parse-list';
import type { ListValueMaps } from '../../lists/list-values';
import { chunkKeys } from '../stages/blocking-keys';
import { encodeRecord, packRecords } from '../stages/record-codec';
import { countNames } from '../stages/score-partition';
import { arrayOf } from './frame';
import type { MergeObjects } from './ports';
import { formatOf, readChunk } from './read-chunk';
import { runKeys } from './run-keys';
import { getFrame, keyBatchFrame, offsetsOf, putJson, tableFrame, tableOf } from './stage-io';

/** A Distributed Map item of the per-chunk stages. */
export interface ChunkItem {
  readonly runId: string;
  readonly chunk: number;
  /** The chunk's object, relative to the run. */
  readonly key: string;
  readonly agency: string;
  readonly partitions: number;
}

/** Distinct entries of `indices`, ascending. */
const distinct = (indices: Int32Array) => Int32Array.from(new Set(indices)).sort();

/**
 * Stage 1: the chunk's rows -> its records (a record table), what reading found (row report), its name counts,
 * and for each blocking partition the chunk's keys of that partition with the records they name (the shuffle).
 * Indices are the chunk's own (0 ..): the records before this chunk are counted only once every chunk is read.
 */
export async function normaliseStage(store: MergeObjects, item: ChunkItem, values?: ListValueMaps): Promise<{ chunk: number; records: number }> {
  const read = readChunk(decodeListText(await store.get(item.key)), formatOf(item.key), item.agency, values);
  const encoded = read.records.map(encodeRecord);
  const all = packRecords(encoded);
  await store.put(runKeys.records(item.chunk), tableFrame({ count: encoded.length }, Int32Array.from(encoded.keys()), all));
  await putJson(store, runKeys.reads(item.chunk), {
    flagged: [...read.flagged],
    notUnderstood: [...read.notUnderstood],
    badRows: read.badRows,
    input: { agency: item.agency, path: item.key, summary: read.summary },
  });
  await putJson(store, runKeys.names(item.chunk), countNames(read.records));
  const batches = chunkKeys(read.records, 0, item.partitions);
  for (let p = 0; p < batches.length; p++) {
    const batch = batches[p]!;
    const members = distinct(batch.records);
    await store.put(runKeys.shuffle(p, item.chunk), keyBatchFrame(batch, members, packRecords(Array.from(members, (i) => encoded[i]!))));
  }
  await putJson(store, runKeys.size(item.chunk), { records: encoded.length });
  return { chunk: item.chunk, records: encoded.length };
}

/** After the split into link groups: the chunk's records each group's components hold, to that group. */
export async function routeStage(store: MergeObjects, item: ChunkItem): Promise<{ chunk: number; groups: number }> {
  const { first } = await offsetsOf(store);
  const start = first[item.chunk]!;
  const group = arrayOf(await getFrame(store, runKeys.route(item.chunk)), 'group', Int32Array);
  const { table } = tableOf(await getFrame(store, runKeys.records(item.chunk)));
  const byGroup = new Map<number, number[]>();
  group.forEach((g, k) => {
    if (g < 0) return;
    const list = byGroup.get(g) ?? byGroup.set(g, []).get(g)!;
    list.push(k);
  });
  const bytes = (k: number) => table.bytes.subarray(table.offsets[k]!, table.offsets[k + 1]!);
  const decoder = new TextDecoder();
  for (const [g, locals] of byGroup) {
    const subset = packRecords(locals.map((k) => decoder.decode(bytes(k))));
    await store.put(
      runKeys.linkRecords(g, item.chunk),
      tableFrame(
        {},
        Int32Array.from(locals, (k) => k + start),
        subset,
      ),
    );
  }
  return { chunk: item.chunk, groups: byGroup.size };
}
