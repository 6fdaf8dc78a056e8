/**
 * A compact, exact text form of a normalised record (one JSON array), so that
 * stages running elsewhere (a worker thread, a Lambda) get the very record the
 * engine would have built: decode(encode(r)) has the same fields and values as r.
 * A record table packs many encoded records into one UTF-8 buffer with offsets,
 * which a SharedArrayBuffer lets every worker thread read without a copy.
 */
import type { MatchRecord } from '../match-record';
import type { NormalisedName } from '../normalise';

type EncodedName = [text: string, han: 0 | 1, tibetan: string[] | 0, reversed: string, ...syllables: string[]];
type EncodedRecord = [
  agency: string,
  externalId: string,
  name: EncodedName | 0,
  sex: string,
  birthDate: string,
  id: [value: string, valid: 0 | 1] | 0,
  regions: string[],
  guardianName: EncodedName | 0,
  guardianPhone: string,
  school: string,
  guardianRelation: string,
];

const encodeName = (n: NormalisedName | undefined): EncodedName | 0 =>
  n ? [n.text, n.han ? 1 : 0, n.tibetan ? [...n.tibetan] : 0, n.reversed ?? '', ...n.syllables] : 0;

function decodeName(e: EncodedName | 0): NormalisedName | undefined {
  if (e === 0) return undefined;
  const syllables = e.slice(4) as string[];
  const tibetan = e[2];
  return {
    text: e[0],
    pinyin: syllables.join(''),
    first: syllables[0] ?? '',
    syllables,
    han: e[1] === 1,
    tibetan: tibetan !== 0 ? tibetan : undefined,
    reversed: e[3] || undefined,
  };
}

export function encodeRecord(r: MatchRecord): string {
  const e: EncodedRecord = [
    r.agency,
    r.externalId,
    encodeName(r.name),
    r.sex ?? '',
    r.birthDate ?? '',
    r.id ? [r.id.value, r.id.valid ? 1 : 0] : 0,
    [...r.regions],
    encodeName(r.guardianName),
    r.guardianPhone ?? '',
    r.school ?? '',
    r.guardianRelation ?? '',
  ];
  return JSON.stringify(e);
}

/**
 * What decoding many records shares: equal names decode to one (read-only) object, as `normaliseName` shares
 * them, and repeated values (agency, birth date, school, relation, regions) to one string or array. A
 * province's lists repeat a few names and values many times, so a million decoded records take far less memory.
 */
export interface DecodeCache {
  readonly names: Map<string, NormalisedName | undefined>;
  readonly values: Map<string, string>;
  readonly regions: Map<string, string[]>;
}

export const decodeCache = (): DecodeCache => ({ names: new Map(), values: new Map(), regions: new Map() });

function sharedName(e: EncodedName | 0, cache: DecodeCache): NormalisedName | undefined {
  if (e === 0) return undefined;
  const key = JSON.stringify(e);
  let name = cache.names.get(key);
  if (name === undefined) {
    name = decodeName(e);
    cache.names.set(key, name);
  }
  return name;
}

function sharedValue(v: string, cache: DecodeCache): string {
  const seen = cache.values.get(v);
  if (seen !== undefined) return seen;
  cache.values.set(v, v);
  return v;
}

function sharedRegions(regions: string[], cache: DecodeCache): string[] {
  const key = regions.join(',');
  const seen = cache.regions.get(key);
  if (seen !== undefined) return seen;
  cache.regions.set(key, regions);
  return regions;
}

/** The record `encodeRecord` wrote, with every property in the order `toMatchRecord` gives them (`cache`: see `DecodeCache`). */
export function decodeRecord(text: string, cache?: DecodeCache): MatchRecord {
  const [agency, externalId, name, sex, birthDate, id, regions, guardianName, guardianPhone, school, guardianRelation] = JSON.parse(text) as EncodedRecord;
  const n = cache ? sharedName(name, cache) : decodeName(name);
  const g = cache ? sharedName(guardianName, cache) : decodeName(guardianName);
  const v = (x: string) => (cache && x ? sharedValue(x, cache) : x);
  return {
    agency: v(agency),
    externalId,
    name: n,
    sex: (sex || undefined) as MatchRecord['sex'],
    birthDate: birthDate ? v(birthDate) : undefined,
    id: id !== 0 ? { value: id[0], valid: id[1] === 1 } : undefined,
    regions: cache ? sharedRegions(regions, cache) : regions,
    guardianName: g,
    guardianPhone: guardianPhone || undefined,
    guardianRelation: guardianRelation ? v(guardianRelation) : undefined,
    school: school ? v(school) : undefined,
  };
}

/** Encoded records in one buffer: record i is bytes [offsets[i], offsets[i + 1]). */
export interface RecordTable {
  readonly bytes: Uint8Array;
  readonly offsets: Float64Array;
}

const utf8 = new TextEncoder();

/** Packs encoded records (in order) into one table; `shared` puts the bytes in a SharedArrayBuffer. */
export function packRecords(encoded: Iterable<string>, shared = false): RecordTable {
  // Written one after another into one growing buffer (a UTF-16 code unit takes at most 3 bytes), then copied to size.
  let buffer = new Uint8Array(1 << 20);
  let at = 0;
  const ends: number[] = [0];
  for (const text of encoded) {
    if (buffer.length - at < 3 * text.length) {
      const larger = new Uint8Array(Math.max(2 * buffer.length, at + 3 * text.length));
      larger.set(buffer.subarray(0, at));
      buffer = larger;
    }
    at += utf8.encodeInto(text, buffer.subarray(at)).written;
    ends.push(at);
  }
  const bytes = new Uint8Array(shared ? new SharedArrayBuffer(at) : new ArrayBuffer(at));
  bytes.set(buffer.subarray(0, at));
  return { bytes, offsets: Float64Array.from(ends) };
}

/** Concatenates already packed tables (chunks normalised apart, in order) into one. */
export function concatTables(tables: readonly RecordTable[], shared = false): RecordTable {
  const total = tables.reduce((s, t) => s + t.bytes.length, 0);
  const count = tables.reduce((s, t) => s + t.offsets.length - 1, 0);
  const bytes = new Uint8Array(shared ? new SharedArrayBuffer(total) : new ArrayBuffer(total));
  const offsets = new Float64Array(count + 1);
  let at = 0;
  let i = 0;
  for (const t of tables) {
    bytes.set(t.bytes, at);
    for (let k = 1; k < t.offsets.length; k++) offsets[++i] = at + t.offsets[k]!;
    at += t.bytes.length;
  }
  return { bytes, offsets };
}

/**
 * The agency and externalId `encodeRecord` wrote first, without decoding the rest: each is a JSON string
 * (no whitespace around it), read up to its closing quote, escapes skipped.
 */
export function decodeIds(text: string): Pick<MatchRecord, 'agency' | 'externalId'> {
  const a = closingQuote(text, 1);
  const b = closingQuote(text, a + 2);
  return { agency: JSON.parse(text.slice(1, a + 1)) as string, externalId: JSON.parse(text.slice(a + 2, b + 1)) as string };
}

function closingQuote(text: string, open: number): number {
  for (let k = open + 1; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c === 0x5c) k++;
    else if (c === 0x22) return k;
  }
  throw new Error('not an encoded record');
}

/** Reads records out of a table on demand, each decoded once. */
export class RecordReader {
  readonly #cache: (MatchRecord | undefined)[];
  readonly #shared = decodeCache();
  /** The table's bytes as a Buffer (no copy, shared memory included), whose UTF-8 decoding of a slice is cheap. */
  readonly #bytes: Buffer;
  readonly length: number;

  constructor(readonly table: RecordTable) {
    this.length = table.offsets.length - 1;
    this.#cache = new Array(this.length);
    this.#bytes = Buffer.from(table.bytes.buffer, table.bytes.byteOffset, table.bytes.byteLength);
  }

  /** Records first .. first + records.length - 1 as already built (equal to their decoding: a stage that read them keeps them). */
  prefill(first: number, records: readonly MatchRecord[]): void {
    records.forEach((r, k) => {
      this.#cache[first + k] = r;
    });
  }

  /** Lets go of the decoded records not in `keep` (record i is kept when keep[i] is 1); a later `at` decodes again. */
  retainOnly(keep: Uint8Array): void {
    for (let i = 0; i < this.length; i++) if (keep[i] !== 1) this.#cache[i] = undefined;
  }

  at(i: number): MatchRecord {
    let r = this.#cache[i];
    if (!r) {
      r = decodeRecord(this.#text(i), this.#shared);
      this.#cache[i] = r;
    }
    return r;
  }

  /** Record i's agency and externalId; the record is not decoded (nor kept) for them. */
  idAt(i: number): Pick<MatchRecord, 'agency' | 'externalId'> {
    return this.#cache[i] ?? decodeIds(this.#text(i));
  }

  #text(i: number): string {
    return this.#bytes.toString('utf8', this.table.offsets[i]!, this.table.offsets[i + 1]!);
  }
}
