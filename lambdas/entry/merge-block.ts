/** Lambda entry for the merge state machine's block stage. */
import { createMergeBlock } from '../groups/merge-stages';
import { openRunsFromEnvironment } from './merge-environment';

export const handler = createMergeBlock(openRunsFromEnvironment());
