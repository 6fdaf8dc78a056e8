/**
 * The Lambdas of the Step Functions list merge (lib/constructs/merge-state-machine.ts)
 * and exactly which objects of a run (merge/<runId>/<prefix> in the province's merge
 * bucket) each may read, write and list: the construct grants this and nothing more,
 * and a CDK test checks it. Object layout: lambdas/domain/matching/pipeline/run-keys.ts.
 */
export const MERGE_STAGES = ['merge-coordinator', 'merge-normalise', 'merge-block', 'merge-score', 'merge-link'] as const;
export type MergeStage = (typeof MERGE_STAGES)[number];

export interface MergeStageNeeds {
  /** Object keys (relative to a run; a trailing / means every object under it). */
  readonly reads: readonly string[];
  readonly writes: readonly string[];
  /** Prefixes it lists. */
  readonly lists: readonly string[];
  /** Lambda memory (MB): CPU share grows with it (a full vCPU at 1,769 MB); sizes in docs/scale.md. */
  readonly memoryMb: number;
}

export const MERGE_STAGE_NEEDS: Readonly<Record<MergeStage, MergeStageNeeds>> = {
  // Plan, index, estimate, split, assemble: the global steps between the maps.
  'merge-coordinator': {
    reads: ['plan/', 'sizes/', 'counts/', 'names/', 'records/', 'scores/', 'linked/'],
    writes: ['plan/', 'groups/', 'route/', 'out/'],
    lists: ['input/'],
    memoryMb: 4096,
  },
  // Per chunk: normalise (the lists the operator uploaded), then route records to link groups.
  'merge-normalise': {
    reads: ['input/', 'records/', 'route/', 'plan/offsets.json'],
    writes: ['records/', 'reads/', 'names/', 'shuffle/', 'sizes/', 'link-records/'],
    lists: [],
    memoryMb: 1769,
  },
  // Per blocking partition: count blocks, then compare the pairs it owns.
  'merge-block': {
    reads: ['shuffle/', 'skipped/', 'plan/offsets.json', 'plan/settings.json'],
    writes: ['skipped/', 'pairs/', 'counts/'],
    lists: [],
    memoryMb: 3008,
  },
  'merge-score': { reads: ['shuffle/', 'pairs/', 'plan/offsets.json', 'plan/spec.json'], writes: ['scores/'], lists: [], memoryMb: 3008 },
  'merge-link': {
    reads: ['groups/', 'link-records/', 'plan/offsets.json', 'plan/settings.json', 'plan/spec.json'],
    writes: ['linked/'],
    lists: ['link-records/'],
    memoryMb: 3008,
  },
};
