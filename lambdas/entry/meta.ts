/** Lambda entry for route group `meta` (API description, unmatched routes). */
import { createMetaGroup } from '../groups/meta';
import { runtimeFromEnvironment } from './environment';

export const handler = createMetaGroup(runtimeFromEnvironment());
