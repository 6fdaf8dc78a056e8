/**
 * The coordinating role's work on cases: merge two cases, split records off a
 * case, and decide review items. Every change keeps both sides' history and
 * moves records' case pointers; free-text reasons are sealed.
 */
import type { AgencyType } from '../../../schemas/child-record';
import type { FieldCipher } from '../../crypto/field-cipher';
import type { CaseEvent, CaseMember, ReviewItem } from '../../../schemas/entities/cases';
import type { CaseChange } from '../../../schemas/entities/linking';
import type { Page } from '../../../schemas/entities/page';
import type { RecordsStore } from '../records/ports';
import type { CasesStore, LinkingStore } from './ports';
import { ForbiddenError, NotFoundError, StateConflictError } from '../../shared/errors';
import { randomId } from '../../shared/ids';
import { CaseFiles, forgetCaseFiles } from './case-file';
import { ledgerRowOf } from './ledger-row';
import { logger } from '../../shared/logger';

export interface CaseAdminDeps {
  readonly province: string;
  readonly coordinatingAgencyType: AgencyType;
  readonly cases: Pick<CasesStore, 'members' | 'ledgerRow' | 'review' | 'decideReview' | 'history' | 'reviews'>;
  readonly records: Pick<RecordsStore, 'getHead'>;
  readonly linking: Pick<LinkingStore, 'commit'>;
  readonly cipher: FieldCipher;
  readonly now?: () => Date;
  /**
   * What follows a merge once it has committed (the care loop's work owed per case, lambdas/domain/care/after-merge.ts).
   * Idempotent. With it, the merge's transaction leaves it pending (`CaseChange.followUp`), and its last step clears
   * that: a crash between the commit and its end is repaired by the care job's sweep, or sooner by a retried merge.
   */
  readonly afterMerge?: (merge: { sourceCaseId: string; targetCaseId: string }) => Promise<void>;
}

export interface Actor {
  readonly agencyId: string;
  readonly agencyType: AgencyType;
}

/** Only the province's coordinating agency type (civil affairs by default) administers cases. */
export function requireCoordinator(deps: Pick<CaseAdminDeps, 'coordinatingAgencyType'>, actor: Actor): void {
  if (actor.agencyType !== deps.coordinatingAgencyType) {
    throw new ForbiddenError(`Only the coordinating agency (${deps.coordinatingAgencyType}) may do this`, '仅省级统筹部门可执行此操作');
  }
}

export async function sealReason(deps: Pick<CaseAdminDeps, 'cipher' | 'province'>, actor: Actor, bindingId: string, reason: string): Promise<string> {
  const sealed = await deps.cipher.seal(
    { province: deps.province, agency: actor.agencyId, table: 'cases' },
    { table: 'cases', recordId: bindingId, schemaVersion: 1 },
    { reason },
  );
  return JSON.stringify(sealed);
}

async function openCase(deps: CaseAdminDeps, caseId: string) {
  const row = await deps.cases.ledgerRow(caseId);
  if (!row) throw new NotFoundError('No such case');
  if (row.status !== 'open') throw new StateConflictError(`Case ${caseId} was merged into ${row.mergedInto}`, '该个案已被合并');
  return row;
}

/**
 * Records moved by one merge or split: each moves its member item twice and its head once, in one transaction of at
 * most 100 items (with both ledger rows, both events and a merge's pending follow-up).
 */
export const MAX_RECORDS_MOVED = 30;

/** Commits a case change; a concurrent change to either case (a link, another decision) makes the caller retry. */
async function commitOrConflict(deps: Pick<CaseAdminDeps, 'linking'>, change: CaseChange): Promise<void> {
  if (change.heads.length > MAX_RECORDS_MOVED) {
    throw new StateConflictError(
      `At most ${MAX_RECORDS_MOVED} records move in one merge or split; split the work`,
      `一次合并或拆分最多移动 ${MAX_RECORDS_MOVED} 条记录，请分步进行`,
    );
  }
  let committed: boolean;
  try {
    committed = await deps.linking.commit(change);
  } finally {
    // Case histories changed (or may have: a lost reply): files this request memoised are stale from here on.
    forgetCaseFiles();
  }
  if (!committed) {
    throw new StateConflictError('The case changed while this was being done; try again', '个案已被同时修改，请重试');
  }
}

const moved = (members: readonly CaseMember[], caseId: string, how: string, at: string): CaseMember[] =>
  members.map((m) => ({ ...m, caseId, how, joinedAt: m.joinedAt <= at ? m.joinedAt : at }));

/**
 * Moves every record of `sourceCaseId` into `targetCaseId`; the target keeps its id. The source's care data and
 * consents stay where they were recorded and are read through the target's file from the commit on (case-file.ts).
 * The same transaction leaves what follows the merge pending (`followUp`), until `afterMerge` has run to its end; the
 * care job runs those left pending by a crash. A retry of a merge that committed (the source merged into this target
 * already) answers as the first did and runs what follows the merge again.
 */
export async function mergeCases(
  deps: CaseAdminDeps,
  actor: Actor,
  input: { targetCaseId: string; sourceCaseId: string; reason: string; reviewId?: string },
): Promise<{ caseId: string; recordIds: string[] }> {
  if (input.targetCaseId === input.sourceCaseId) throw new StateConflictError('A case cannot be merged with itself', '不能与自身合并');
  const done = await committedMerge(deps, input);
  if (done) {
    await followMerge(deps, { sourceCaseId: input.sourceCaseId, targetCaseId: input.targetCaseId });
    return done;
  }
  const now = (deps.now ?? (() => new Date()))().toISOString();
  const [target, source] = await Promise.all([openCase(deps, input.targetCaseId), openCase(deps, input.sourceCaseId)]);
  const [targetMembers, sourceMembers] = await Promise.all([deps.cases.members(target.caseId), deps.cases.members(source.caseId)]);
  const incoming = moved(sourceMembers, target.caseId, 'merge', now);
  const recordIds = sourceMembers.map((m) => m.recordId);
  const sealedReason = await sealReason(deps, actor, input.reviewId ?? target.caseId, input.reason);
  const common = { at: now, byAgency: actor.agencyId, sealedReason, ...(input.reviewId && { reviewId: input.reviewId }) };
  const events: CaseEvent[] = [
    { ...common, caseId: target.caseId, type: 'merged_in', recordIds, otherCaseId: source.caseId },
    { ...common, caseId: source.caseId, type: 'merged_into', recordIds, otherCaseId: target.caseId },
  ];
  // Members, both ledger rows, events and every record's case pointer move in one transaction.
  await commitOrConflict(deps, {
    heads: sourceMembers.map((m) => ({ recordId: m.recordId, expectedCaseId: source.caseId, caseId: target.caseId, linkStatus: 'merged' })),
    put: incoming,
    remove: sourceMembers.map((m) => ({ caseId: source.caseId, recordId: m.recordId })),
    ledger: [
      { row: ledgerRowOf(target.caseId, [...targetMembers, ...incoming], target.createdAt, now), expectedUpdatedAt: target.updatedAt },
      { row: { ...source, status: 'merged', mergedInto: target.caseId, memberCount: 0, updatedAt: now }, expectedUpdatedAt: source.updatedAt },
    ],
    events,
    ...(deps.afterMerge && { followUp: { sourceCaseId: source.caseId, targetCaseId: target.caseId, mergedAt: now } }),
  });
  await followMerge(deps, { sourceCaseId: source.caseId, targetCaseId: target.caseId });
  return { caseId: target.caseId, recordIds };
}

/**
 * The answer of a merge of `sourceCaseId` into `targetCaseId` that committed already, if it did and nothing has
 * changed the file since: the source's file is still held by the target (CaseFiles.currentOf), and no later split of
 * the target took any of the records that merge brought. A stale repeat (a split has since moved those records, and
 * with them the source's file, to another case) is not a retry: the caller answers it as a merge of a merged case.
 */
async function committedMerge(deps: CaseAdminDeps, input: { targetCaseId: string; sourceCaseId: string }) {
  const [target, source] = await Promise.all([deps.cases.ledgerRow(input.targetCaseId), deps.cases.ledgerRow(input.sourceCaseId)]);
  if (target?.status !== 'open' || source?.status !== 'merged' || source.mergedInto !== target.caseId) return undefined;
  const history = await deps.cases.history(target.caseId);
  const merged = history.filter((e) => e.type === 'merged_in' && e.otherCaseId === source.caseId).at(-1);
  if (!merged) return undefined;
  const brought = new Set(merged.recordIds);
  const splitSince = history.some((e) => e.type === 'split_off' && e.at >= merged.at && e.recordIds.some((r) => brought.has(r)));
  if (splitSince || (await new CaseFiles(deps.cases).currentOf(source.caseId)) !== target.caseId) return undefined;
  return { caseId: target.caseId, recordIds: [...merged.recordIds] };
}

/**
 * Runs what follows a committed merge. Its failure does not fail the merge, which has committed: the merge is
 * answered (and audited, with the other case and the records moved) as done, and the failure is logged. The
 * follow-up the merge's transaction left pending stays so, and the care job's next sweep runs it
 * (lambdas/domain/care/after-merge.ts, `sweepMergeFollowUps`); until then the merged-away case's obligations are
 * shown under the surviving case (worklist.ts) and the overdue job still reads them.
 */
async function followMerge(deps: Pick<CaseAdminDeps, 'afterMerge'>, merge: { sourceCaseId: string; targetCaseId: string }): Promise<void> {
  try {
    await deps.afterMerge?.(merge);
  } catch (error) {
    logger.error('What follows a merge failed; it stays pending for the care job (or a retry of the same merge)', {
      ...merge,
      errorName: error instanceof Error ? error.name : typeof error,
    });
  }
}

/** Moves `recordIds` out of a case into a new case: undoes a wrong link. */
export async function splitCase(
  deps: CaseAdminDeps,
  actor: Actor,
  input: { caseId: string; recordIds: readonly string[]; reason: string },
): Promise<{ caseId: string; newCaseId: string }> {
  const now = (deps.now ?? (() => new Date()))().toISOString();
  const row = await openCase(deps, input.caseId);
  const members = await deps.cases.members(row.caseId);
  const wanted = new Set(input.recordIds);
  const leaving = members.filter((m) => wanted.has(m.recordId));
  if (leaving.length !== wanted.size) throw new NotFoundError('A record to split off is not in this case');
  if (leaving.length === members.length) throw new StateConflictError('A split must leave at least one record in the case', '拆分后原个案至少保留一条记录');
  const staying = members.filter((m) => !wanted.has(m.recordId));
  const newCaseId = randomId('case');
  const moving = moved(leaving, newCaseId, 'split', now);
  const sealedReason = await sealReason(deps, actor, row.caseId, input.reason);
  const recordIds = [...wanted];
  await commitOrConflict(deps, {
    heads: leaving.map((m) => ({ recordId: m.recordId, expectedCaseId: row.caseId, caseId: newCaseId, linkStatus: 'split' })),
    put: moving,
    remove: leaving.map((m) => ({ caseId: row.caseId, recordId: m.recordId })),
    ledger: [
      { row: ledgerRowOf(row.caseId, staying, row.createdAt, now), expectedUpdatedAt: row.updatedAt },
      { row: ledgerRowOf(newCaseId, moving, now, now) },
    ],
    events: [
      { caseId: row.caseId, at: now, type: 'split_off', recordIds, otherCaseId: newCaseId, byAgency: actor.agencyId, sealedReason },
      { caseId: newCaseId, at: now, type: 'split_from', recordIds, otherCaseId: row.caseId, byAgency: actor.agencyId, sealedReason },
    ],
  });
  return { caseId: row.caseId, newCaseId };
}

/**
 * Confirms (the two records are one child: their cases merge) or rejects a
 * review item. Either way the decision is kept with the pair's comparison
 * levels, as a label for re-estimating the model.
 */
export async function decideReview(
  deps: CaseAdminDeps,
  actor: Actor,
  input: { reviewId: string; decision: 'confirm' | 'reject'; reason: string },
): Promise<{ review: ReviewItem; caseId?: string }> {
  const review = await deps.cases.review(input.reviewId);
  if (!review) throw new NotFoundError('No such review');
  if (review.status !== 'pending') throw new StateConflictError('This review was already decided', '该复核已处理');
  const now = (deps.now ?? (() => new Date()))().toISOString();
  let caseId: string | undefined;
  if (input.decision === 'confirm') {
    // Records may have moved since the review was made: merge their current cases.
    const [mine, theirs] = await Promise.all([deps.records.getHead(review.recordId), deps.records.getHead(review.candidateRecordId)]);
    if (!mine?.caseId || !theirs?.caseId) throw new NotFoundError('A record of this review no longer exists');
    caseId = theirs.caseId;
    if (mine.caseId !== theirs.caseId) {
      await mergeCases(deps, actor, { targetCaseId: theirs.caseId, sourceCaseId: mine.caseId, reason: input.reason, reviewId: review.reviewId });
    } else if (review.caseId !== caseId && (await committedMerge(deps, { targetCaseId: caseId, sourceCaseId: review.caseId }))) {
      // A retry after this review's merge committed and its decision did not: finish what follows the merge.
      await followMerge(deps, { sourceCaseId: review.caseId, targetCaseId: caseId });
    }
  }
  const decided: ReviewItem = {
    ...review,
    status: input.decision === 'confirm' ? 'confirmed' : 'rejected',
    decidedAt: now,
    decidedBy: actor.agencyId,
    sealedReason: await sealReason(deps, actor, review.reviewId, input.reason),
  };
  if (!(await deps.cases.decideReview(decided))) throw new StateConflictError('This review was already decided', '该复核已处理');
  return { review: decided, ...(caseId && { caseId }) };
}

/** The review queue, oldest first, for the coordinating role. */
export async function listReviews(
  deps: CaseAdminDeps,
  actor: Actor,
  query: { status: ReviewItem['status']; limit: number; cursor?: string },
): Promise<Page<ReviewItem>> {
  requireCoordinator(deps, actor);
  return deps.cases.reviews(query);
}
