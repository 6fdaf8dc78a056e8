import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MatchRecord, toMatchRecord } from '../../../../lambdas/domain/matching/match-record';
import { type MergeResult, mergeRecords } from '../../../../lambdas/domain/matching/merge';
import { buildBlocks, FoundPairs, KeyIds, KeySlots, partitionPairs } from '../../../../lambdas/domain/matching/stages/block-partition';
import { chunkKeys } from '../../../../lambdas/domain/matching/stages/blocking-keys';
import { randomPairPatterns, unionOfCodes } from '../../../../lambdas/domain/matching/stages/combine';
import { decodeCache, decodeIds, decodeRecord, encodeRecord, packRecords, RecordReader } from '../../../../lambdas/domain/matching/stages/record-codec';
import { compareRecords, encodePattern, PATTERN_COUNT } from '../../../../lambdas/domain/matching/compare';
import { randomPairIndices } from '../../../../lambdas/domain/matching/stages/combine';
import { runMergeParallel } from '../../../../scripts/offline/parallel-merge';
import { allRecords, type MergeRun, runMerge } from '../../../../scripts/offline/run-merge';
import { generateLists, PROFILES } from '../../../../scripts/synthetic/generate';
import { listToCsv, writeLists } from '../../../../scripts/synthetic/write-csv';
import { idNumberFor, MATCH_CHILD } from '../../../support/records';
import { mergeRecords as referenceMerge } from './reference-merge';

/** Generated lists (twins, siblings, hotline fragments, transliterations, wrong ID numbers) plus a few hand-made hard cases. */
function hardRecords(perAgency: number, profile: 'tibet' | 'shanghai'): MatchRecord[] {
  const { lists } = generateLists({ perAgency, seed: 11, profile });
  const generated = lists.flatMap((l) =>
    l.rows.map((r) =>
      toMatchRecord({
        agency: l.profile.type,
        externalId: r.externalId,
        name: r.name,
        sex: r.sex,
        birthDate: r.birthDate,
        idNumber: r.idNumber,
        householdRegion: r.householdRegion,
        currentRegion: r.currentRegion,
        guardianName: r.guardianName,
        guardianPhone: r.guardianPhone,
        school: r.school,
      }),
    ),
  );
  const hand = [
    toMatchRecord({ agency: 'civil_affairs', externalId: 'H-1', ...MATCH_CHILD }),
    // the twin: same guardian, birthday and household, another name
    toMatchRecord({ agency: 'education', externalId: 'H-2', ...MATCH_CHILD, name: '格桑卓玛', idNumber: idNumberFor('540221', '2012-08-14', 130) }),
    // a hotline fragment without an ID number
    toMatchRecord({ agency: 'youth_league', externalId: 'H-3', name: '格桑', birthDate: '2012/8/14', guardianPhone: MATCH_CHILD.guardianPhone }),
    // the same valid ID number with a swapped birth date
    toMatchRecord({ agency: 'health', externalId: 'H-4', ...MATCH_CHILD, birthDate: '2012-14-08' }),
    // a namesake elsewhere
    toMatchRecord({ agency: 'womens_federation', externalId: 'H-5', name: MATCH_CHILD.name, sex: 'F', birthDate: '2012-08-14', householdRegion: '540102' }),
  ];
  return [...generated, ...hand];
}

/** Everything a merge decides, as one comparable value. */
const decisions = (r: MergeResult) => ({
  cluster: Array.from(r.cluster),
  caseIds: r.caseIds,
  decisions: r.decisions,
  bestWeight: Array.from(r.bestWeight),
  reviews: r.reviews,
  model: r.model,
  stats: r.stats,
  candidates: Array.from(r.candidates),
});

describe('staged list merge', () => {
  it.each([
    ['tibet', 60],
    ['shanghai', 60],
    ['tibet', 6],
  ] as const)('gives the previous engine’s cases, weights and reviews for 1 and 7 partitions (%s lists, blocks up to %i)', (profile, maxBlockSize) => {
    // Prepare
    const records = hardRecords(1200, profile);
    const before = decisions(referenceMerge(records, { maxBlockSize }));

    // Act
    const one = decisions(mergeRecords(records, { maxBlockSize, partitions: 1 }));
    const seven = decisions(mergeRecords(records, { maxBlockSize, partitions: 7 }));

    // Assess
    expect(before.reviews.length).toBeGreaterThan(0);
    expect(new Set(before.cluster).size).toBeLessThan(records.length);
    if (maxBlockSize < 60) expect(before.stats.skippedBlocks).toBeGreaterThan(0);
    expect(one).toEqual(before);
    expect(seven).toEqual(before);
  });

  it.each([2, 5])('finds the same pairs with shared block ids as with every record’s keys (%i partitions, small blocks skipped)', (partitions) => {
    // Prepare
    const records = hardRecords(600, 'tibet');
    const n = records.length;
    const record = (i: number) => records[i]!;
    const batches = chunkKeys(records, 0, partitions);
    const blocks = batches.map((b) => buildBlocks([b], 6));
    const skipped = new Set(blocks.flatMap((b) => b.skipped));
    const ids = KeyIds.slots(n);
    blocks.forEach((b, p) => {
      KeyIds.markBlocks(ids, b, p, partitions);
    });

    // Act
    const bySlots = blocks.map((b) => partitionPairs(b, skipped, new KeySlots(record, n), n));
    const byIds = blocks.map((b) => partitionPairs(b, new Set(), new KeyIds(record, ids), n));

    // Assess
    expect(skipped.size).toBeGreaterThan(0);
    expect(bySlots.reduce((s, p) => s + p.codes.length, 0)).toBeGreaterThan(n);
    expect(byIds).toEqual(bySlots);
    const union = unionOfCodes(byIds.map((p) => p.codes));
    expect(Array.from(union)).toEqual(Array.from(byIds.flatMap((p) => Array.from(p.codes))).sort((a, b) => a - b));
  });

  it('keeps each pair’s pattern with its code through the sort, up to the largest packable province, and without packing', () => {
    // Prepare: the largest n whose codes fit 64-bit words with a pattern, pairs at both ends of the code range and every pattern bit set.
    const n = Math.floor(Math.sqrt(2 ** (64 - Math.ceil(Math.log2(PATTERN_COUNT)))));
    const pairs: [number, number, number][] = [
      [n - 2, n - 1, PATTERN_COUNT - 1],
      [0, 1, 0],
      [0, n - 1, 1],
      [n - 3, n - 2, 2 ** 16],
    ];
    for (let k = 0; k < 500; k++) {
      const i = Math.floor(Math.random() * (n - 1));
      pairs.push([i, i + 1 + Math.floor(Math.random() * (n - 1 - i)), Math.floor(Math.random() * PATTERN_COUNT)]);
    }
    const records = hardRecords(200, 'shanghai');
    const m = records.length;
    const small: [number, number][] = Array.from({ length: 3000 }, () => {
      const i = Math.floor(Math.random() * (m - 1));
      return [i, i + 1 + Math.floor(Math.random() * (m - 1 - i))];
    });
    const unique = [...new Map(small.map(([i, j]) => [i * m + j, [i, j] as const])).values()];
    const record = (i: number) => records[i]!;

    // Act
    const big = new FoundPairs(n);
    for (const [i, j, pattern] of pairs) big.push(i, j, pattern);
    const sortedBig = big.sorted(record);
    const packed = new FoundPairs(m);
    const unpacked = new FoundPairs(m, false);
    for (const [i, j] of unique) {
      packed.push(i, j, encodePattern(compareRecords(records[i]!, records[j]!)));
      unpacked.push(i, j, 0);
    }

    // Assess
    expect(big.packed).toBe(true);
    expect(() => new FoundPairs(n + 1, true)).toThrow();
    expect(new FoundPairs(n + 1).packed).toBe(false);
    const expected = pairs.map(([i, j, pattern]) => [i * n + j, pattern]).sort((a, b) => a[0]! - b[0]!);
    expect(Array.from(sortedBig.codes)).toEqual(expected.map((e) => e[0]));
    expect(Array.from(sortedBig.patterns)).toEqual(expected.map((e) => e[1]));
    const a = packed.sorted(record);
    const b = unpacked.sorted(record);
    expect(a.codes.length).toBe(unique.length);
    expect(Array.from(a.codes)).toEqual(unique.map(([i, j]) => i * m + j).sort((x, y) => x - y));
    expect(a).toEqual(b);
  });

  it('compares a range of the random pairs as estimation does', () => {
    // Prepare
    const records = hardRecords(300, 'shanghai');
    const all = Array.from(randomPairIndices(records.length, 7), ([a, b]) => encodePattern(compareRecords(records[a]!, records[b]!)));

    // Act
    const parts = [
      randomPairPatterns((i) => records[i]!, records.length, 7, 0, 1000),
      randomPairPatterns((i) => records[i]!, records.length, 7, 1000, all.length),
    ];

    // Assess
    expect(parts.flatMap((p) => Array.from(p))).toEqual(all);
  });

  it('encodes a record for another stage without losing or changing a field', () => {
    // Prepare
    const records = hardRecords(300, 'tibet');

    // Act
    const decoded = records.map((r) => decodeRecord(encodeRecord(r)));
    const cache = decodeCache();
    const sharing = records.map((r) => decodeRecord(encodeRecord(r), cache));

    // Assess
    expect(decoded).toEqual(records);
    expect(decoded.map((r) => JSON.stringify(r))).toEqual(records.map((r) => JSON.stringify(r)));
    expect(sharing.map((r) => JSON.stringify(r))).toEqual(records.map((r) => JSON.stringify(r)));
    expect(cache.names.size).toBeLessThan(records.length);
  });

  it('reads a packed record’s agency and externalId without decoding it, whatever characters the externalId holds', () => {
    // Prepare: externalIds as agencies write them, quotes, backslashes, commas and brackets included.
    const odd = ['plain-1', 'a"b', 'back\\slash\\', '","', '[1,2]', '\\"', '学号 ２０２４/07', 'tab\there', '\u2028line'];
    const records = hardRecords(20, 'shanghai')
      .slice(0, odd.length)
      .map((r, k) => ({ ...r, externalId: odd[k]! }));
    const reader = new RecordReader(packRecords(records.map(encodeRecord), true));

    // Act
    const ids = records.map((_, i) => reader.idAt(i));

    // Assess
    expect(ids).toEqual(records.map((r) => ({ agency: r.agency, externalId: r.externalId })));
    expect(records.map((r) => decodeIds(encodeRecord(r)))).toEqual(ids);
    expect(reader.at(3)).toEqual(records[3]);
    expect(() => decodeIds('["unterminated')).toThrow(/not an encoded record/);
  });
});

describe('list merge on worker threads', () => {
  let dir: string;
  let inputs: { agency: string; path: string }[];
  let serial: MergeRun;
  const view = (run: MergeRun) => ({
    // Read before the records are decoded: a worker-thread run's ids then come from the packed table.
    ids: Array.from({ length: run.records.length }, (_, i) => run.records.idAt(i)).map((r) => [r.agency, r.externalId]),
    records: allRecords(run.records),
    flagged: [...run.flagged],
    notUnderstood: [...run.notUnderstood],
    badRows: run.badRows,
    inputs: run.inputs,
    ...decisions(run.result),
  });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'xq-parallel-merge-'));
    writeLists(dir, generateLists({ perAgency: 1500, seed: 5, profile: 'tibet' }).lists);
    inputs = PROFILES.map((p) => ({ agency: p.type, path: join(dir, `${p.type}.csv`) }));
    serial = runMerge(inputs, { maxBlockSize: 6 });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    [1, 1],
    [2, 2],
    [3, 5],
  ])('gives the one-process run’s records, cases and review pairs with %i worker(s) and %i partition(s)', async (workers, partitions) => {
    // Act
    const parallel = await runMergeParallel(inputs, { maxBlockSize: 6, workers, partitions });

    // Assess
    expect(serial.result.reviews.length).toBeGreaterThan(0);
    expect(serial.result.stats.skippedBlocks).toBeGreaterThan(0);
    expect(view(parallel)).toEqual(view(serial));
  });

  it('gives the one-process run’s reading of lists read in pieces: multi-line cells, repeated externalIds across pieces, refused rows late', async () => {
    // Arrange: the generated lists with, spread over each, every kind of row reading reports; and a JSONL list.
    const messy = mkdtempSync(join(dir, 'messy-'));
    const lists = generateLists({ perAgency: 400, seed: 9, profile: 'tibet' }).lists;
    const messyInputs = lists.map((l, k) => {
      const rows = l.rows.map((r, i) => {
        if (i % 37 === 5) return { ...r, address: `城关区\n幸福路 "${i}" 号` };
        if (i % 53 === 7) return { ...r, name: '' };
        if (i % 61 === 9) return { ...r, externalId: l.rows[i - 8]!.externalId };
        if (i % 71 === 11) return { ...r, categories: '奇怪类别' };
        return r;
      });
      // Repeats of earlier rows, the last ones near the end of the list.
      for (const i of [350, 200, 40]) rows.splice(i + 30, 0, rows[i]!);
      const path = join(messy, `${l.profile.type}.csv`);
      writeFileSync(path, listToCsv({ ...l, rows }).replaceAll('\n', k === 1 ? '\r\n' : '\n'));
      return { agency: l.profile.type, path };
    });
    const jsonl = join(messy, 'hotline.jsonl');
    writeFileSync(
      jsonl,
      `${lists[3]!.rows.map((r, i) => (i % 50 === 3 ? '[1]' : JSON.stringify({ externalId: r.externalId, name: r.name, birthDate: r.birthDate }))).join('\n')}\n`,
    );
    messyInputs.push({ agency: 'youth_league', path: jsonl });
    const one = runMerge(messyInputs, { maxBlockSize: 6 });

    // Act
    const runs = [
      await runMergeParallel(messyInputs, { maxBlockSize: 6, workers: 1, readPieces: 3 }),
      await runMergeParallel(messyInputs, { maxBlockSize: 6, workers: 2, readPieces: 7 }),
    ];

    // Assess
    const refused = one.badRows.map((b) => b.reason);
    expect(refused).toContain('DUPLICATE_ROW');
    expect(refused).toContain('NO_NAME');
    expect(refused).toContain('NOT_AN_OBJECT');
    expect(Math.max(...one.badRows.filter((b) => b.reason === 'DUPLICATE_ROW').map((b) => b.row))).toBeGreaterThan(350);
    expect([...one.flagged.values()].flat()).toContain('EXTERNAL_ID_DERIVED');
    expect(allRecords(one.records).some((r) => r.externalId.startsWith('ID-'))).toBe(true);
    for (const run of runs) expect(view(run)).toEqual(view(one));
  });

  it('fails with the read error when an input cannot be read', async () => {
    // Act and Assess
    await expect(runMergeParallel([{ agency: 'education', path: join(dir, 'missing.csv') }], { workers: 2 })).rejects.toThrow(/ENOENT/);
  });

  it('fails with the error reading the whole list gives when a list cannot be read', async () => {
    // Arrange: a ragged row far from the start, and an unclosed quote
    const ragged = join(dir, 'ragged.csv');
    writeFileSync(ragged, `externalId,name\n${Array.from({ length: 50 }, (_, i) => `E${i},王伟${i}`).join('\n')}\nE50,李娜,多余\n`);
    const quote = join(dir, 'quote.csv');
    writeFileSync(quote, `externalId,name\n${Array.from({ length: 50 }, (_, i) => `E${i},王伟${i}`).join('\n')}\nE50,"李娜\nE51,刘洋\n`);

    // Act and Assess
    for (const [path, line] of [
      [ragged, 52],
      [quote, 52],
    ] as const) {
      const whole = (() => {
        try {
          runMerge([{ agency: 'education', path }]);
        } catch (error) {
          return (error as Error).message;
        }
      })();
      expect(whole).toMatch(new RegExp(`^line ${line}: `));
      await expect(runMergeParallel([{ agency: 'education', path }], { workers: 2, readPieces: 5 })).rejects.toThrow(`merge worker: ${whole}`);
    }
  });
});
