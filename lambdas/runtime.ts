/**
 * Builds the objects a route group needs from plain settings. The deployed
 * Lambdas (lambdas/entry/) and the local hub (local/) both call this, with a
 * KMS keyring or a local one; nothing here reads the environment.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AgencyRegistryConfig } from '../schemas/province-config';
import { AgencyRegistry } from './auth/registry';
import { BlindIndexer } from './crypto/blind-index';
import { CachingKeyring } from './crypto/caching-keyring';
import { FieldCipher } from './crypto/field-cipher';
import type { Keyring } from './crypto/keyring';
import { AuditTable } from './data/audit-table';
import { SealsTable } from './data/seals-table';
import { NoncesTable } from './data/nonces-table';
import { CasesTable } from './data/cases-table';
import { LinkingTable } from './data/linking-table';
import { ConsentsTable } from './data/consents-table';
import { NotificationsTable } from './data/notifications-table';
import type { ConsentDeps } from './domain/consent/consent-service';
import type { CareDeps } from './domain/care/care-deps';
import { startAfterDischarge } from './domain/care/discharge';
import { careAfterMerge } from './domain/care/after-merge';
import { CareTable } from './data/care-table';
import { AgreementsTable } from './data/agreements-table';
import { WorklistTable } from './data/worklist-table';
import { MergeFollowUpsTable } from './data/merge-follow-ups-table';
import { CareTeamsTable } from './data/care-teams-table';
import { CarePlansTable } from './data/care-plans-table';
import { ContactsTable } from './data/contacts-table';
import { ReferralsTable } from './data/referrals-table';
import { AssessmentsTable } from './data/assessments-table';
import { KeyRecipientsTable } from './data/key-recipients-table';
import { careConfig } from '../schemas/province-config';
import { CaseFiles } from './domain/cases/case-file';
import { fileScopedCare, fileScopedConsents } from './domain/care/file-stores';
import type { ConsentStore } from './domain/consent/ports';
import type { AssessmentStore, KeyRecipientStore } from './domain/care/ports';
import type { DigestSigner } from './crypto/digest-signer';
import { HubJwsSigner } from './crypto/hub-jws';
import type { NotificationFeedDeps } from './domain/notifications/feed';
import type { WebhookDeps } from './domain/notifications/webhooks';
import { FetchWebhookTransport } from './data/webhook-transport';
import type { OfficerDeps } from './domain/audit/officer-queries';
import type { ListQueue } from './domain/lists/ports';
import { ListsTable } from './data/lists-table';
import { ListLinkingTable } from './data/list-linking-table';
import type { ListDeps } from './domain/lists/list-jobs';
import { ListValueMaps } from './domain/lists/list-values';
import { RecordsTable } from './data/records-table';
import { DEFAULT_MODEL } from './domain/matching/default-model';
import type { MatchModel } from './domain/matching/model';
import type { TableNames } from './data/tables';
import type { RecordsDeps } from './domain/records/records-service';
import type { CaseAdminDeps } from './domain/cases/case-admin';
import type { AuditSink } from './middleware/audit-trail';
import type { NonceStore } from './middleware/signed-request';

export interface RuntimeSettings {
  readonly registry: AgencyRegistryConfig;
  readonly dynamo: DynamoDBClient;
  readonly tables: TableNames;
  /** Raw keyring (KMS or local); wrapped here in the bounded cache. */
  readonly keyring: Keyring;
  readonly auditRetentionDays: number;
  /** Matching model; the committed default when omitted. */
  readonly model?: MatchModel;
  /** Where list rows wait for the worker (SQS deployed, in-process locally). */
  readonly listQueue: ListQueue;
  /** Signs audit digests (KMS asymmetric key deployed, a local P-256 key locally). */
  readonly signer: DigestSigner;
  /** Signs the notifications handed to agencies (its own key, same kinds as `signer`). */
  readonly notificationSigner: DigestSigner;
  /** Notification keys being retired: still published in the JWKS, never signing (docs/protocol.md "Key rotation"). */
  readonly retiredNotificationKeys?: readonly DigestSigner[];
  /** Posts webhook deliveries (fetch when omitted). */
  readonly webhookTransport?: WebhookDeps['transport'];
}

export interface HubRuntime {
  readonly province: string;
  readonly hubId: string;
  readonly registry: AgencyRegistry;
  readonly nonces: NonceStore;
  readonly audit: AuditSink;
  readonly records: RecordsDeps;
  readonly cases: CaseAdminDeps & {
    readonly cases: CasesTable;
    /** Consents, assessments and key-recipient status of the child's file (its former cases included). */
    readonly consents: ConsentStore;
    readonly assessments: AssessmentStore;
    readonly keyRecipients: KeyRecipientStore;
  };
  readonly lists: ListDeps;
  readonly consent: ConsentDeps;
  readonly care: CareDeps;
  readonly officers: OfficerDeps;
  /** The agencies' notification feed, and the keys published for it (current first). */
  readonly notifications: { readonly feed: NotificationFeedDeps; readonly published: readonly HubJwsSigner[]; readonly webhooks: WebhookDeps };
}

/** The province config's defaults, for runtimes built without a full config. */
const DEFAULT_ALERTS = { windowMinutes: 5, readsPerAgency: 500, readsPerStaff: 60, deniedPerAgency: 30, failedSignatures: 3 };

export function createRuntime(settings: RuntimeSettings): HubRuntime {
  const keyring = new CachingKeyring(settings.keyring);
  const province = settings.registry.provinceCode;
  const cipher = new FieldCipher(keyring);
  const recordsTable = new RecordsTable(settings.dynamo, settings.tables.records);
  const casesTable = new CasesTable(settings.dynamo, settings.tables.cases);
  const linking = new LinkingTable(settings.dynamo, settings.tables.records, settings.tables.cases, settings.tables.notifications, settings.tables.care);
  const index = new BlindIndexer(keyring, province);
  const notifications = new NotificationsTable(settings.dynamo, settings.tables.notifications);
  const consentsTable = new ConsentsTable(settings.dynamo, settings.tables.cases);
  const coordinatingAgencyType = settings.registry.coordinatingAgencyType ?? 'civil_affairs';
  const seals = new SealsTable(settings.dynamo, settings.tables.seals);
  const care = new CareTable(settings.dynamo, settings.tables.care);
  // Every read of a case's care data and consents reads the child's whole file: the case and the former cases it holds.
  const files = new CaseFiles(casesTable);
  const fileCare = fileScopedCare(files, {
    agreements: new AgreementsTable(care),
    careTeams: new CareTeamsTable(care),
    carePlans: new CarePlansTable(care),
    contacts: new ContactsTable(care),
    referrals: new ReferralsTable(care),
    assessments: new AssessmentsTable(care),
    keyRecipients: new KeyRecipientsTable(care),
  });
  const { assessments, keyRecipients } = fileCare;
  const fileConsents = fileScopedConsents(files, consentsTable);
  const notificationSigner = new HubJwsSigner(settings.notificationSigner);
  const auditTable = new AuditTable(settings.dynamo, settings.tables.audit, settings.auditRetentionDays * 86_400, seals);
  const careDeps: CareDeps = {
    province,
    coordinatingAgencyType,
    care: settings.registry.care ?? careConfig.parse(undefined),
    cases: casesTable,
    caseFiles: files,
    consents: fileConsents,
    notifications,
    cipher,
    ...fileCare,
    worklist: new WorklistTable(care),
    mergeFollowUps: new MergeFollowUpsTable(care),
    agencies: settings.registry.agencies.map((a) => ({ id: a.id, type: a.type })),
  };
  return {
    province,
    hubId: settings.registry.hubId,
    registry: new AgencyRegistry(settings.registry),
    nonces: new NoncesTable(settings.dynamo, settings.tables.nonces),
    audit: auditTable,
    records: {
      province,
      records: recordsTable,
      cases: casesTable,
      cipher,
      index,
      model: settings.model ?? DEFAULT_MODEL,
      linking,
      afterDischarge: ({ caseId, agencyId, dischargedOn }) =>
        startAfterDischarge(careDeps, { caseId, agencyId, dischargedAt: new Date(`${dischargedOn}T00:00:00+08:00`).toISOString() }),
    },
    cases: {
      province,
      coordinatingAgencyType,
      cases: casesTable,
      consents: fileConsents,
      records: recordsTable,
      linking,
      cipher,
      assessments,
      keyRecipients,
      afterMerge: (merge) => careAfterMerge(careDeps, merge),
    },
    lists: {
      province,
      lists: new ListsTable(settings.dynamo, settings.tables.lists),
      bulk: new ListLinkingTable(settings.dynamo, settings.tables),
      queue: settings.listQueue,
      cipher,
      index,
      values: new ListValueMaps(settings.registry.listSynonyms),
    },
    consent: {
      purposes: careDeps,
      assessments,
      province,
      coordinatingAgencyType,
      emergencyHours: settings.registry.emergencyAccessHours ?? 72,
      agencyName: (agencyId: string) => settings.registry.agencies.find((a) => a.id === agencyId)?.name,
      consents: fileConsents,
      cases: casesTable,
      caseFiles: files,
      records: recordsTable,
      notifications,
      cipher,
    },
    care: careDeps,
    officers: { events: auditTable, seals, signer: settings.signer, cases: casesTable, notifications, thresholds: settings.registry.alerts ?? DEFAULT_ALERTS },
    notifications: {
      feed: { hubId: settings.registry.hubId, feed: notifications, signer: notificationSigner },
      webhooks: {
        hubId: settings.registry.hubId,
        feed: notifications,
        signer: notificationSigner,
        hooks: notifications,
        transport: settings.webhookTransport ?? new FetchWebhookTransport(),
        // Suspended systems get nothing pushed (their feed waits for them, as their requests are refused).
        targets: settings.registry.agencies.flatMap((a) => (a.webhook && a.status !== 'suspended' ? [{ agencyId: a.id, url: a.webhook.url }] : [])),
      },
      published: [notificationSigner, ...(settings.retiredNotificationKeys ?? []).map((key) => new HubJwsSigner(key))],
    },
  };
}
