/** The Step Functions merge's stages, run in the state machine's order on an in-memory store, give the local runners' cases. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryMergeObjects } from '../../../../lambdas/data/merge-objects';
import { decodeFrame, encodeFrame, FrameFormatError } from '../../../../lambdas/domain/matching/pipeline/frame';
import { runPipeline } from '../../../../lambdas/domain/matching/pipeline/run-pipeline';
import { runKeys } from '../../../../lambdas/domain/matching/pipeline/run-keys';
import { allRecords, type MergeRun, runMerge } from '../../../../scripts/offline/run-merge';
import { generateLists, PROFILES } from '../../../../scripts/synthetic/generate';
import { writeLists } from '../../../../scripts/synthetic/write-csv';

const text = new TextDecoder();
const lines = (store: MemoryMergeObjects, key: string) =>
  text
    .decode(store.objects.get(key)!)
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe('merge pipeline (Step Functions stages)', () => {
  let dir: string;
  let inputs: { agency: string; path: string }[];
  let serial: MergeRun;

  beforeAll(() => {
    // Prepare: five lists, the first split in two chunks (each with its header)
    dir = mkdtempSync(join(tmpdir(), 'xq-pipeline-'));
    writeLists(dir, generateLists({ perAgency: 1500, seed: 5, profile: 'tibet' }).lists);
    const [header, ...rows] = readFileSync(join(dir, 'civil_affairs.csv'), 'utf8').trimEnd().split('\n');
    const half = Math.floor(rows.length / 2);
    writeFileSync(join(dir, 'civil_affairs-1.csv'), `${[header, ...rows.slice(0, half)].join('\n')}\n`);
    writeFileSync(join(dir, 'civil_affairs-2.csv'), `${[header, ...rows.slice(half)].join('\n')}\n`);
    inputs = [
      { agency: 'civil_affairs', path: join(dir, 'civil_affairs-1.csv') },
      { agency: 'civil_affairs', path: join(dir, 'civil_affairs-2.csv') },
      ...PROFILES.slice(1).map((p) => ({ agency: p.type, path: join(dir, `${p.type}.csv`) })),
    ];
    serial = runMerge(inputs, { maxBlockSize: 6 });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const upload = () => {
    const store = new MemoryMergeObjects();
    inputs.forEach((input, k) => {
      store.objects.set(`${runKeys.input}${input.agency}/${k}.csv`, readFileSync(input.path));
    });
    return store;
  };

  it.each([1, 4])('gives the one-process run’s cases, decisions and review pairs with %i partition(s)', async (partitions) => {
    // Prepare
    const store = upload();

    // Act
    const summary = await runPipeline(store, 'run-1', { partitions, maxBlockSize: 6 });

    // Assess
    const cases = lines(store, runKeys.cases);
    const r = serial.result;
    expect(serial.result.stats.skippedBlocks).toBeGreaterThan(0);
    expect(r.reviews.length).toBeGreaterThan(0);
    expect(cases.map((c) => [c.agency, c.externalId])).toEqual(allRecords(serial.records).map((x) => [x.agency, x.externalId]));
    expect(cases.map((c) => c.caseId)).toEqual(r.caseIds);
    expect(cases.map((c) => c.decision)).toEqual(r.decisions);
    expect(cases.map((c) => c.score)).toEqual(Array.from(r.bestWeight, (w) => (Number.isNaN(w) ? null : Math.round(w * 100) / 100)));
    const reviews = lines(store, runKeys.reviews);
    expect(reviews.map((p) => [p.a.externalId, p.b.externalId, p.reason])).toEqual(
      r.reviews.map((p) => [serial.records.at(p.a).externalId, serial.records.at(p.b).externalId, p.reason]),
    );
    expect(reviews[0].explanation).toEqual(r.scorer.explain(serial.records.at(r.reviews[0]!.a), serial.records.at(r.reviews[0]!.b)));
    expect(summary).toMatchObject({ records: serial.records.length, cases: new Set(r.cluster).size, reviewPairs: r.reviews.length });
    expect(JSON.parse(text.decode(store.objects.get(runKeys.model)!))).toEqual(r.model);
  });

  it('keeps each chunk’s row report: refused rows and values not understood, by chunk', async () => {
    // Prepare
    const store = upload();

    // Act
    await runPipeline(store, 'run-2', { partitions: 2, maxBlockSize: 6 });

    // Assess
    const reads = inputs.map((_, c) => JSON.parse(text.decode(store.objects.get(runKeys.reads(c))!)));
    expect(reads.flatMap((r) => r.badRows)).toEqual(serial.badRows);
    expect(reads.map((r) => r.input.summary)).toEqual(serial.inputs.map((i) => i.summary));
  });

  it('round-trips a frame and refuses bytes that are not one', () => {
    // Prepare
    const arrays = { codes: Float64Array.of(1.5, 2 ** 40), weight: Float32Array.of(-3.25), flags: Uint8Array.of(1, 0, 1), ids: Int32Array.of(-1, 7) };

    // Act
    const back = decodeFrame<{ run: string }>(encodeFrame({ run: 'r' }, arrays));

    // Assess
    expect(back.meta).toEqual({ run: 'r' });
    expect(back.arrays).toEqual(arrays);
    expect(() => decodeFrame(new TextEncoder().encode('{"not":"a frame"}'))).toThrow(FrameFormatError);
    expect(() => decodeFrame(encodeFrame({}, arrays).subarray(0, 40))).toThrow(FrameFormatError);
  });
});
