/**
 * Name frequencies for term-frequency weighting in the hub, from blind
 * counters. The total is sharded (a link adds 1 to one shard chosen at random,
 * a read sums all shards in one batch), so no single item takes every link's
 * write; the per-name counters are spread by the names themselves.
 */
import type { BlindIndexer } from '../../crypto/blind-index';
import { MIN_RECORDS_FOR_FREQUENCIES } from '../matching/merge';
import type { MatchRecord } from '../matching/match-record';
import type { NameFrequencies } from '../matching/model';
import type { RecordsStore } from '../records/ports';

/** Shards of the total counter. */
export const TOTAL_SHARDS = 16;

/** Blind counter keys a link adds 1 to. */
export type CounterKeys = readonly string[];

/** The total counter's blind keys: `read` (the shards and the unsharded item of earlier versions, which still counts but is never written again) and `shards` (a link adds 1 to one of them). */
export async function totalCounterKeys(index: BlindIndexer): Promise<{ readonly read: readonly string[]; readonly shards: readonly string[] }> {
  const legacy = await index.compute('name-frequency', 'total');
  const shards = Array.from({ length: TOTAL_SHARDS }, (_, i) => `${legacy}#${i}`);
  return { read: [legacy, ...shards], shards };
}

/** The province's count of linked records (the total counter). */
export async function recordTotal(deps: { readonly index: BlindIndexer; readonly records: Pick<RecordsStore, 'counts'> }): Promise<number> {
  const counts = await deps.records.counts((await totalCounterKeys(deps.index)).read);
  return counts.reduce((a, b) => a + b, 0);
}

export async function nameFrequencies(
  deps: { readonly index: BlindIndexer; readonly records: Pick<RecordsStore, 'counts'> },
  view: MatchRecord,
): Promise<{ tf?: NameFrequencies; bump: CounterKeys }> {
  const total = await totalCounterKeys(deps.index);
  const shard = total.shards[Math.floor(Math.random() * TOTAL_SHARDS)]!;
  if (!view.name) return { bump: [shard] };
  const text = await deps.index.compute('name-frequency', 't', view.name.text);
  const pinyin = await deps.index.compute('name-frequency', 'p', view.name.pinyin);
  const counts = await deps.records.counts([text, pinyin, ...total.read]);
  const [t, p] = counts as [number, number];
  const n = counts.slice(2).reduce((a, b) => a + b, 0);
  const name = view.name;
  const bump = [shard, text, pinyin];
  const tf = frequenciesOf(name, t, p, n);
  return tf ? { tf, bump } : { bump };
}

/**
 * A newcomer's name frequencies from the province's counters: `t` records with its name as written, `p`
 * with its pinyin, `n` records in all (which the scorer's size-dependent rules read, as offline they read
 * the size of the lists). Undefined below MIN_RECORDS_FOR_FREQUENCIES: too few records to mean anything.
 */
export function frequenciesOf(name: { readonly text: string; readonly pinyin: string }, t: number, p: number, n: number): NameFrequencies | undefined {
  if (n < MIN_RECORDS_FOR_FREQUENCIES) return undefined;
  return { text: (v) => (v === name.text ? (t + 1) / n : undefined), pinyin: (v) => (v === name.pinyin ? (p + 1) / n : undefined), records: n };
}
