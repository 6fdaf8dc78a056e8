/** A child record as stored: sealed fields, blind indexes, and its link to a case. */
import type { SealedFields } from './sealed';

export interface StoredRecord {
  readonly recordId: string;
  readonly agencyId: string;
  readonly version: number;
  readonly schemaVersion: number;
  /** Blind index of the canonical content: detects an unchanged republish. */
  readonly contentMac: string;
  readonly sealed: SealedFields;
  /** Blind index of the normalised identity number, when there is one. */
  readonly idNumberIndex?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** The case the record belongs to, once linked. */
  readonly caseId?: string;
  readonly linkStatus?: 'auto' | 'review' | 'new' | 'merged' | 'split';
  /** The version whose link was last decided; a newer version is decided again. */
  readonly linkedVersion?: number;
  /** The blind blocking keys the record's link was decided on; it is filed under them in the same transaction, except where a block was full (FILING_CAP). */
  readonly blockKeys?: readonly string[];
}

/** A blocking key's block as read for a linking decision: the first ids (in id order), how many are filed, and its version. */
export interface BlockRead {
  readonly ids: readonly string[];
  readonly size: number;
  /** Filings and unfilings the block has had (0: none): a decision that does not claim commits on condition that it is unchanged. */
  readonly version: number;
}
