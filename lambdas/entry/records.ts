/** Lambda entry for route group `records`. */
import { createRecordsGroup } from '../groups/records';
import { runtimeFromEnvironment } from './environment';

export const handler = createRecordsGroup(runtimeFromEnvironment());
