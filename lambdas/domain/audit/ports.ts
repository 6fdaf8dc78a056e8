/**
 * The stores the audit domain needs, as it needs them (ports). lambdas/data/
 * implements them on DynamoDB (audit-table.ts, seals-table.ts); tests and
 * benchmarks may implement them otherwise. Nothing here knows DynamoDB.
 */
import type { AuditEvent, AuditIntent, ChainedEvent, ChainHead, Digest, VerifiedCheckpoint } from '../../../schemas/entities/audit';
import type { CaseEvent } from '../../../schemas/entities/cases';
import type { Notification } from '../../../schemas/entities/notifications';

/** What a request writes: an intent before a mutating route's effect, the event once the response is known. */
export interface AuditAppender {
  append(event: AuditEvent): Promise<void>;
  /** Chains a write-ahead record of a mutating request (who, which route, which path) before its effect. */
  appendIntent(intent: AuditIntent): Promise<void>;
}

/** The access paths of officers' searches; each is an index whose items are one key's events, by time. */
export type EventIndex = 'byCase' | 'byAgency' | 'byStaff' | 'byDay';

/** Where a page stopped: the index, its key, and the last event's time and id. */
export interface EventPosition {
  readonly index: EventIndex;
  readonly key: string;
  readonly time: string;
  readonly eventId: string;
}

export interface EventQuery {
  readonly index: EventIndex;
  readonly key: string;
  /** Time range, `from` inclusive, `to` exclusive (ISO). */
  readonly from?: string;
  readonly to?: string;
  /** Further conditions evaluated by the store on the items it reads. */
  readonly where?: { readonly agencyId?: string; readonly sub?: string; readonly routes?: readonly string[]; readonly outcome?: string };
  readonly newestFirst: boolean;
  readonly limit: number;
  readonly after?: EventPosition;
}

export interface EventPage {
  readonly items: ChainedEvent[];
  /** Set when more events of this key may follow. */
  readonly next?: EventPosition;
  /** Items the store read to answer (before its conditions), the cost measure. */
  readonly read: number;
}

export interface AuditEventReader {
  query(query: EventQuery): Promise<EventPage>;
  /** One chain's events after `afterSeq`, in chain order, a page at a time. */
  chain(chain: number, afterSeq: number): AsyncIterable<ChainedEvent[]>;
}

export interface SealStore {
  /** Every chain head (chains never written to are absent). */
  heads(): Promise<Map<number, ChainHead>>;
  putDigest(digest: Digest): Promise<void>;
  latestDigest(): Promise<Digest | undefined>;
  digest(at: string, digestId: string): Promise<Digest | undefined>;
  /** Digests oldest first, after the given one (from the first when absent), a page at a time. */
  digestsAfter(after?: { readonly at: string; readonly digestId: string }): AsyncIterable<Digest[]>;
  latestCheckpoint(): Promise<VerifiedCheckpoint | undefined>;
  putCheckpoint(checkpoint: VerifiedCheckpoint): Promise<void>;
}

/** A case's history, to follow merges and splits back to the cases a child's events were filed under. */
export interface CaseLineage {
  history(caseId: string): Promise<CaseEvent[]>;
}

export interface OfficerInbox {
  forRecipient(recipient: string, limit: number): Promise<Notification[]>;
  notifyOnce(key: string, n: Omit<Notification, 'notificationId'>): Promise<boolean>;
}

/** Events of one UTC day from a time on, for the alerts job. */
export interface RecentEvents {
  since(day: string, fromTime: string): Promise<ChainedEvent[]>;
}
