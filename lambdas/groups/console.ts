/** Route group `console`: the privacy officers' console files (public, like health; audited like every request). */
import { getConsoleFile } from '../handlers/console/get-console-file';
import type { HubRuntime } from '../runtime';
import { createPublicGroup } from './public-group';
import type { GroupHandler, SignedGroupOptions } from './signed-group';

export function createConsoleGroup(
  runtime: Pick<HubRuntime, 'hubId' | 'province' | 'audit'>,
  files: Readonly<Record<string, string>>,
  options: SignedGroupOptions = {},
): GroupHandler {
  return createPublicGroup(runtime, getConsoleFile(files, runtime.hubId), options);
}
