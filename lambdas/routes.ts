/**
 * Which Lambda (route group) serves each route of the contract in
 * schemas/api.ts. The CDK stack creates one function per group and the local
 * hub dispatches with the same table. Groups exist so that each function's
 * role grants only what its routes need.
 */
import type { RouteKey } from '../schemas/api';
import { MERGE_FOLLOW_UP_PREFIX } from './data/merge-follow-ups-table';

export const ROUTE_GROUPS = ['health', 'meta', 'records', 'cases', 'lists', 'consent', 'care', 'audit', 'console'] as const;
export type RouteGroup = (typeof ROUTE_GROUPS)[number];

export const ROUTE_GROUP_OF: Readonly<Record<RouteKey, RouteGroup>> = {
  'GET /v1/health': 'health',
  'GET /v1/hub-keys': 'health',
  'GET /v1/openapi.json': 'meta',
  'POST /v1/records': 'records',
  'GET /v1/records/{recordId}': 'records',
  'GET /v1/ledger': 'cases',
  'GET /v1/reviews': 'cases',
  'POST /v1/reviews/{reviewId}': 'cases',
  'POST /v1/cases/{caseId}/merge': 'cases',
  'POST /v1/cases/{caseId}/split': 'cases',
  'GET /v1/cases/{caseId}/history': 'cases',
  'POST /v1/lists': 'lists',
  'GET /v1/lists/{jobId}': 'lists',
  'POST /v1/consents': 'consent',
  'GET /v1/consents': 'consent',
  'POST /v1/consents/{consentId}/withdraw': 'consent',
  'POST /v1/consents/{consentId}/confirm': 'consent',
  'GET /v1/cases/{caseId}': 'consent',
  'POST /v1/cases/{caseId}/emergency': 'consent',
  'GET /v1/cases/{caseId}/archive': 'consent',
  'GET /v1/notifications': 'consent',
  'POST /v1/cases/{caseId}/agreements': 'care',
  'GET /v1/cases/{caseId}/agreements': 'care',
  'GET /v1/worklist': 'care',
  'GET /v1/care-metrics': 'care',
  'POST /v1/cases/{caseId}/care-team': 'care',
  'GET /v1/cases/{caseId}/care-team': 'care',
  'POST /v1/cases/{caseId}/care-team/{memberId}/end': 'care',
  'POST /v1/cases/{caseId}/care-plans': 'care',
  'GET /v1/cases/{caseId}/care-plans': 'care',
  'GET /v1/cases/{caseId}/care-plans/{planId}': 'care',
  'POST /v1/cases/{caseId}/care-plans/{planId}/versions': 'care',
  'POST /v1/cases/{caseId}/contacts': 'care',
  'GET /v1/cases/{caseId}/contacts': 'care',
  'POST /v1/cases/{caseId}/assessments': 'care',
  'GET /v1/cases/{caseId}/assessments': 'care',
  'POST /v1/cases/{caseId}/key-recipient': 'care',
  'POST /v1/cases/{caseId}/key-recipient/exit': 'care',
  'GET /v1/cases/{caseId}/key-recipient': 'care',
  'POST /v1/referrals': 'care',
  'GET /v1/referrals': 'care',
  'GET /v1/referrals/{referralId}': 'care',
  'POST /v1/referrals/{referralId}/transitions': 'care',
  'GET /v1/audit/verify': 'audit',
  'POST /v1/audit/digests': 'audit',
  'GET /v1/audit/events': 'audit',
  'GET /v1/audit/cases/{caseId}/access-report': 'audit',
  'GET /v1/audit/notifications': 'audit',
  'POST /v1/audit/alerts/run': 'audit',
  'GET /console': 'console',
  'GET /console/{file}': 'console',
};

/** The group that answers requests no route matches (API Gateway's `$default` route). */
export const DEFAULT_ROUTE_GROUP: RouteGroup = 'meta';

export type DataAction = 'GetItem' | 'BatchGetItem' | 'Query' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'ConditionCheckItem' | 'BatchWriteItem' | 'Scan';

export interface GroupNeeds {
  /** Signed routes also claim request token ids in the nonces table. */
  readonly signed: boolean;
  /** DynamoDB actions per table (and its indexes); the audit table is granted PutItem separately. */
  readonly tables: Readonly<Partial<Record<'records' | 'cases' | 'care' | 'lists' | 'notifications' | 'audit' | 'seals', readonly DataAction[]>>>;
  /**
   * Writes allowed only to items whose partition key matches one of `leadingKeys` (IAM `dynamodb:LeadingKeys`, the
   * base table only): a group that writes some kinds of item in a table it otherwise only reads. One statement
   * each (its `name` is in the statement's sid), so that each kind of item gets only its own actions.
   */
  readonly keyedWrites?: Readonly<Partial<Record<'care', readonly KeyedWrite[]>>>;
  /** Signs (sealer) or verifies (officers) audit digests with the KMS signing key. */
  readonly auditSigning?: 'sign' | 'sign-and-verify';
  /** Signs the notifications it hands out (`sign`), or only publishes the public key (`publish`), with the notification key. */
  readonly notificationSigning?: 'sign' | 'publish';
  /** Sends list rows to the worker queue. */
  readonly sendsToListQueue?: boolean;
  readonly fieldKey: boolean;
  readonly indexKey: boolean;
}

export interface KeyedWrite {
  readonly name: string;
  readonly actions: readonly DataAction[];
  readonly leadingKeys: readonly string[];
}

/** Worklist items of the care table (`WORK#<workItemId>`): opened, moved and closed. */
const WORKLIST_WRITES: KeyedWrite = { name: 'Worklist', actions: ['PutItem', 'UpdateItem'], leadingKeys: ['WORK#*'] };
/** A merge's pending follow-up (`AFTERMERGE#<sourceCaseId>`, lambdas/data/merge-follow-ups-table.ts): written by the merge, deleted when it has run. */
const MERGE_FOLLOW_UP = `${MERGE_FOLLOW_UP_PREFIX}*`;

/**
 * What each group may touch; the CDK stack grants exactly this and nothing
 * more. Every group appends to the audit table (PutItem only).
 */
export const GROUP_NEEDS: Readonly<Record<RouteGroup, GroupNeeds>> = {
  // Liveness, and the public half of the notification key (GET /v1/hub-keys).
  health: { signed: false, tables: {}, fieldKey: false, indexKey: false, notificationSigning: 'publish' },
  console: { signed: false, tables: {}, fieldKey: false, indexKey: false },
  meta: { signed: true, tables: {}, fieldKey: false, indexKey: false },
  // Linking: claims and filings on block items (records: UpdateItem; a list group's unchanged blocks ConditionCheckItem),
  // one transaction per decision (head and counters UpdateItem; records created PutItem; member, ledger, event, review
  // PutItem; a member leaving its case DeleteItem). Nothing in the records table is ever deleted.
  records: {
    signed: true,
    tables: {
      records: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'ConditionCheckItem'],
      cases: ['GetItem', 'Query', 'PutItem', 'DeleteItem'],
      notifications: ['PutItem'],
      // A treatment record with a discharge date starts follow-up: the coordinator's obligation and proposal.
      care: ['GetItem', 'Query', 'PutItem'],
    },
    fieldKey: true,
    indexKey: true,
  },
  // Seals and reads reasons (field key); moves records between cases (records: UpdateItem on heads only, in the same transaction).
  cases: {
    signed: true,
    // Reads where each child stands in assessment for the ledger (care: GetItem; Query for a file of several cases). After a
    // merge, moves the work owed per case to the surviving case and decides its high-risk obligations again (care:
    // Query of the file's plans and team; docs/care-loop.md, "After a merge"): it writes worklist items only
    // (`WORK#<workItemId>`, PutItem and UpdateItem), and the merge's pending follow-up (`AFTERMERGE#<sourceCaseId>`,
    // PutItem in the merge's transaction, DeleteItem when it has run), never a care record, consent or episode.
    tables: {
      records: ['GetItem', 'UpdateItem'],
      cases: ['GetItem', 'Query', 'PutItem', 'DeleteItem', 'ConditionCheckItem'],
      care: ['GetItem', 'Query'],
    },
    keyedWrites: { care: [WORKLIST_WRITES, { name: 'MergeFollowUp', actions: ['PutItem', 'DeleteItem'], leadingKeys: [MERGE_FOLLOW_UP] }] },
    fieldKey: true,
    indexKey: false,
  },
  // Seals the uploaded list in chunks (field key), derives job ids (index key), queues the job; reading and linking happen in the worker.
  lists: {
    signed: true,
    tables: { lists: ['GetItem', 'Query', 'PutItem', 'BatchWriteItem'] },
    fieldKey: true,
    indexKey: true,
    sendsToListQueue: true,
  },
  // Reads records only to disclose what consent allows (field key for those fields), writes consents and grants.
  // Hands out the agency's notifications signed with the notification key, keeping each signature on its item (UpdateItem).
  consent: {
    signed: true,
    // Reads the care table only to see whether a declared purpose is established (referrals, agreements, care teams).
    tables: {
      records: ['GetItem'],
      cases: ['GetItem', 'Query', 'PutItem', 'ConditionCheckItem'],
      care: ['GetItem', 'Query'],
      notifications: ['PutItem', 'Query', 'UpdateItem'],
    },
    fieldKey: true,
    indexKey: false,
    notificationSigning: 'sign',
  },
  // The care loop: writes its own table (creates with their idempotency claims in one transaction; referral
  // transitions are conditional updates), reads case members and consents for the gate, seals notes (field key),
  // notifies the other party.
  care: {
    signed: true,
    tables: { care: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'ConditionCheckItem'], cases: ['GetItem', 'Query'], notifications: ['PutItem'] },
    fieldKey: true,
    indexKey: false,
  },
  // Privacy officers: search the trail through its indexes (Query only: no role may Scan it), verify it chain by chain
  // (byChain), seal digests and record verification checkpoints (seals), follow a case's merges and splits (cases).
  audit: {
    signed: true,
    tables: { audit: ['Query'], seals: ['GetItem', 'Query', 'PutItem'], cases: ['GetItem', 'Query'], notifications: ['Query', 'PutItem'] },
    fieldKey: false,
    indexKey: false,
    auditSigning: 'sign-and-verify',
  },
};

/** The scheduled audit jobs: a signed digest of the chain heads, and the alerts. */
export const AUDIT_SEALER_NEEDS: GroupNeeds = {
  signed: false,
  // Also runs the alerts: reads recent events by day, notifies officers.
  tables: { seals: ['GetItem', 'Query', 'PutItem'], audit: ['Query'], notifications: ['PutItem'] },
  fieldKey: false,
  indexKey: false,
  auditSigning: 'sign',
};

/**
 * The list worker is not behind the API: it links rows (in bulk, or one by one as `records` does), so it needs
 * what `records` needs plus the lists table (rows written and finished inside its transactions: PutItem,
 * UpdateItem, ConditionCheckItem) and the queue (a job not finished within one invocation is queued again).
 */
export const LIST_WORKER_NEEDS: GroupNeeds = {
  signed: false,
  tables: {
    records: GROUP_NEEDS.records.tables.records!,
    cases: GROUP_NEEDS.records.tables.cases!,
    notifications: GROUP_NEEDS.records.tables.notifications!,
    care: GROUP_NEEDS.records.tables.care!,
    lists: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'ConditionCheckItem'],
  },
  sendsToListQueue: true,
  fieldKey: true,
  indexKey: true,
};

/**
 * The scheduled care job: reads agencies' due listings (care table, Query) and notifies owners and coordinators;
 * computes the care metrics (Query on the care indexes, GetItem of where each key recipient stands in assessment).
 * Its metrics are province-wide, never by county, but an episode recorded under a case since merged counts for the
 * child's case now: the cases table's ledger rows and histories (GetItem, Query) say which (lambdas/domain/cases/case-file.ts).
 * Runs what follows each merge a crash left pending (found by a Query of the byAgency index) as the cases function
 * does: worklist items (PutItem, UpdateItem on `WORK#*`), and deletes the follow-up when it has run (DeleteItem on
 * `AFTERMERGE#*` only; it never writes one).
 */
export const CARE_JOBS_NEEDS: GroupNeeds = {
  signed: false,
  tables: { care: ['GetItem', 'Query'], cases: ['GetItem', 'Query'], notifications: ['PutItem'] },
  keyedWrites: { care: [WORKLIST_WRITES, { name: 'MergeFollowUp', actions: ['DeleteItem'], leadingKeys: [MERGE_FOLLOW_UP] }] },
  fieldKey: false,
  indexKey: false,
};

/**
 * The scheduled webhook job: reads each webhook agency's feed (notifications: Query), signs what it posts and keeps
 * the signature (Sign, GetPublicKey; UpdateItem), and keeps where each webhook stands (GetItem, PutItem).
 */
export const NOTIFICATION_WEBHOOKS_NEEDS: GroupNeeds = {
  signed: false,
  tables: { notifications: ['GetItem', 'Query', 'PutItem', 'UpdateItem'] },
  fieldKey: false,
  indexKey: false,
  notificationSigning: 'sign',
};
