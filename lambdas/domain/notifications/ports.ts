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
