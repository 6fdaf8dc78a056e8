/**
 * Key recipients at high risk need a plan and someone caring (docs/care-loop.md, "Overdue work"): while a child is
 * an active key recipient whose latest assessment is among the province's top `care.highRiskLevels` levels, the
 * coordinating role owes it an active care plan and an active care-team member, each due `care.highRiskCareDays`
 * after the condition began. Re-evaluated whenever one of its inputs changes (enrolment or exit, an assessment, a
 * plan version, a care-team change); the due date is set when the obligation opens and kept until it closes.
 */
import type { WorkKind } from '../../../schemas/care';
import { type CareDeps, careNow } from './care-deps';
import { careTeamAgencies } from './care-team';
import { closeObligation, coordinatorsOf, obligationIdOf, scheduleWork } from './worklist';

const DAY_MS = 86_400_000;

export async function syncHighRisk(deps: CareDeps, caseId: string): Promise<void> {
  const now = careNow(deps);
  const [key, state, versions, team] = await Promise.all([
    deps.keyRecipients.status(caseId),
    deps.assessments.state(caseId),
    deps.carePlans.forCase(caseId),
    deps.careTeams.forCase(caseId),
  ]);
  const high = key.status === 'active' && state.state === 'assessed' && deps.care.riskScale.slice(-deps.care.highRiskLevels).includes(state.riskLevel ?? '');
  const latest = new Map<string, { version: number; status: string }>();
  for (const v of versions) if ((latest.get(v.planId)?.version ?? 0) < v.version) latest.set(v.planId, v);
  const hasPlan = [...latest.values()].some((v) => v.status === 'active');
  const hasCarer = careTeamAgencies(team, now).size > 0;
  const coordinator = coordinatorsOf(deps)[0];
  if (!coordinator) return;
  const basis = now.toISOString();
  const sync = async (kind: WorkKind, owed: boolean) => {
    if (!owed) return void (await closeObligation(deps, kind, caseId, basis));
    const open = await deps.worklist.get(obligationIdOf(kind, caseId));
    if (open?.status === 'open') return; // already owed: its due date stays
    await scheduleWork(deps, {
      agencyId: coordinator,
      kind,
      caseId,
      subjectId: caseId,
      due: new Date(now.getTime() + deps.care.highRiskCareDays * DAY_MS).toISOString(),
      basis,
      detail: { riskLevel: state.riskLevel ?? '' },
    });
  };
  await Promise.all([sync('high_risk_without_plan', high && !hasPlan), sync('high_risk_without_carer', high && !hasCarer)]);
}
