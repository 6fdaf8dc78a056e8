/**
 * Care teams (FHIR CareTeam; docs/care-loop.md): the growth mentor, peer partner, paired carer, children's
 * director, psychiatrist, … around one child. A holder of the case adds members of its own agency; the
 * coordinating role may add any agency's (it assigns paired carers). A peer partner is another child: nothing that
 * identifies them is accepted or stored. Active membership establishes the `follow_up` and `care_plan` purposes
 * for the member's agency (`careTeamAgencies`, the one rule).
 */
import type { CareTeamMemberInput } from '../../../schemas/care';
import type { CareTeamMember } from '../../../schemas/entities/care';
import { ForbiddenError, NotFoundError, StateConflictError, ValidationError } from '../../shared/errors';
import { derivedId } from '../../shared/ids';
import { holderLabels, type Reader } from '../consent/gate';
import { closeObligation } from './worklist';
import { syncHighRisk } from './high-risk';
import { type CareDeps, careDisclosure, careNow, chinaDate, claimFor, type CreateRequest, isCoordinator, settleCreate } from './care-deps';

export type MemberStatus = 'active' | 'planned' | 'ended';

/** A membership's status on a date (China Standard Time): ended early or past its planned end, not yet begun, or active. */
export function memberStatus(m: CareTeamMember, today: string): MemberStatus {
  if (m.endedAt !== undefined || (m.end !== undefined && m.end < today)) return 'ended';
  return m.start > today ? 'planned' : 'active';
}

/** The agencies with an active member in the case's care team now. */
export function careTeamAgencies(members: readonly CareTeamMember[], now: Date): Set<string> {
  const today = chinaDate(now);
  return new Set(members.filter((m) => memberStatus(m, today) === 'active').map((m) => m.agencyId));
}

/** Who may see a care team: holders of the case, the coordinating role, and agencies with a member (active or planned). */
async function requireTeamReader(deps: CareDeps, reader: Reader, caseId: string) {
  const [members, team] = await Promise.all([deps.cases.members(caseId), deps.careTeams.forCase(caseId)]);
  const today = chinaDate(careNow(deps));
  const holder = members.some((m) => m.agencyId === reader.agencyId);
  const inTeam = team.some((m) => m.agencyId === reader.agencyId && memberStatus(m, today) !== 'ended');
  // A coordinator sees the teams of cases that exist; for anyone else an unknown case and a foreign one look alike.
  if (!holder && !inTeam && !(isCoordinator(deps, reader) && members.length > 0)) throw new NotFoundError('No such case');
  const basis = holder ? 'case_holder' : inTeam ? 'care_team' : 'coordinating_role';
  return { members, team, holder, basis };
}

export async function addCareTeamMember(
  deps: CareDeps,
  reader: Reader,
  caseId: string,
  input: CareTeamMemberInput,
  request: CreateRequest,
): Promise<{ member: CareTeamMember; created: boolean }> {
  const { holder } = await requireTeamReader(deps, reader, caseId);
  const coordinator = isCoordinator(deps, reader);
  if (!holder && !coordinator)
    throw new ForbiddenError('Only a holder of the case or the coordinating role adds care-team members', '仅个案记录持有机构或统筹部门可添加关爱团队成员');
  const agencyId = input.agencyId ?? reader.agencyId;
  if (agencyId !== reader.agencyId && !coordinator) {
    throw new ForbiddenError("Only the coordinating role adds another agency's staff to a care team", '仅统筹部门可将其他机构人员加入关爱团队');
  }
  if (!deps.agencies.some((a) => a.id === agencyId)) {
    throw new ValidationError([{ path: 'agencyId', message: 'not a registered agency system', message_zh: '不是已登记的机构系统' }]);
  }
  const now = careNow(deps);
  const today = chinaDate(now);
  const start = input.start ?? today;
  if (input.end !== undefined && input.end < today) {
    throw new ValidationError([{ path: 'end', message: 'must not be in the past', message_zh: '不能早于今天' }]);
  }
  const memberId = derivedId('ctm', caseId, reader.agencyId, request.key);
  const member: CareTeamMember = {
    memberId,
    caseId,
    role: input.role,
    agencyId,
    ...(input.staffId !== undefined && { staffId: input.staffId }),
    start,
    ...(input.end !== undefined && { end: input.end }),
    addedBy: reader.agencyId,
    addedAt: now.toISOString(),
  };
  const settled = settleCreate(await deps.careTeams.create(member, claimFor(reader, request, caseId, memberId, now)), request);
  // A paired carer meets the coordinator's "assign a paired carer" after a discharge (结对关爱).
  if (input.role === 'paired_carer') await closeObligation(deps, 'assign_paired_carer', caseId, now.toISOString());
  await syncHighRisk(deps, caseId);
  if (settled.created) return { member, created: true };
  const first = (await deps.careTeams.forCase(caseId)).find((m) => m.memberId === settled.resourceId);
  if (!first) throw new NotFoundError('No such care-team member');
  return { member: first, created: false };
}

/** Ends a membership: the member's agency or the coordinating role; once. */
export async function endCareTeamMember(deps: CareDeps, reader: Reader, caseId: string, memberId: string, reason: string): Promise<CareTeamMember> {
  const { team } = await requireTeamReader(deps, reader, caseId);
  const member = team.find((m) => m.memberId === memberId);
  if (!member) throw new NotFoundError('No such care-team member');
  if (member.agencyId !== reader.agencyId && !isCoordinator(deps, reader)) {
    throw new ForbiddenError("Only the member's agency or the coordinating role ends a membership", '仅成员所属机构或统筹部门可结束其关爱团队成员身份');
  }
  const at = careNow(deps).toISOString();
  if (!(await deps.careTeams.end(caseId, memberId, { at, by: reader.agencyId, reason }))) {
    throw new StateConflictError('This membership has ended already', '该成员身份已结束');
  }
  await syncHighRisk(deps, caseId);
  return { ...member, endedAt: at, endedBy: reader.agencyId, endReason: reason };
}

/** One member as a reader sees it: agencies labelled as everywhere else; the staff id only to its agency and the coordinator. */
export function memberView(deps: CareDeps, reader: Reader, m: CareTeamMember, today: string, label: (agencyId: string) => string) {
  const { addedBy: _a, addedAt: _t, endedBy: _e, staffId, ...rest } = m;
  const seesStaff = m.agencyId === reader.agencyId || isCoordinator(deps, reader);
  return { ...rest, agencyId: label(m.agencyId), ...(seesStaff && staffId !== undefined && { staffId }), status: memberStatus(m, today) };
}

export async function listCareTeam(deps: CareDeps, reader: Reader, caseId: string) {
  const { members, team, basis } = await requireTeamReader(deps, reader, caseId);
  const now = careNow(deps);
  const { consents, emergencies } = await deps.consents.forCase(caseId);
  const labels = holderLabels({ reader, holders: members.map((m) => m.agencyId), consents, emergencies, now });
  const today = chinaDate(now);
  const order = (m: CareTeamMember) => `${memberStatus(m, today) === 'ended' ? 1 : 0}|${m.start}|${m.memberId}`;
  const sorted = [...team].sort((a, b) => (order(a) < order(b) ? -1 : 1));
  return {
    view: { caseId, items: sorted.map((m) => memberView(deps, reader, m, today, labels.label)) },
    disclosure: careDisclosure(
      basis,
      'care_team',
      team.map((m) => m.agencyId),
    ),
  };
}
