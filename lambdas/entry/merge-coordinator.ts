/** Lambda entry for the merge state machine's coordinator stage. */
import { createMergeCoordinator } from '../groups/merge-stages';
import { openRunsFromEnvironment } from './merge-environment';

export const handler = createMergeCoordinator(openRunsFromEnvironment());
