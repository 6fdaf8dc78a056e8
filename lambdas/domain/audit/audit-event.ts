/** One audit event per request, allowed or denied. Holds ids and codes, never personal data. */
import type { AuditOutcome } from '../../../schemas/entities/audit';

/** allow for 2xx/3xx, deny for 4xx (the caller was refused), error for 5xx. */
export function outcomeOf(status: number): AuditOutcome {
  if (status < 400) return 'allow';
  return status < 500 ? 'deny' : 'error';
}
