/**
 * The worklist after a merge (docs/care-loop.md, "After a merge or a split"). The care data of the merged-away case
 * is read through the surviving case's file without moving; what does move is the work owed per case: an obligation
 * whose subject is the case (the next follow-up contact, assigning a paired carer) and the coordinators' enrolment
 * proposals go to the surviving case, and the high-risk obligations are decided again for the whole file.
 *
 * Each step is a conditional write that a repeat leaves as it is (the target's obligation is scheduled with the
 * source's basis, so a later one already there wins; the source's is closed only after the target's exists), so a
 * crash anywhere is repaired by running it again: the merge route does so when the same merge is retried.
 */
import type { WorkKind } from '../../../schemas/care';
import { StateConflictError } from '../../shared/errors';
import { derivedId } from '../../shared/ids';
import type { CareDeps } from './care-deps';
import { careNow } from './care-deps';
import { syncHighRisk } from './high-risk';
import { addWork, closeObligation, closeWork, coordinatorsOf, obligationIdOf, scheduleWork, workItemIdOf } from './worklist';

/** Obligations owed once per case (their subject is the case id), moved to the surviving case by a merge. */
const CASE_OBLIGATIONS: readonly WorkKind[] = ['follow_up_contact_due', 'assign_paired_carer'];
/** Obligations decided from the whole file, closed on the merged-away case and decided again on the surviving one. */
const HIGH_RISK: readonly WorkKind[] = ['high_risk_without_plan', 'high_risk_without_carer'];

export async function careAfterMerge(deps: CareDeps, merge: { readonly sourceCaseId: string; readonly targetCaseId: string }): Promise<void> {
  const { sourceCaseId: source, targetCaseId: target } = merge;
  // Only while the target holds the source's file: after a split took it elsewhere, moving its work here is wrong.
  if ((await deps.caseFiles.currentOf(source)) !== target) {
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
}
