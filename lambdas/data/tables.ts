/**
 * The one definition of every DynamoDB table: keys, indexes, TTL. The CDK
 * stack (lib/constructs/data-store.ts) and the local hub (local/tables.ts)
 * both build their tables from this list, so they cannot drift apart.
 */

export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
  /** Key attribute types; strings unless said (the audit chain index sorts numbers). */
  readonly keyType?: 'S' | 'N';
  /** Non-key attributes copied into the index; KEYS_ONLY when empty, every attribute when 'all'. */
  readonly include?: readonly string[] | 'all';
}

export interface TableDefinition {
  readonly id: TableId;
  readonly description: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
  readonly indexes: readonly IndexDefinition[];
  readonly ttlAttribute?: string;
  /** Append-only tables: no Lambda role may update or delete items. */
  readonly appendOnly: boolean;
}

export type TableId = 'records' | 'cases' | 'care' | 'lists' | 'notifications' | 'nonces' | 'audit' | 'seals';

export const TABLES: Readonly<Record<TableId, TableDefinition>> = {
  records: {
    id: 'records',
    description: 'Child records: current head, version history, blind-index lookup and blocking items, name counters',
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [{ name: 'byIdNumber', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', include: ['agencyId'] }],
    appendOnly: false,
  },
  cases: {
    id: 'cases',
    description: 'Cases (same case, 个案同案): members, history, the ledger row, consents and their withdrawals, emergency grants, review items',
    partitionKey: 'pk',
    sortKey: 'sk',
    // kind = LEDGER or REVIEW#<status>; sorted by time, for the ledger and the review queue.
    indexes: [{ name: 'byKind', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
    appendOnly: false,
  },
  care: {
    id: 'care',
    description:
      "The care loop of each case (docs/care-loop.md): key-recipient episodes, identification and assessment history, service agreements, referrals and their transitions; worklist items; idempotency claims of creates; merges' pending follow-ups",
    partitionKey: 'pk',
    sortKey: 'sk',
    // Overloaded: gsi1 and gsi2 file an item under an agency (e.g. a referral under its requester and its owner),
    // sorted by time, so each agency lists its own items without reading anyone else's.
    indexes: [
      { name: 'byAgency', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', include: 'all' },
      { name: 'byCounterparty', partitionKey: 'gsi2pk', sortKey: 'gsi2sk', include: 'all' },
    ],
    appendOnly: false,
  },
  lists: {
    id: 'lists',
    description: 'Batch list jobs: the job, and one item per row (sealed until processed) with its result; expire after 30 days',
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [],
    ttlAttribute: 'expiresAt',
    appendOnly: false,
  },
  notifications: {
    id: 'notifications',
    description: 'Notifications to agencies (a record was linked to a case they hold) and to privacy officers (emergency access); codes only, kept a year',
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [],
    ttlAttribute: 'expiresAt',
    appendOnly: false,
  },
  nonces: {
    id: 'nonces',
    description: 'Request token ids (jti) seen within their lifetime, for replay protection',
    partitionKey: 'pk',
    indexes: [],
    ttlAttribute: 'expiresAt',
    appendOnly: false,
  },
  audit: {
    id: 'audit',
    description:
      'Append-only audit events, one per request, hash-chained; by day, case, agency and staff member for officers and alerts, by chain for verification',
    partitionKey: 'pk',
    ttlAttribute: 'expiresAt',
    // Officers' searches read one key's events newest first (docs/audit.md); verification streams each chain in order.
    indexes: [
      { name: 'byDay', partitionKey: 'day', sortKey: 'time', include: 'all' },
      { name: 'byCase', partitionKey: 'caseId', sortKey: 'time', include: 'all' },
      { name: 'byAgency', partitionKey: 'agencyId', sortKey: 'time', include: 'all' },
      { name: 'byStaff', partitionKey: 'sub', sortKey: 'time', include: 'all' },
      { name: 'byChain', partitionKey: 'chain', sortKey: 'seq', keyType: 'N', include: 'all' },
    ],
    appendOnly: true,
  },
  seals: {
    id: 'seals',
    description: 'Tamper evidence of the audit trail: the head of each hash chain, and the signed digests (kept without expiry)',
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [],
    appendOnly: false,
  },
};

/** Table names a Lambda receives, one per table id. */
export type TableNames = Readonly<Record<TableId, string>>;

/** Names used by the local hub and the integration tests (`prefix` isolates test runs). */
export function localTableNames(provinceCode: string, prefix = 'xinqiao'): TableNames {
  const ids = Object.keys(TABLES) as TableId[];
  return Object.fromEntries(ids.map((id) => [id, `${prefix}-${provinceCode}-${id}`])) as Record<TableId, string>;
}

/** The environment variable that carries a table's name to the Lambdas. */
export const tableEnvVar = (id: TableId) => `XQ_TABLE_${id.toUpperCase()}`;
