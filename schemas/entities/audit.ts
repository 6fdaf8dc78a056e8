/**
 * The audit trail's entities: one event per request (ids and codes, never
 * personal data), its place in a hash chain, the signed digests, and what a
 * verification finds. Owned by the audit domain (lambdas/domain/audit), stored
 * by lambdas/data/audit-table.ts and lambdas/data/seals-table.ts.
 */

export type AuditOutcome = 'allow' | 'deny' | 'error';

/** One audit event per request, allowed or denied. Holds ids and codes, never personal data. */
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
  /** Cases the request concerned (the path's case first); officers search by the first. */
  readonly caseIds?: readonly string[];
  /** The write-ahead intent a mutating request chained before its effect. */
  readonly intentId?: string;
  readonly outcome: AuditOutcome;
  readonly status: number;
  readonly errorCode?: string;
  /** high: emergency access and other events officers must see at once. */
  readonly severity?: 'high';
  /** What the consent gate decided: purpose, legal bases, consent ids, categories disclosed and withheld (codes only). */
  readonly disclosure?: unknown;
}

/** The write-ahead record a mutating request chains before its effect (its event follows, with the same intentId). */
export interface AuditIntent {
  readonly intentId: string;
  readonly time: string;
  readonly requestId: string;
  readonly province: string;
  readonly route: string;
  readonly path: string;
  readonly agencyId?: string;
  readonly sub?: string;
  readonly purpose?: string;
}

/** A stored event as plain JSON (what the chain hashes), with its chain position. */
export interface ChainedEvent extends Record<string, unknown> {
  readonly eventId: string;
  readonly chain: number;
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
  readonly contentHash: string;
}

export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
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

/** A verification that found the trail intact up to a signed digest; incremental verification starts there. */
export interface VerifiedCheckpoint {
  readonly digestId: string;
  readonly digestAt: string;
  readonly verifiedAt: string;
}

export type ProblemKind = 'changed' | 'deleted' | 'reordered' | 'truncated' | 'digest_mismatch' | 'bad_signature';

export interface Problem {
  readonly kind: ProblemKind;
  readonly chain: number;
  readonly seq: number;
  /** The event concerned: the changed or moved one, or the first one after a gap. */
  readonly eventId?: string;
  readonly time?: string;
  readonly detail: string;
}

export interface VerifyResult {
  readonly ok: boolean;
  /** full: from each chain's start; incremental: from the last verified signed digest. */
  readonly mode: 'full' | 'incremental';
  /** The signed digest an incremental verification started from. */
  readonly from?: { readonly digestId: string; readonly at: string };
  /** Events, chains and digests verified in this run. */
  readonly events: number;
  readonly chains: number;
  readonly digests: number;
  /** The earliest problem (by event time, then chain position). */
  readonly first?: Problem;
  readonly problems: readonly Problem[];
}

/** What a running verification reports as it goes. */
export interface VerifyProgress {
  readonly events: number;
  readonly digests: number;
  /** Events this run must read (sum over chains of head minus start), so events / total is the fraction done. */
  readonly total: number;
}
