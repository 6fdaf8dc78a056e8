/** Lambda entry for route group `care`. */
import { createCareGroup } from '../groups/care';
import { runtimeFromEnvironment } from './environment';

export const handler = createCareGroup(runtimeFromEnvironment());
