/** The audit trail's model: one event per request, chained; chain heads and signed digests. */

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
  /** The case the request was about (set by every case, consent and emergency route, resolved from a consent id where needed). */
  readonly caseId?: string;
  readonly outcome: AuditOutcome;
  readonly status: number;
  readonly errorCode?: string;
  /** high: emergency access and other events officers must see at once. */
  readonly severity?: 'high';
  /** What the consent gate decided: purpose, legal bases, consent ids, categories disclosed and withheld (codes only). */
  readonly disclosure?: unknown;
}

export type Plain = Record<string, unknown>;

export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

export interface ChainedEvent extends Plain {
  readonly eventId: string;
  readonly chain: number;
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
  readonly contentHash: string;
}

export interface Digest {
  readonly digestId: string;
  readonly at: string;
  readonly heads: Readonly<Record<string, ChainHead>>;
  readonly prevDigestHash: string;
  readonly digestHash: string;
  readonly signature: string;
  readonly keyId: string;
}
