/**
 * Publishing and reading child records. Orchestrates blind indexes, field
 * encryption and the records table through narrow interfaces; imports no AWS SDK.
 */
import { CHILD_RECORD_SCHEMA_VERSION, FIELD_CATEGORIES, type AgencyType, type ChildRecordV1 } from '../../../schemas/child-record';
import { ensureLinked, type LinkDeps, type LinkInput, type LinkStatus } from '../cases/link-record';
import { encryptionContext, RECORDS_TABLE_CONTEXT } from './record-crypto';
import type { StoredRecord } from '../../../schemas/entities/records';
import type { RecordsStore } from './ports';
import { ConflictError, NotFoundError } from '../../shared/errors';
import { randomId } from '../../shared/ids';
import { canonicalJson } from '../../crypto/canonical-json';

export interface RecordsDeps extends Omit<LinkDeps, 'records'> {
  readonly records: Pick<RecordsStore, 'findByExternal' | 'getHead' | 'create' | 'appendVersion'> & LinkDeps['records'];
  /**
   * Told when a published treatment record carries a discharge date (the care loop starts follow-up:
   * lambdas/domain/care/discharge.ts). Called on every publish of such a record, so a retry repairs what a crash
   * left undone; the care side is idempotent.
   */
  readonly afterDischarge?: (discharge: { caseId: string; agencyId: string; dischargedOn: string }) => Promise<void>;
}

/** Who publishes: the agency system and its type. */
export interface Publisher {
  readonly agencyId: string;
  readonly agencyType: AgencyType;
}

export type PublishStatus = 'created' | 'updated' | 'unchanged';

export interface PublishResult {
  readonly recordId: string;
  readonly version: number;
  readonly status: PublishStatus;
  /** The case the record belongs to (同案), and how it got there. */
  readonly caseId: string;
  readonly link: LinkStatus | 'merged' | 'split';
  /** Set when the link waits for the coordinating role's review. */
  readonly reviewId?: string;
  /** Hit / no-hit: whether other agencies hold records in this case (never who, nor what). */
  readonly otherHolders: boolean;
}

export interface OwnRecord {
  readonly recordId: string;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly caseId?: string;
  readonly link?: PublishResult['link'];
  readonly record: ChildRecordV1;
}

const MAX_ATTEMPTS = 4;

/**
 * Publishes a record, idempotent on (agency, externalId): the same content
 * twice is `unchanged`; changed content appends a version and keeps the history.
 * Concurrent publishes of one externalId are serialised by conditional writes.
 * Every publish, `unchanged` and retries included, then makes the record's
 * links hold (blocking keys, case, member item), repairing what an earlier
 * attempt left undone; an updated identity is filed and decided again.
 */
export async function publishRecord(
  deps: RecordsDeps,
  publisher: Publisher,
  record: ChildRecordV1,
  options: { unverifiedIdNumber?: string } = {},
): Promise<PublishResult> {
  const { agencyId } = publisher;
  const stored = await storeRecord(deps, agencyId, record);
  const input: LinkInput = { agencyId, agencyType: publisher.agencyType, record, ...options };
  const link = await ensureLinked(deps, input, stored.head);
  const dischargedOn = record.treatment?.dischargedOn;
  if (dischargedOn && link.caseId && deps.afterDischarge) await deps.afterDischarge({ caseId: link.caseId, agencyId, dischargedOn });
  return {
    recordId: stored.head.recordId,
    version: stored.head.version,
    status: stored.status,
    caseId: link.caseId,
    link: link.link,
    ...(link.reviewId && { reviewId: link.reviewId }),
    otherHolders: link.otherHolders,
  };
}

interface Stored {
  readonly status: PublishStatus;
  /** The head as written (created, updated) or found (unchanged). */
  readonly head: StoredRecord;
}

async function storeRecord(deps: RecordsDeps, agencyId: string, record: ChildRecordV1): Promise<Stored> {
  const now = (deps.now ?? (() => new Date()))().toISOString();
  const [externalIndex, contentMac, idNumberIndex] = await Promise.all([
    deps.index.compute('external-id', agencyId, record.externalId),
    deps.index.compute('content', agencyId, canonicalJson(record)),
    record.idNumber ? deps.index.compute('id-number', record.idNumber) : Promise.resolve(undefined),
  ]);
  const context = encryptionContext(deps.province, agencyId);

  const build = async (recordId: string, version: number, createdAt: string): Promise<StoredRecord> => ({
    recordId,
    agencyId,
    version,
    schemaVersion: CHILD_RECORD_SCHEMA_VERSION,
    contentMac,
    sealed: await deps.cipher.seal(context, { table: RECORDS_TABLE_CONTEXT, recordId, schemaVersion: CHILD_RECORD_SCHEMA_VERSION }, record),
    ...(idNumberIndex && { idNumberIndex }),
    createdAt,
    updatedAt: now,
  });

  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const existingId = await deps.records.findByExternal(externalIndex);
    if (!existingId) {
      const stored = await build(randomId('rec'), 1, now);
      if ((await deps.records.create(stored, externalIndex)) === 'created') return { status: 'created', head: stored };
      continue; // another request created it first: read it and compare
    }
    const head = await deps.records.getHead(existingId);
    if (!head) continue; // lookup written but head not visible yet; retry
    if (head.contentMac === contentMac) return { status: 'unchanged', head };
    // The link attributes carry over; the store refuses the write if they changed since this read.
    const {
      recordId,
      version,
      createdAt,
      contentMac: _old,
      sealed: _sealed,
      idNumberIndex: _idn,
      updatedAt: _u,
      agencyId: _a,
      schemaVersion: _s,
      ...link
    } = head;
    const next = { ...(await build(recordId, version + 1, createdAt)), ...link };
    if ((await deps.records.appendVersion(next, head.version)) === 'ok') return { status: 'updated', head: next };
  }
  throw new ConflictError();
}

/**
 * Reads a record for the agency that published it. Any other caller gets
 * NotFoundError, exactly as if the record did not exist.
 */
export async function readOwnRecord(deps: RecordsDeps, agencyId: string, recordId: string): Promise<OwnRecord> {
  const head = await deps.records.getHead(recordId);
  if (!head || head.agencyId !== agencyId) throw new NotFoundError('No such record');
  const opened = await deps.cipher.open(
    encryptionContext(deps.province, head.agencyId),
    { table: RECORDS_TABLE_CONTEXT, recordId: head.recordId, schemaVersion: head.schemaVersion },
    head.sealed,
  );
  // Schema field order, whatever order the stored map came back in.
  const record = Object.fromEntries(
    Object.keys(FIELD_CATEGORIES)
      .filter((field) => Object.hasOwn(opened, field))
      .map((field) => [field, opened[field]]),
  ) as ChildRecordV1;
  return {
    recordId: head.recordId,
    version: head.version,
    createdAt: head.createdAt,
    updatedAt: head.updatedAt,
    ...(head.caseId && { caseId: head.caseId }),
    ...(head.linkStatus && { link: head.linkStatus }),
    record,
  };
}
