/**
 * The stores the consent domain needs, declared here and implemented in
 * lambdas/data (which never imports the domain: it satisfies these shapes
 * structurally, and lambdas/runtime.ts wires one to the other).
 */
import type { CaseMember, LedgerRow } from '../../../schemas/entities/cases';
import type { EmergencyGrant, StoredConsent, StoredEmergency } from '../../../schemas/entities/consents';
import type { Notification } from '../../../schemas/entities/notifications';
import type { Page } from '../../../schemas/entities/page';
import type { StoredRecord } from '../../../schemas/entities/records';

/** Consents, their withdrawals and confirmations, and emergency grants, read consistently on every request. */
export interface ConsentStore {
  /** Stores a new consent; false when a consent with this id exists already (a retry). */
  put(consent: StoredConsent): Promise<boolean>;
  /** One consent of a case, with its withdrawal and confirmations. */
  get(caseId: string, consentId: string): Promise<StoredConsent | undefined>;
  /** The case a consent belongs to. */
  caseOf(consentId: string): Promise<string | undefined>;
  /** Records a withdrawal once; false when it was already withdrawn. */
  withdraw(caseId: string, consentId: string, at: string, by: string, sealedReason?: string): Promise<boolean>;
  /** Records (or renews, after it was taken back) one holder's confirmation; false when it is already in force. */
  confirm(caseId: string, consentId: string, agencyId: string, at: string): Promise<boolean>;
  /** Takes one holder's confirmation back; `absent` when it never confirmed, `already` when it was taken back before. */
  withdrawConfirmation(caseId: string, consentId: string, agencyId: string, at: string): Promise<'withdrawn' | 'already' | 'absent'>;
  putEmergency(grant: StoredEmergency): Promise<void>;
  forCase(caseId: string): Promise<{ consents: StoredConsent[]; emergencies: EmergencyGrant[] }>;
  /** Members, consents and emergency grants of a case in one read (for the ledger). */
  bundle(caseId: string): Promise<{ members: CaseMember[]; consents: StoredConsent[]; emergencies: EmergencyGrant[] }>;
}

/** Notifications to agencies and to the privacy officers. */
export interface NotificationStore {
  /** With `key`, notifies at most once per key (a retry repairs a lost notification without doubling it). */
  notify(n: Omit<Notification, 'notificationId'>, key?: string): Promise<void>;
  forRecipient(recipient: string, limit: number): Promise<Notification[]>;
  /** Notifies once per `key` ever (a job that runs hourly tells each thing once a day by putting the day in the key); false when sent before. */
  notifyOnce(key: string, n: Omit<Notification, 'notificationId'>): Promise<boolean>;
}

/** What the consent domain reads of a case. */
export interface CaseMembership {
  members(caseId: string): Promise<CaseMember[]>;
  ledgerRow(caseId: string): Promise<LedgerRow | undefined>;
}

/** Pages of the province ledger, for the gated ledger view. */
export interface LedgerPages {
  ledger(options: { status?: 'open' | 'merged'; limit: number; cursor?: string }): Promise<Page<LedgerRow>>;
}

/** The current version of a record (sealed). */
export interface RecordHeads {
  getHead(recordId: string): Promise<StoredRecord | undefined>;
}
