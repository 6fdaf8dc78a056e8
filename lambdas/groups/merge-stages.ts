/**
 * The Step Functions merge's Lambdas (lib/constructs/merge-state-machine.ts):
 * each parses what its state sends (zod; a malformed event fails the state with
 * a ValidationError, never touching the bucket), opens the run's objects and
 * calls the stage's use case (lambdas/domain/matching/pipeline). They return
 * counts only: personal data stays in the bucket, never in the execution history.
 */
import * as z from 'zod';
import type { ListValueMaps } from '../domain/lists/list-values';
import { normaliseStage, routeStage } from '../domain/matching/pipeline/chunk-steps';
import { assembleRun, estimateRun, indexRun, planRun, splitRun } from '../domain/matching/pipeline/global-steps';
import { countStage, linkStage, pairsStage, scoreStage } from '../domain/matching/pipeline/partition-steps';
import type { MergeObjects } from '../domain/matching/pipeline/ports';
import { logger } from '../shared/logger';

/** Opens one run's objects (merge/<runId>/ in the bucket). */
export type OpenRun = (runId: string) => MergeObjects;

const runId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a run id is 1 to 64 letters, digits, _ or -');
const index = z.number().int().min(0).max(99_999);
const chunkItem = z.strictObject({ runId, chunk: index, key: z.string().startsWith('input/').max(1024), agency: z.string().min(1), partitions: index.min(1) });
const partitionItem = z.strictObject({ runId, partition: index });
const groupItem = z.strictObject({ runId, group: index });

export const mergeEvents = {
  normalise: z.strictObject({ step: z.enum(['normalise', 'route']), item: chunkItem }),
  block: z.strictObject({ step: z.enum(['count', 'pairs']), item: partitionItem }),
  score: z.strictObject({ item: partitionItem }),
  link: z.strictObject({ item: groupItem }),
  coordinator: z.discriminatedUnion('step', [
    z.strictObject({
      step: z.literal('plan'),
      runId,
      partitions: index.min(1).max(1000).optional(),
      maxBlockSize: z.number().int().min(2).max(1000).optional(),
      seed: z.number().int().optional(),
    }),
    z.strictObject({ step: z.enum(['index', 'estimate', 'split', 'assemble']), runId }),
  ]),
} as const;

const traced = async (stage: string, run: string, work: () => Promise<object>): Promise<object> => {
  logger.appendKeys({ mergeRun: run, mergeStage: stage });
  const t = performance.now();
  const out = await work();
  logger.info('merge stage done', { seconds: Math.round(performance.now() - t) / 1000, result: out as Record<string, unknown> });
  return out;
};

export function createMergeNormalise(open: OpenRun, values?: ListValueMaps) {
  return async (event: unknown) => {
    const { step, item } = mergeEvents.normalise.parse(event);
    const store = open(item.runId);
    return traced(step, item.runId, () => (step === 'normalise' ? normaliseStage(store, item, values) : routeStage(store, item)));
  };
}

export function createMergeBlock(open: OpenRun) {
  return async (event: unknown) => {
    const { step, item } = mergeEvents.block.parse(event);
    const store = open(item.runId);
    return traced(step, item.runId, () => (step === 'count' ? countStage(store, item) : pairsStage(store, item)));
  };
}

export function createMergeScore(open: OpenRun) {
  return async (event: unknown) => {
    const { item } = mergeEvents.score.parse(event);
    return traced('score', item.runId, () => scoreStage(open(item.runId), item));
  };
}

export function createMergeLink(open: OpenRun) {
  return async (event: unknown) => {
    const { item } = mergeEvents.link.parse(event);
    return traced('link', item.runId, () => linkStage(open(item.runId), item));
  };
}

export function createMergeCoordinator(open: OpenRun) {
  return async (event: unknown) => {
    const e = mergeEvents.coordinator.parse(event);
    const store = open(e.runId);
    return traced(e.step, e.runId, async (): Promise<object> => {
      switch (e.step) {
        case 'plan': {
          const { step: _, runId: id, ...options } = e;
          return planRun(store, id, options);
        }
        case 'index':
          return { records: (await indexRun(store)).n };
        case 'estimate':
          return estimateRun(store);
        case 'split':
          return splitRun(store);
        case 'assemble':
          return assembleRun(store);
      }
    });
  };
}
