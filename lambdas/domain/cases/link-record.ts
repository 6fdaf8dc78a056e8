/**
 * Linking in the hub (个案同案): after every publish, `ensureLinked` makes the
 * record's links hold for its current version, whatever earlier attempts left:
 * filed under its current blind blocking keys, in exactly one case, its member
 * item present, and its link decided by the link policy for this version.
 *
 * Concurrency (the argument is in docs/matching.md): a decision is made only
 * while holding leased claims on every blocking key of the record, taken in one
 * transaction; the decision commits in one transaction that links the head (on
 * condition), writes the case, and releases the claims (on condition that they
 * are still ours), filing the record under its keys in the same writes. Two
 * records that could link share a key, so their decisions are serialised, and
 * the later one finds the earlier one, in its case. A crash leaves claims that
 * expire, and nothing half-linked.
 */
import type { AgencyType, ChildRecordV1 } from '../../../schemas/child-record';
import type { StoredRecord } from '../../../schemas/entities/records';
import type { BlindIndexer } from '../../crypto/blind-index';
import type { FieldCipher } from '../../crypto/field-cipher';
import { ConflictError, ServiceUnavailableError } from '../../shared/errors';
import { randomId } from '../../shared/ids';
import { blockingKeys } from '../matching/blocking';
import type { MatchModel } from '../matching/model';
import type { RecordsStore } from '../records/ports';
import { type LinkPlan, planNewLink, planRelink } from './link-plan';
import { matchRecordOf } from './match-view';
import type { CasesStore, LinkingStore } from './ports';

export interface LinkDeps {
  readonly province: string;
  readonly records: Pick<RecordsStore, 'getHead' | 'getHeads' | 'blocks' | 'counts'>;
  readonly cases: Pick<CasesStore, 'snapshot'>;
  readonly linking: LinkingStore;
  readonly cipher: FieldCipher;
  readonly index: BlindIndexer;
  readonly model: MatchModel;
  readonly now?: () => Date;
  /** How long a linking claim lives if its holder crashes (default 10 s). */
  readonly claimLeaseMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Most records filed under one blocking key (default FILING_CAP; tests set it low). */
  readonly filingCap?: number;
}

export interface LinkInput {
  readonly agencyId: string;
  readonly agencyType: AgencyType;
  readonly record: ChildRecordV1;
  /** From a list row whose identity number failed validation: offered to matching only. */
  readonly unverifiedIdNumber?: string;
}

export type LinkStatus = 'auto' | 'review' | 'new';

export interface LinkResult {
  readonly caseId: string;
  readonly link: NonNullable<StoredRecord['linkStatus']>;
  readonly reviewId?: string;
  /** Hit / no-hit: whether other agencies hold records in this case (never who, nor what). */
  readonly otherHolders: boolean;
}

const DEFAULT_LEASE_MS = 10_000;
/** Decisions retried after a lost race (a condition failed at commit). */
const MAX_DECISIONS = 8;
const BACKOFF_BASE_MS = 10;
const BACKOFF_CAP_MS = 200;

const sameKeys = (a: readonly string[] | undefined, b: readonly string[]) => !!a && a.length === b.length && b.every((k) => a.includes(k));

/** Whether the head's links already hold for its current version (no decision is due). */
export function isSettled(head: StoredRecord, keys: readonly string[]): boolean {
  return !!head.caseId && (head.linkedVersion ?? 0) >= head.version && sameKeys(head.blockKeys, keys);
}

/** The record's blind blocking keys, sorted (claims are always taken in this order). */
export async function blindBlockingKeys(deps: Pick<LinkDeps, 'index'>, input: LinkInput): Promise<string[]> {
  const view = matchRecordOf(input.agencyId, input.record, input.unverifiedIdNumber);
  const keys = await Promise.all(blockingKeys(view).map((k) => deps.index.compute('blocking', k)));
  return [...new Set(keys)].sort();
}

/**
 * Makes the record's links hold for `head` (the version just stored or found
 * unchanged) and says where it stands. Idempotent: a retry of the same publish
 * repairs whatever an earlier attempt left undone.
 */
export async function ensureLinked(deps: LinkDeps, input: LinkInput, head: StoredRecord): Promise<LinkResult> {
  const keys = await blindBlockingKeys(deps, input);
  if (isSettled(head, keys)) {
    const settled = await settledResult(deps, input, head);
    if (settled) return settled;
  }
  return decideUnderClaims(deps, input, head, keys);
}

/** The result for a settled head, or undefined when its member item is missing (older data, or a crash in an older version). */
async function settledResult(deps: LinkDeps, input: LinkInput, head: StoredRecord): Promise<LinkResult | undefined> {
  const snapshot = await deps.cases.snapshot(head.caseId!);
  if (!snapshot.members.some((m) => m.recordId === head.recordId)) return undefined;
  return { caseId: head.caseId!, link: head.linkStatus ?? 'new', otherHolders: snapshot.members.some((m) => m.agencyId !== input.agencyId) };
}

async function decideUnderClaims(deps: LinkDeps, input: LinkInput, stored: StoredRecord, keys: readonly string[]): Promise<LinkResult> {
  // One owner per publish: a concurrent copy of the same publish must not pass for us, or a plan made
  // before it took over could commit after it (the claims fence stale decisions only if owners differ).
  const owner = `${stored.recordId}#${randomId('clm')}`;
  let head = stored;
  let repair = isSettled(stored, keys); // settled but its member item is missing: decide again
  for (let attempt = 0; attempt < MAX_DECISIONS; attempt++) {
    const unfile = (head.blockKeys ?? []).filter((k) => !keys.includes(k));
    // A record already in a case moves from its old keys to its new ones with the claim, as one write: it stays findable whatever happens to this decision.
    await acquire(deps, { owner, recordId: head.recordId, keys, unfile, fileNow: !!head.caseId });
    if (attempt > 0) {
      const current = await deps.records.getHead(head.recordId);
      if (!current || current.version !== stored.version) {
        await deps.linking.release(owner, keys);
        throw new ConflictError(); // a newer version of this record is being published: the client retries
      }
      head = current;
    }
    if (!repair && isSettled(head, keys)) {
      // Another copy of this publish decided while we waited: nothing to change.
      await deps.linking.release(owner, keys);
      const settled = await settledResult(deps, input, head);
      if (settled) return settled;
      repair = true;
      continue;
    }
    let committed: LinkResult | undefined;
    try {
      const plan: LinkPlan = head.caseId ? await planRelink(deps, input, head, keys) : await planNewLink(deps, input, head, keys);
      if (await deps.linking.commit({ ...plan.change, release: { owner, keys } })) committed = plan.result;
    } catch (error) {
      // Let others go on without waiting for the lease to run out (best effort: the lease covers a failure here too).
      await deps.linking.release(owner, keys).catch(() => undefined);
      throw error;
    }
    if (committed) return committed;
    // Lost a race (a condition failed): read again and decide again.
  }
  throw new ServiceUnavailableError('Linking is busy; try again', { cause: 'linking contention' });
}

/** Takes the claims, backing off with full jitter while another record holds one. */
async function acquire(
  deps: LinkDeps,
  claim: { owner: string; recordId: string; keys: readonly string[]; unfile: readonly string[]; fileNow: boolean },
): Promise<void> {
  const lease = deps.claimLeaseMs ?? DEFAULT_LEASE_MS;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  // Leases run on the wall clock, whatever clock stamps the data (`deps.now`).
  const clock = () => Date.now();
  const deadline = clock() + 2 * lease;
  for (let attempt = 0; ; attempt++) {
    const now = clock();
    if (await deps.linking.claim({ ...claim, now, leaseMs: lease })) return;
    if (now > deadline) throw new ServiceUnavailableError('Linking is busy; try again', { cause: 'claims held' });
    await sleep(Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt));
  }
}
