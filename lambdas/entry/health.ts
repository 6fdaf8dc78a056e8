/** Lambda entry for route group `health`. */
import { createHealthGroup } from '../groups/health';
import { runtimeFromEnvironment } from './environment';

export const handler = createHealthGroup(runtimeFromEnvironment());
