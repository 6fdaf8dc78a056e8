/**
 * The store the notification feed needs, declared here and implemented in lambdas/data/notifications-table.ts
 * (which satisfies it structurally; lambdas/runtime.ts wires one to the other).
 */
import type { Notification } from '../../../schemas/entities/notifications';

/** The hub's signature of one notification for its recipient, kept so that a notification is signed once per key. */
export interface StoredSignature {
  readonly kid: string;
  readonly token: string;
}

export interface StoredNotification {
  readonly notification: Notification;
  readonly signature?: StoredSignature;
}

export interface NotificationFeedStore {
  /** The newest `limit` notifications of `recipient`, newest first. */
  newest(recipient: string, limit: number): Promise<StoredNotification[]>;
  /** Notifications of `recipient` at or after the time `since`, oldest first, at most `limit`. */
  since(recipient: string, since: string, limit: number): Promise<StoredNotification[]>;
  /** Keeps the signature of a notification (a concurrent reader's equally valid one may win). */
  keepSignature(notification: Notification, signature: StoredSignature): Promise<void>;
}

/** Where an agency's webhook stands: the feed cursor up to which the hub's posts were accepted, and any failures. */
export interface WebhookState {
  readonly cursor: string;
  /** Posts refused or unanswered in a row since the last accepted one. */
  readonly failures: number;
  /** After a failure, not before this time. */
  readonly nextAttemptAt?: string;
  /** The last failure, for operators: an HTTP status, or `network` (no answer in time, refused, redirected). */
  readonly lastFailure?: string;
}

export interface WebhookStateStore {
  webhookState(agencyId: string): Promise<WebhookState | undefined>;
  saveWebhookState(agencyId: string, state: WebhookState): Promise<void>;
}

/** Posts a delivery; the HTTP status, or 0 when there was no usable answer (timeout, network, a redirect). */
export interface WebhookTransport {
  post(url: string, body: string, headers: Readonly<Record<string, string>>): Promise<number>;
}
