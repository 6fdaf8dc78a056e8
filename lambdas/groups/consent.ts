/** Route group `consent`: guardian consent, the consent-gated case view, emergency access, notifications. */
import { openEmergencyHandler, viewCaseHandler } from '../handlers/consent/cases';
import { notificationsHandler } from '../handlers/notifications/get-notifications';
import { confirmConsentHandler, listConsentsHandler, recordConsentHandler, withdrawConsentHandler } from '../handlers/consent/consents';
import { lazyHandler } from '../http/lazy-handler';
import type { HubRuntime } from '../runtime';
import { createSignedGroup, type GroupHandler, type SignedGroupOptions } from './signed-group';

export function createConsentGroup(runtime: HubRuntime, options?: SignedGroupOptions): GroupHandler {
  const deps = runtime.consent;
  return createSignedGroup(
    runtime,
    {
      'POST /v1/consents': recordConsentHandler(deps),
      'GET /v1/consents': listConsentsHandler(deps),
      'POST /v1/consents/{consentId}/withdraw': withdrawConsentHandler(deps),
      'POST /v1/consents/{consentId}/confirm': confirmConsentHandler(deps),
      'GET /v1/cases/{caseId}': viewCaseHandler(deps),
      'POST /v1/cases/{caseId}/emergency': openEmergencyHandler(deps),
      // Loaded on the first export: the child's file carries every care-loop schema and the zip writer.
      'GET /v1/cases/{caseId}/archive': lazyHandler(async () =>
        (await import('../handlers/consent/archive')).archiveHandler({ consent: deps, care: runtime.care }),
      ),
      'GET /v1/notifications': notificationsHandler(runtime.notifications.feed),
    },
    options,
  );
}
