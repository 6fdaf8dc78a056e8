/** The records store the records domain needs (port); lambdas/data/records-table.ts implements it. */
import type { BlockRead, StoredRecord } from '../../../schemas/entities/records';

export interface RecordsStore {
  /** The record id registered for a blind (agency, externalId), if any. */
  findByExternal(externalIndex: string): Promise<string | undefined>;
  getHead(recordId: string): Promise<StoredRecord | undefined>;
  /** Heads of several records in one batch (missing ones are left out). */
  getHeads(recordIds: readonly string[]): Promise<StoredRecord[]>;
  /** All versions, oldest first. */
  listVersions(recordId: string): Promise<StoredRecord[]>;
  /** Creates lookup, head and first version atomically; 'exists' when another request won the race. */
  create(record: StoredRecord, externalIndex: string): Promise<'created' | 'exists'>;
  /** Replaces the head and appends a version, if the head is still at `expectedVersion`. */
  appendVersion(record: StoredRecord, expectedVersion: number): Promise<'ok' | 'conflict'>;
  /** The blocks of blind blocking keys, in one batch, in the order given: at most `limit` ids each, and the block's size. */
  blocks(blindKeys: readonly string[], limit: number): Promise<BlockRead[]>;
  /** Blind counters (0 when absent), in one batch. */
  counts(blindKeys: readonly string[]): Promise<number[]>;
}
