/** Route group `audit`: privacy officers only (agency systems get 403). */
import {
  accessReportHandler,
  eventsHandler,
  officerNotificationsHandler,
  runAlertsHandler,
  sealHandler,
  verifyHandler,
} from '../handlers/audit/officer-routes';
import type { HubRuntime } from '../runtime';
import { createSignedGroup, type GroupHandler, type SignedGroupOptions } from './signed-group';

export function createAuditGroup(runtime: HubRuntime, options: SignedGroupOptions = {}): GroupHandler {
  const deps = runtime.officers;
  return createSignedGroup(
    runtime,
    {
      'GET /v1/audit/verify': verifyHandler(deps),
      'POST /v1/audit/digests': sealHandler(deps),
      'GET /v1/audit/events': eventsHandler(deps),
      'GET /v1/audit/cases/{caseId}/access-report': accessReportHandler(deps),
      'GET /v1/audit/notifications': officerNotificationsHandler(deps),
      'POST /v1/audit/alerts/run': runAlertsHandler(deps),
    },
    { ...options, role: 'officer' },
  );
}
