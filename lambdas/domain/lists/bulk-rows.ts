/**
 * List rows made ready for bulk linking (batch-link.ts): each record sealed under the id it will be created
 * with, its blind indexes and blocking keys computed once; and the groups of consecutive rows whose commit fits
 * one transaction.
 */
import { CHILD_RECORD_SCHEMA_VERSION } from '../../../schemas/child-record';
import type { ListRowItem } from '../../../schemas/entities/lists';
import type { StoredRecord } from '../../../schemas/entities/records';
import { canonicalJson } from '../../crypto/canonical-json';
import { derivedId } from '../../shared/ids';
import { blindBlockingKeys, type LinkDeps, type LinkInput } from '../cases/link-record';
import { matchRecordOf } from '../cases/match-view';
import type { MatchRecord } from '../matching/match-record';
import { encryptionContext, RECORDS_TABLE_CONTEXT } from '../records/record-crypto';

/** A queued row ready to link: its record sealed under the id it will have, its blind indexes and keys. */
export interface PreparedRow {
  readonly item: ListRowItem;
  readonly input: LinkInput;
  readonly recordId: string;
  readonly view: MatchRecord;
  readonly keys: readonly string[];
  readonly externalIndex: string;
  readonly record: Omit<StoredRecord, 'caseId' | 'linkStatus' | 'linkedVersion' | 'blockKeys'>;
  /** Blind name-frequency counters of the row's name (text, pinyin). */
  readonly nameKeys?: readonly [string, string];
}

/** Rows per group: their commit must fit one transaction of 100 items. */
export const GROUP_ROWS = 4;
const TRANSACTION_ITEMS = 100;
/**
 * Items a row adds to its group's commit besides its keys' blocks, at most: lookup, head and first version,
 * member, ledger row, event, review, three name counters, notices to four other agencies, the finished row.
 */
export const ROW_COMMIT_ITEMS = 15;

const nowOf = (deps: Pick<LinkDeps, 'now'>) => (deps.now ?? (() => new Date()))().toISOString();

/** Seals the row's record under the id it will be created with (derived from job and row, so a retry reuses it). */
export async function prepareRow(
  deps: Pick<LinkDeps, 'index' | 'cipher' | 'province' | 'now'>,
  jobId: string,
  item: ListRowItem,
  input: LinkInput,
): Promise<PreparedRow> {
  const { agencyId, record } = input;
  const recordId = derivedId('rec', 'list', jobId, String(item.row));
  const view = matchRecordOf(agencyId, record, input.unverifiedIdNumber);
  const now = nowOf(deps);
  const [externalIndex, contentMac, idNumberIndex, keys, sealed, nameKeys] = await Promise.all([
    deps.index.compute('external-id', agencyId, record.externalId),
    deps.index.compute('content', agencyId, canonicalJson(record)),
    record.idNumber ? deps.index.compute('id-number', record.idNumber) : Promise.resolve(undefined),
    blindBlockingKeys(deps, input),
    deps.cipher.seal(
      encryptionContext(deps.province, agencyId),
      { table: RECORDS_TABLE_CONTEXT, recordId, schemaVersion: CHILD_RECORD_SCHEMA_VERSION },
      record,
    ),
    view.name
      ? Promise.all([deps.index.compute('name-frequency', 't', view.name.text), deps.index.compute('name-frequency', 'p', view.name.pinyin)])
      : Promise.resolve(undefined),
  ]);
  return {
    item,
    input,
    recordId,
    view,
    keys,
    externalIndex,
    ...(nameKeys && { nameKeys }),
    record: {
      recordId,
      agencyId,
      version: 1,
      schemaVersion: CHILD_RECORD_SCHEMA_VERSION,
      contentMac,
      sealed,
      ...(idNumberIndex && { idNumberIndex }),
      createdAt: now,
      updatedAt: now,
    },
  };
}

/**
 * Consecutive rows, at most GROUP_ROWS, whose commit (one write or check per block read, filing the rows,
 * plus ROW_COMMIT_ITEMS a row and the job's tally) fits one transaction.
 */
export function groupRows(rows: readonly PreparedRow[]): PreparedRow[][] {
  const groups: PreparedRow[][] = [];
  let current: PreparedRow[] = [];
  let keys = new Set<string>();
  for (const r of rows) {
    const more = r.keys.filter((k) => !keys.has(k)).length;
    if (current.length > 0 && (current.length >= GROUP_ROWS || keys.size + more + ROW_COMMIT_ITEMS * (current.length + 1) + 1 > TRANSACTION_ITEMS)) {
      groups.push(current);
      current = [];
      keys = new Set();
    }
    current.push(r);
    for (const k of r.keys) keys.add(k);
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
