/** Lambda entry for the merge state machine's normalise and route stages (the province's value spellings compiled in at synth time). */
import { ListValueMaps } from '../domain/lists/list-values';
import { createMergeNormalise } from '../groups/merge-stages';
import type { ListSynonymsConfig } from '../../schemas/list-synonyms';
import { openRunsFromEnvironment } from './merge-environment';

/** Replaced by esbuild at synth time with the province's list synonyms (or null). */
declare const __XQ_LIST_SYNONYMS__: string;

const synonyms = JSON.parse(__XQ_LIST_SYNONYMS__) as ListSynonymsConfig | null;
export const handler = createMergeNormalise(openRunsFromEnvironment(), new ListValueMaps(synonyms ?? undefined));
