/**
 * The worklist after a merge (docs/care-loop.md, "After a merge or a split"). The care data of the merged-away case
 * is read through the surviving case's file without moving; what does move is the work owed per case: an obligation
 * whose subject is the case (the next follow-up contact, assigning a paired carer) and the coordinators' enrolment
 * proposals go to the surviving case, and the high-risk obligations are decided again for the whole file.
 *
 * Each step is a conditional write that a repeat leaves as it is (the target's obligation is scheduled with the
 * source's basis, so a later one already there wins; the source's is closed only after the target's exists), so a
 * crash anywhere is repaired by running it again. Nothing waits for a client to retry: the merge's transaction
 * leaves the follow-up pending and its last step clears that, and the hourly care job runs every follow-up left
 * pending for longer than a route can take (`sweepMergeFollowUps`); a retried merge runs it too.
 */
import type { WorkKind } from '../../../schemas/care';
import type { PendingMergeFollowUp } from '../../../schemas/entities/cases';
import { StateConflictError } from '../../shared/errors';
import { derivedId } from '../../shared/ids';
import { logger } from '../../shared/logger';
import type { CareDeps } from './care-deps';
import { careNow } from './care-deps';
import { syncHighRisk } from './high-risk';
import { addWork, closeObligation, closeWork, coordinatorsOf, obligationIdOf, scheduleWork, workItemIdOf } from './worklist';

/** Obligations owed once per case (their subject is the case id), moved to the surviving case by a merge. */
const CASE_OBLIGATIONS: readonly WorkKind[] = ['follow_up_contact_due', 'assign_paired_carer'];
/** Obligations decided from the whole file, closed on the merged-away case and decided again on the surviving one. */
const HIGH_RISK: readonly WorkKind[] = ['high_risk_without_plan', 'high_risk_without_carer'];

type Merge = { readonly sourceCaseId: string; readonly targetCaseId: string };

/** Whether the target still holds the source's file: after a split took it elsewhere, moving its work there is wrong. */
const targetHoldsSource = async (deps: CareDeps, merge: Merge): Promise<boolean> => (await deps.caseFiles.currentOf(merge.sourceCaseId)) === merge.targetCaseId;

export async function careAfterMerge(deps: CareDeps, merge: Merge): Promise<void> {
  const { sourceCaseId: source, targetCaseId: target } = merge;
  if (!(await targetHoldsSource(deps, merge))) {
    throw new StateConflictError(`Case ${source} is no longer part of case ${target}'s file`, '该个案已不属于目标个案的档案');
  }
  for (const kind of CASE_OBLIGATIONS) {
    const open = await deps.worklist.get(obligationIdOf(kind, source));
    if (open?.status !== 'open' || open.due === undefined || open.basis === undefined) continue;
    // The later basis wins, as for any scheduling: a later contact in the surviving case keeps its own due date.
    await scheduleWork(deps, {
      agencyId: open.agencyId,
      kind,
      caseId: target,
      subjectId: target,
      due: open.due,
      basis: open.basis,
      ...(open.detail && { detail: open.detail }),
    });
    await closeObligation(deps, kind, source, open.basis);
  }
  const enrolled = (await deps.keyRecipients.status(target)).status === 'active';
  for (const agencyId of coordinatorsOf(deps)) {
    const proposal = await deps.worklist.get(workItemIdOf(agencyId, 'key_recipient_proposal', derivedId('kpr', source)));
    if (proposal?.status !== 'open') continue;
    // A child the file shows enrolled needs no proposal: it is decided.
    if (!enrolled)
      await addWork(deps, {
        agencyId,
        kind: 'key_recipient_proposal',
        caseId: target,
        subjectId: derivedId('kpr', target),
        ...(proposal.detail && { detail: proposal.detail }),
      });
    await closeWork(deps, { agencyId, kind: 'key_recipient_proposal', subjectId: derivedId('kpr', source) });
  }
  // The file decides: its latest assessment, its key-recipient status, its plans and its care team.
  await syncHighRisk(deps, target);
  const basis = careNow(deps).toISOString();
  await Promise.all(HIGH_RISK.map((kind) => closeObligation(deps, kind, source, basis)));
  // Last: a follow-up cleared has run to its end (a repeat finds nothing to clear).
  await deps.mergeFollowUps.done(merge);
}

/**
 * Pending follow-ups younger than this are left to the request that wrote them (a route's Lambda runs 25 s at most);
 * older ones were left behind by a crash or a failed store call.
 */
export const FOLLOW_UP_GRACE_MS = 5 * 60_000;
/** At most this many follow-ups per sweep (each is a few dozen calls); the rest wait for the next run. */
export const MAX_FOLLOW_UPS_PER_SWEEP = 500;

export interface FollowUpSweep {
  readonly at: string;
  /** Pending follow-ups found older than the grace period. */
  readonly pending: number;
  /** Run to their end now. */
  readonly completed: number;
  /** Closed without moving anything: the source's file is no longer the target's (a split took it). */
  readonly closed: number;
  /** Failed again (logged); left pending for the next sweep. */
  readonly failed: number;
}

/**
 * The care job's sweep: runs what follows each merge whose follow-up a crash left pending, oldest first, one by one:
 * a failure is logged and left for the next sweep, and never stops the others. When the target no longer holds the
 * source's file (`careAfterMerge` refuses): if the target was merged on since, taking the source's file along, the
 * work is owed to the case holding both now, and moves there; if a split took the source's file elsewhere, nothing
 * is left to do (the source's work is shown where its file is now) and the follow-up is closed. Reads one index
 * partition (the pending ones), never the table. Logs case ids and codes only.
 */
export async function sweepMergeFollowUps(deps: CareDeps): Promise<FollowUpSweep> {
  const now = careNow(deps);
  const before = new Date(now.getTime() - FOLLOW_UP_GRACE_MS).toISOString();
  const counts = { pending: 0, completed: 0, closed: 0, failed: 0 };
  let cursor: string | undefined;
  do {
    const page = await deps.mergeFollowUps.pending(before, { limit: 100, ...(cursor && { cursor }) });
    for (const followUp of page.items) {
      if (counts.pending === MAX_FOLLOW_UPS_PER_SWEEP) {
        logger.warn('Merge follow-ups left for the next sweep: this one reached its limit', { limit: MAX_FOLLOW_UPS_PER_SWEEP });
        return { at: now.toISOString(), ...counts };
      }
      counts.pending++;
      counts[await followUpOnce(deps, followUp)]++;
    }
    cursor = page.cursor;
  } while (cursor);
  return { at: now.toISOString(), ...counts };
}

async function followUpOnce(deps: CareDeps, followUp: PendingMergeFollowUp): Promise<'completed' | 'closed' | 'failed'> {
  const merge = { sourceCaseId: followUp.sourceCaseId, targetCaseId: followUp.targetCaseId };
  const ids = { ...merge, mergedAt: followUp.mergedAt };
  try {
    try {
      await careAfterMerge(deps, merge);
      logger.info('A pending merge follow-up was run', ids);
      return 'completed';
    } catch (error) {
      if (!(error instanceof StateConflictError)) throw error;
      const [holder, targetHolder] = await Promise.all([deps.caseFiles.currentOf(merge.sourceCaseId), deps.caseFiles.currentOf(merge.targetCaseId)]);
      if (holder === undefined || holder === merge.targetCaseId) throw error;
      if (holder === targetHolder) {
        // The target was merged on since, the source's file with it: the work is owed to the case holding both now.
        await careAfterMerge(deps, { sourceCaseId: merge.sourceCaseId, targetCaseId: holder });
        await deps.mergeFollowUps.done(merge);
        logger.info('A pending merge follow-up was run for the case the target was merged into since', { ...ids, holderCaseId: holder });
        return 'completed';
      }
      await deps.mergeFollowUps.done(merge);
      logger.info('A pending merge follow-up was closed without moving work: a split took the source case from the target case', ids);
      return 'closed';
    }
  } catch (error) {
    logger.error('A pending merge follow-up failed; the next sweep runs it again', { ...ids, errorName: error instanceof Error ? error.name : typeof error });
    return 'failed';
  }
}
