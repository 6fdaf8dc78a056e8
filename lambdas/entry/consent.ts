/** Lambda entry for route group `consent`. */
import { createConsentGroup } from '../groups/consent';
import { runtimeFromEnvironment } from './environment';

export const handler = createConsentGroup(runtimeFromEnvironment());
