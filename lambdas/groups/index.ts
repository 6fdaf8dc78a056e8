/** Every route group by name, for the local hub and the tests. */
import type { RouteGroup } from '../routes';
import type { HubRuntime } from '../runtime';
import { createAuditGroup } from './audit';
import { createCareGroup } from './care';
import { createCasesGroup } from './cases';
import { createConsentGroup } from './consent';
import { createConsoleGroup } from './console';
import { createHealthGroup } from './health';
import { createListsGroup } from './lists';
import { createMetaGroup } from './meta';
import { createRecordsGroup } from './records';
import type { GroupHandler, SignedGroupOptions } from './signed-group';

export function createAllGroups(
  runtime: HubRuntime,
  consoleFiles: Readonly<Record<string, string>>,
  options?: SignedGroupOptions,
): Record<RouteGroup, GroupHandler> {
  return {
    health: createHealthGroup(runtime, options),
    meta: createMetaGroup(runtime, options),
    records: createRecordsGroup(runtime, options),
    cases: createCasesGroup(runtime, options),
    lists: createListsGroup(runtime, options),
    consent: createConsentGroup(runtime, options),
    care: createCareGroup(runtime, options),
    audit: createAuditGroup(runtime, options),
    console: createConsoleGroup(runtime, consoleFiles, options),
  };
}
