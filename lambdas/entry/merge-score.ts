/** Lambda entry for the merge state machine's score stage. */
import { createMergeScore } from '../groups/merge-stages';
import { openRunsFromEnvironment } from './merge-environment';

export const handler = createMergeScore(openRunsFromEnvironment());
