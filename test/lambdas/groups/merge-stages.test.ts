/** The merge Lambdas' handlers: a malformed event is refused before any object is touched; a run goes through them as the state machine sends it. */
import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { MemoryMergeObjects } from '../../../lambdas/data/merge-objects';
import { mergeRecords } from '../../../lambdas/domain/matching/merge';
import { readChunk } from '../../../lambdas/domain/matching/pipeline/read-chunk';
import { runKeys } from '../../../lambdas/domain/matching/pipeline/run-keys';
import { createMergeBlock, createMergeCoordinator, createMergeLink, createMergeNormalise, createMergeScore } from '../../../lambdas/groups/merge-stages';

const CSV = [
  'externalId,name,sex,birthDate,idNumber,householdRegion,guardianName,guardianPhone,category',
  'A-1,格桑卓玛,F,2012-08-14,,540221,次仁,13800000001,低保',
  'A-2,格桑卓玛,F,2012-8-14,,540221,次仁,13800000001,低保户',
  'A-3,扎西,M,2010-01-02,,540102,多吉,13900000002,低保',
].join('\n');

describe('merge stage handlers', () => {
  it.each([
    ['a run id with a path in it', { step: 'plan', runId: '../other' }],
    ['an unknown step', { step: 'drop', runId: 'r1' }],
    ['an extra field', { step: 'index', runId: 'r1', bucket: 'x' }],
  ])('refuses %s before opening the run', async (_, event) => {
    // Prepare
    const opened: string[] = [];
    const handler = createMergeCoordinator((id) => {
      opened.push(id);
      return new MemoryMergeObjects();
    });

    // Act and Assess
    await expect(handler(event)).rejects.toBeInstanceOf(ZodError);
    expect(opened).toEqual([]);
  });

  it('refuses a chunk outside the run’s input', async () => {
    // Prepare
    const handler = createMergeNormalise(() => new MemoryMergeObjects());

    // Act and Assess
    await expect(handler({ step: 'normalise', item: { runId: 'r1', chunk: 0, key: 'out/cases.jsonl', agency: 'x', partitions: 1 } })).rejects.toBeInstanceOf(
      ZodError,
    );
  });

  it('runs a run through the handlers as the state machine calls them, returning counts only', async () => {
    // Prepare
    const store = new MemoryMergeObjects();
    store.objects.set(`${runKeys.input}civil_affairs/0.csv`, new TextEncoder().encode(CSV));
    const open = (id: string) => {
      expect(id).toBe('r1');
      return store;
    };
    const [coordinator, normalise, block, score, link] = [
      createMergeCoordinator(open),
      createMergeNormalise(open),
      createMergeBlock(open),
      createMergeScore(open),
      createMergeLink(open),
    ];
    const items = (key: string) => JSON.parse(new TextDecoder().decode(store.objects.get(key)!)) as object[];

    // Act
    const outputs: unknown[] = [await coordinator({ step: 'plan', runId: 'r1', partitions: 2 })];
    for (const item of items(runKeys.chunks)) outputs.push(await normalise({ step: 'normalise', item }));
    outputs.push(await coordinator({ step: 'index', runId: 'r1' }));
    for (const item of items(runKeys.partitions)) outputs.push(await block({ step: 'count', item }));
    for (const item of items(runKeys.partitions)) outputs.push(await block({ step: 'pairs', item }));
    outputs.push(await coordinator({ step: 'estimate', runId: 'r1' }));
    for (const item of items(runKeys.partitions)) outputs.push(await score({ item }));
    outputs.push(await coordinator({ step: 'split', runId: 'r1' }));
    for (const item of items(runKeys.chunks)) outputs.push(await normalise({ step: 'route', item }));
    for (const item of items(runKeys.groups)) outputs.push(await link({ item }));
    const summary = await coordinator({ step: 'assemble', runId: 'r1' });

    // Assess
    const local = mergeRecords(readChunk(CSV, 'csv', 'civil_affairs').records);
    expect(summary).toMatchObject({ records: 3, cases: new Set(local.cluster).size, reviewPairs: local.reviews.length });
    const history = JSON.stringify(outputs);
    for (const personal of ['格桑', '扎西', '1380000', 'A-1']) expect(history).not.toContain(personal);
  });
});

describe('planning a merge run', () => {
  it.each([
    ['no list at all', []],
    ['a list outside an agency folder', ['input/list.csv']],
    ['a list nested too deep', ['input/health/2026/list.csv']],
  ])('refuses a run with %s, naming what is wrong', async (_, keys) => {
    // Prepare
    const store = new MemoryMergeObjects();
    for (const key of keys) store.objects.set(key, new TextEncoder().encode(CSV));
    const handler = createMergeCoordinator(() => store);

    // Act and Assess
    await expect(handler({ step: 'plan', runId: 'r1', partitions: 2 })).rejects.toMatchObject({
      name: 'MergeRunError',
      message: expect.stringMatching(/input\//),
    });
    expect(store.objects.has(runKeys.chunks)).toBe(false);
  });
});
