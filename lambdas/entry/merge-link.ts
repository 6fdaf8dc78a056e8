/** Lambda entry for the merge state machine's link stage. */
import { createMergeLink } from '../groups/merge-stages';
import { openRunsFromEnvironment } from './merge-environment';

export const handler = createMergeLink(openRunsFromEnvironment());
