/** Lambda entry for route group `lists`. */
import { createListsGroup } from '../groups/lists';
import { runtimeFromEnvironment } from './environment';

export const handler = createListsGroup(runtimeFromEnvironment());
