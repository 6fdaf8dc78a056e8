/** One audit event per request, allowed or denied. Holds ids and codes, never personal data. */

export type AuditOutcome = 'allow' | 'deny' | 'error';

export interface AuditEvent {
  readonly eventId: string;
  readonly time: string;
  readonly requestId: string;
  readonly province: string;
  /** Route key, e.g. `POST /v1/records`, or `UNMATCHED` when no route matched. */
  readonly route: string;
  /** Path as requested, without the query string. */
  readonly path: string;
  /** The agency system: verified, or the one the presented key belongs to when verification failed. */
  readonly agencyId?: string;
  readonly agencyVerified: boolean;
  readonly kid?: string;
  /** The staff member acting, as the agency system named them (`sub`). */
  readonly sub?: string;
  readonly purpose?: string;
  readonly recordIds: readonly string[];
  readonly outcome: AuditOutcome;
  readonly status: number;
  readonly errorCode?: string;
  /** high: emergency access and other events officers must see at once. */
  readonly severity?: 'high';
  /** What the consent gate decided: purpose, legal bases, consent ids, categories disclosed and withheld (codes only). */
  readonly disclosure?: unknown;
}

/** allow for 2xx/3xx, deny for 4xx (the caller was refused), error for 5xx. */
export function outcomeOf(status: number): AuditOutcome {
  if (status < 400) return 'allow';
  return status < 500 ? 'deny' : 'error';
}
