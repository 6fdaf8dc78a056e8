/** Lambda entry for route group `audit` (privacy officers). */
import { createAuditGroup } from '../groups/audit';
import { runtimeFromEnvironment } from './environment';

export const handler = createAuditGroup(runtimeFromEnvironment());
