/** Route group `console`: the privacy officers' console files (public, like health; audited like every request). */
import middy from '@middy/core';
import { getConsoleFile } from '../handlers/console/get-console-file';
import type { HttpEvent, HttpResult, HubContext } from '../http/context';
import { auditTrail } from '../middleware/audit-trail';
import { errorMapper } from '../middleware/error-mapper';
import { requestState } from '../middleware/request-state';
import type { HubRuntime } from '../runtime';
import type { GroupHandler, SignedGroupOptions } from './signed-group';

export function createConsoleGroup(
  runtime: Pick<HubRuntime, 'hubId' | 'province' | 'audit'>,
  files: Readonly<Record<string, string>>,
  options: SignedGroupOptions = {},
): GroupHandler {
  const now = options.now ?? Date.now;
  return middy<HttpEvent, HttpResult, Error, HubContext>(getConsoleFile(files, runtime.hubId))
    .use(auditTrail({ sink: runtime.audit, province: runtime.province, now: () => new Date(now()) }))
    .use(errorMapper())
    .use(requestState()) as unknown as GroupHandler;
}
