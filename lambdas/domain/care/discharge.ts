/**
 * Discharge starts follow-up (出院回归社区、学校后……建立结对关爱服务关系; issue 10, point 2): a referral completed
 * with outcome `discharged`, or a treatment record that gains a discharge date, asks the coordinating role to
 * assign a paired carer within `care.carerAssignDays` (an obligation, met when a paired carer joins the care team)
 * and proposes the child as a key recipient (post_discharge) unless it is one. Idempotent: a retry changes nothing.
 * A child who has an active paired carer already gets the obligation recorded as met at the discharge, so every
 * discharged child counts in the care metrics' "paired carer within N days" (care-metrics.ts).
 */
import { type CareDeps, careNow } from './care-deps';
import { careTeamAgencies } from './care-team';
import { proposeEnrolment } from './key-recipients';
import { coordinatorsOf, obligationIdOf, scheduleWork } from './worklist';

const DAY_MS = 86_400_000;

export async function startAfterDischarge(deps: CareDeps, discharge: { caseId: string; agencyId: string; dischargedAt: string; referralId?: string }) {
  const { caseId } = discharge;
  const [status, team] = await Promise.all([deps.keyRecipients.status(caseId), deps.careTeams.forCase(caseId)]);
  const coordinator = coordinatorsOf(deps)[0];
  const jobs: Promise<unknown>[] = [];
  const carer = team.some((m) => m.role === 'paired_carer' && careTeamAgencies([m], careNow(deps)).size > 0);
  if (coordinator && carer) jobs.push(metAtDischarge(deps, coordinator, discharge));
  if (coordinator && !carer) {
    jobs.push(
      scheduleWork(deps, {
        agencyId: coordinator,
        kind: 'assign_paired_carer',
        caseId,
        subjectId: caseId,
        due: new Date(Date.parse(discharge.dischargedAt) + deps.care.carerAssignDays * DAY_MS).toISOString(),
        basis: discharge.dischargedAt,
        detail: discharge.referralId ? { referralId: discharge.referralId } : { dischargedBy: discharge.agencyId },
      }),
    );
  }
  const by = deps.agencies.find((a) => a.id === discharge.agencyId);
  if (status.status !== 'active' && by) jobs.push(proposeEnrolment(deps, { agencyId: by.id, agencyType: by.type }, caseId, ['post_discharge']));
  await Promise.all(jobs);
}

/**
 * The obligation, met when it arose: added only if there is none for the child (open or done), so a retry, or a
 * later publish of the same discharge, never reopens one a carer has met; one left open (a crash between the two
 * writes, or an earlier discharge) is closed, since the child has a carer now.
 */
async function metAtDischarge(deps: CareDeps, coordinator: string, discharge: { caseId: string; agencyId: string; dischargedAt: string; referralId?: string }) {
  const workItemId = obligationIdOf('assign_paired_carer', discharge.caseId);
  const added = await deps.worklist.add({
    workItemId,
    agencyId: coordinator,
    kind: 'assign_paired_carer',
    caseId: discharge.caseId,
    subjectId: discharge.caseId,
    createdAt: careNow(deps).toISOString(),
    due: new Date(Date.parse(discharge.dischargedAt) + deps.care.carerAssignDays * DAY_MS).toISOString(),
    basis: discharge.dischargedAt,
    detail: discharge.referralId ? { referralId: discharge.referralId } : { dischargedBy: discharge.agencyId },
    status: 'open',
  });
  if (added || (await deps.worklist.get(workItemId))?.status === 'open') await deps.worklist.close(workItemId, discharge.dischargedAt);
}
