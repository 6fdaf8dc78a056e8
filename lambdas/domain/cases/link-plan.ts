/**
 * What a linking decision writes, computed while the record's claims are held:
 * reads the candidates and the cases they are in (batched, in parallel), asks
 * the link policy, and returns one change that the linking store commits in a
 * single transaction. Nothing here writes.
 */
import type { CaseEvent, CaseMember, LedgerRow, ReviewCause, ReviewItem } from '../../../schemas/entities/cases';
import type { CaseChange } from '../../../schemas/entities/linking';
import type { BlockRead, StoredRecord } from '../../../schemas/entities/records';
import { ConflictError } from '../../shared/errors';
import { randomId } from '../../shared/ids';
import { type CaseCandidate, casesToLoad, clustersCompatible, DEFAULT_LINK_POLICY, decideCaseLink } from '../matching/link-policy';
import type { MatchRecord } from '../matching/match-record';
import { Scorer } from '../matching/scorer';
import { ledgerRowOf } from './ledger-row';
import type { LinkDeps, LinkInput, LinkResult } from './link-record';
import { matchRecordOf, openForMatching } from './match-view';
import { type CounterKeys, nameFrequencies } from './name-frequencies';
import type { CaseSnapshot } from './ports';

export interface LinkPlan {
  readonly change: Omit<CaseChange, 'release'>;
  readonly result: LinkResult;
}

/** Most records read from one blocking key (the first in id order). */
export const BLOCK_LIMIT = 50;
/**
 * Most records filed under one blocking key. A key held by this many records is too common to find anyone by
 * (a decision reads only BLOCK_LIMIT of them); not growing it keeps its block item far under DynamoDB's 400 KB.
 */
export const FILING_CAP = 2000;

const versionsOf = (keys: readonly string[], blocks: readonly BlockRead[]) => new Map(keys.map((k, i) => [k, blocks[i]!.version]));

/** The keys a record is filed under when its decision commits: those whose block is not full (`blocks` in the keys' order). */
export function keysToFile(deps: Pick<LinkDeps, 'filingCap'>, keys: readonly string[], blocks: readonly BlockRead[]): string[] {
  const cap = deps.filingCap ?? FILING_CAP;
  return keys.filter((_, i) => blocks[i]!.size < cap);
}

export function memberOf(caseId: string, recordId: string, input: LinkInput, how: string, joinedAt: string): CaseMember {
  return {
    caseId,
    recordId,
    agencyId: input.agencyId,
    agencyType: input.agencyType,
    joinedAt,
    how,
    categories: input.record.categories,
    regions: [input.record.householdRegion, input.record.currentRegion].filter((r): r is string => !!r),
    ...(input.record.riskLevel && { riskLevel: input.record.riskLevel }),
  };
}

const nowOf = (deps: Pick<LinkDeps, 'now'>) => (deps.now ?? (() => new Date()))().toISOString();
const round2 = (w: number) => Math.round(w * 100) / 100;

/** Views of records by id, opening (decrypting match fields only) those not already known. */
async function viewsOf(deps: LinkDeps, ids: readonly string[], known: Map<string, MatchRecord>): Promise<Map<string, MatchRecord>> {
  const missing = ids.filter((id) => !known.has(id));
  if (missing.length > 0) {
    for (const head of await deps.records.getHeads(missing)) known.set(head.recordId, await openForMatching(deps.cipher, deps.province, head));
  }
  return known;
}

/** A review item for a person: the pair, its weight, each field's level and weight, and why it is in review. */
export function reviewItemOf(
  model: Pick<LinkDeps['model'], 'version'>,
  scorer: Scorer,
  record: { readonly recordId: string; readonly view: MatchRecord },
  caseId: string,
  candidate: CaseCandidate,
  cause: ReviewCause,
  now: string,
): ReviewItem {
  return {
    reviewId: randomId('rev'),
    status: 'pending',
    createdAt: now,
    recordId: record.recordId,
    caseId,
    candidateRecordId: candidate.recordId,
    candidateCaseId: candidate.caseId,
    weight: round2(candidate.score.weight),
    levels: candidate.score.levels,
    explanation: JSON.stringify(scorer.explain(record.view, candidate.view)),
    modelVersion: model.version,
    cause,
  };
}

function headOf(head: StoredRecord, keys: readonly string[], caseId: string, linkStatus: NonNullable<StoredRecord['linkStatus']>) {
  return {
    recordId: head.recordId,
    ...(head.caseId && { expectedCaseId: head.caseId }),
    caseId,
    linkStatus,
    linkedVersion: head.version,
    blockKeys: keys,
  };
}

/** A record without a case: join the case the policy picks, or open one (with a review item when in doubt). */
export async function planNewLink(deps: LinkDeps, input: LinkInput, head: StoredRecord, keys: readonly string[]): Promise<LinkPlan> {
  const now = nowOf(deps);
  const view = matchRecordOf(input.agencyId, input.record, input.unverifiedIdNumber);
  const [blocks, freq] = await Promise.all([deps.records.blocks(keys, BLOCK_LIMIT), nameFrequencies(deps, view)]);
  const file = { recordId: head.recordId, keys: keysToFile(deps, keys, blocks) };
  const versions = versionsOf(keys, blocks);
  const ids = new Set(blocks.flatMap((b) => b.ids));
  ids.delete(head.recordId);
  const scorer = new Scorer(deps.model, freq.tf);
  const known = new Map<string, MatchRecord>();
  const candidates: CaseCandidate[] = [];
  for (const other of await deps.records.getHeads([...ids])) {
    // A filed record has its case (filed by the commit that linked it, or with the claim once it has one); one without is a leftover of the first layout's crashes.
    if (!other.caseId) continue;
    const otherView = await openForMatching(deps.cipher, deps.province, other);
    known.set(other.recordId, otherView);
    candidates.push({ recordId: other.recordId, caseId: other.caseId, view: otherView, score: scorer.score(view, otherView) });
  }
  const snapshots = new Map<string, CaseSnapshot>();
  for (const [caseId, snapshot] of await Promise.all(casesToLoad(candidates, scorer).map(async (id) => [id, await deps.cases.snapshot(id)] as const))) {
    snapshots.set(caseId, snapshot);
  }
  // A case merged away or being changed is not a place to link to now.
  const open = candidates.filter((c) => !snapshots.has(c.caseId) || snapshots.get(c.caseId)!.row?.status === 'open');
  await viewsOf(
    deps,
    [...snapshots.values()].flatMap((s) => s.members.map((m) => m.recordId)),
    known,
  );
  const membersOf = (caseId: string) => (snapshots.get(caseId)?.members ?? []).flatMap((m) => (known.has(m.recordId) ? [known.get(m.recordId)!] : []));
  const decision = decideCaseLink(view, open, membersOf, scorer, DEFAULT_LINK_POLICY);

  const counters: CounterKeys = freq.bump;
  if (decision.decision === 'auto') {
    const caseId = decision.caseId!;
    const snapshot = snapshots.get(caseId)!;
    const member = memberOf(caseId, head.recordId, input, 'auto', now);
    const members = [...snapshot.members, member];
    const review =
      decision.review && reviewItemOf(deps.model, scorer, { recordId: head.recordId, view }, caseId, decision.review.candidate, decision.review.reason, now);
    const holders = new Set(snapshot.members.map((m) => m.agencyId).filter((a) => a !== input.agencyId));
    return {
      change: {
        heads: [headOf(head, keys, caseId, 'auto')],
        file,
        versions,
        put: [member],
        ledger: [{ row: ledgerRowOf(caseId, members, snapshot.row!.createdAt, now), expectedUpdatedAt: snapshot.row!.updatedAt }],
        events: [{ caseId, at: now, type: 'linked', recordIds: [head.recordId], byAgency: input.agencyId }],
        ...(review && { review }),
        counters,
        // Hit / no-hit: the holders learn that another agency linked a record, so they can seek the guardian's consent.
        notify: [...holders].map((recipient) => ({ recipient, at: now, kind: 'record_linked' as const, caseId, severity: 'info' as const })),
      },
      result: { caseId, link: 'auto', ...(review && { reviewId: review.reviewId }), otherHolders: holders.size > 0 },
    };
  }
  const caseId = randomId('case');
  const member = memberOf(caseId, head.recordId, input, 'new', now);
  const review =
    decision.review && reviewItemOf(deps.model, scorer, { recordId: head.recordId, view }, caseId, decision.review.candidate, decision.review.reason, now);
  const link = review ? 'review' : 'new';
  return {
    change: {
      heads: [headOf(head, keys, caseId, link)],
      file,
      versions,
      put: [member],
      ledger: [{ row: ledgerRowOf(caseId, [member], now, now) }],
      events: [{ caseId, at: now, type: 'created', recordIds: [head.recordId], byAgency: input.agencyId }],
      ...(review && { review }),
      counters,
    },
    result: { caseId, link, ...(review && { reviewId: review.reviewId }), otherHolders: false },
  };
}

/**
 * A linked record whose content changed (or whose member item is missing): it
 * stays in its case if it is still compatible with every other member (the
 * member item and ledger row are refreshed); otherwise it leaves for a case of
 * its own with a review item against the case it left, for a person to decide.
 */
export async function planRelink(deps: LinkDeps, input: LinkInput, head: StoredRecord, keys: readonly string[]): Promise<LinkPlan> {
  const now = nowOf(deps);
  const caseId = head.caseId!;
  const view = matchRecordOf(input.agencyId, input.record, input.unverifiedIdNumber);
  const [snapshot, freq, blocks] = await Promise.all([deps.cases.snapshot(caseId), nameFrequencies(deps, view), deps.records.blocks(keys, 0)]);
  const file = { recordId: head.recordId, keys: keysToFile(deps, keys, blocks) };
  const versions = versionsOf(keys, blocks);
  const row: LedgerRow | undefined = snapshot.row;
  const old = snapshot.members.find((m) => m.recordId === head.recordId);
  const others = snapshot.members.filter((m) => m.recordId !== head.recordId);
  const scorer = new Scorer(deps.model, freq.tf);
  const known = await viewsOf(
    deps,
    others.map((m) => m.recordId),
    new Map(),
  );
  const otherViews = others.flatMap((m) => (known.has(m.recordId) ? [{ member: m, view: known.get(m.recordId)! }] : []));
  // The head points at a case that is gone or merged (only data from before merges moved heads atomically): refuse, retryable.
  if (row?.status !== 'open') throw new ConflictError();
  const stays = clustersCompatible(
    [view],
    otherViews.map((o) => o.view),
    (r) => r,
    scorer,
    DEFAULT_LINK_POLICY,
  );
  const otherHolders = others.some((m) => m.agencyId !== input.agencyId);
  if (stays || others.length === 0) {
    const member = memberOf(caseId, head.recordId, input, old?.how ?? 'new', old?.joinedAt ?? now);
    const members = [...others, member];
    const link = head.linkStatus ?? 'new';
    return {
      change: {
        heads: [headOf(head, keys, caseId, link)],
        file,
        versions,
        put: [member],
        ledger: [{ row: ledgerRowOf(caseId, members, row.createdAt, now), expectedUpdatedAt: row.updatedAt }],
        events: [],
      },
      result: { caseId, link, otherHolders },
    };
  }
  // The new identity no longer fits: leave, and let a person look at the pair it fitted best.
  const best = otherViews
    .map((o) => ({ recordId: o.member.recordId, caseId, view: o.view, score: scorer.score(view, o.view) }))
    .sort((a, b) => b.score.weight - a.score.weight)[0]!;
  const newCaseId = randomId('case');
  const member = memberOf(newCaseId, head.recordId, input, 'split', now);
  const review = reviewItemOf(deps.model, scorer, { recordId: head.recordId, view }, newCaseId, best, 'SPLIT', now);
  const common = { at: now, recordIds: [head.recordId], byAgency: input.agencyId } satisfies Partial<CaseEvent>;
  return {
    change: {
      heads: [headOf(head, keys, newCaseId, 'review')],
      file,
      versions,
      put: [member],
      remove: [{ caseId, recordId: head.recordId }],
      ledger: [{ row: ledgerRowOf(caseId, others, row.createdAt, now), expectedUpdatedAt: row.updatedAt }, { row: ledgerRowOf(newCaseId, [member], now, now) }],
      events: [
        { ...common, caseId, type: 'split_off', otherCaseId: newCaseId, reviewId: review.reviewId },
        { ...common, caseId: newCaseId, type: 'split_from', otherCaseId: caseId, reviewId: review.reviewId },
      ],
      review,
    },
    result: { caseId: newCaseId, link: 'review', reviewId: review.reviewId, otherHolders: false },
  };
}
