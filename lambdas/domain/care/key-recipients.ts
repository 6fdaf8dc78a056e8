/**
 * The key-recipient ledger (重点关爱服务对象台账; FHIR EpisodeOfCare; docs/care-loop.md, "Key recipients"). The
 * coordinating role decides: it enrols a child (even where it holds no record) and ends the episode with an exit
 * reason; re-entry opens a new episode and every episode is kept. Any holder may propose enrolment: the proposal
 * goes on every coordinator's worklist, and an enrolment closes it. At most one episode is active per case,
 * whatever races (the status and the episode change in one conditional transaction).
 */
import type { KeyRecipientEpisode } from '../../../schemas/entities/care';
import { ForbiddenError, NotFoundError, StateConflictError } from '../../shared/errors';
import { derivedId } from '../../shared/ids';
import type { Reader } from '../consent/gate';
import { type CareDeps, careNow, claimFor, type CreateRequest, isCoordinator, settleCreate } from './care-deps';
import { addWork, closeWork, coordinatorsOf } from './worklist';
import { syncHighRisk } from './high-risk';

/** Holders of the case and the coordinating role may act; for anyone else the case does not exist. */
async function requireActor(deps: CareDeps, reader: Reader, caseId: string) {
  const members = await deps.cases.members(caseId);
  const holder = members.some((m) => m.agencyId === reader.agencyId);
  const coordinator = isCoordinator(deps, reader) && members.length > 0;
  if (!holder && !coordinator) throw new NotFoundError('No such case');
  return { coordinator };
}

/** A holder's proposal: one work item per coordinator, once per case (a later proposal adds its reasons to none: the coordinator decides). */
export async function proposeEnrolment(deps: CareDeps, reader: Reader, caseId: string, reasons: readonly string[]) {
  const proposalId = derivedId('kpr', caseId);
  await Promise.all(
    coordinatorsOf(deps).map((agencyId) =>
      addWork(deps, {
        agencyId,
        kind: 'key_recipient_proposal',
        caseId,
        subjectId: proposalId,
        detail: { reasons: reasons.join(','), proposedBy: reader.agencyType },
      }),
    ),
  );
  return { proposalId, caseId, status: 'proposed' as const, reasons: [...reasons] };
}

export async function enrolOrPropose(deps: CareDeps, reader: Reader, caseId: string, reasons: readonly string[], request: CreateRequest) {
  const { coordinator } = await requireActor(deps, reader, caseId);
  if (!coordinator) return { proposal: await proposeEnrolment(deps, reader, caseId, reasons) };
  const now = careNow(deps);
  const episodeId = derivedId('epi', caseId, reader.agencyId, request.key);
  const episode: KeyRecipientEpisode = { episodeId, caseId, status: 'active', reasons, enrolledAt: now.toISOString(), enrolledBy: reader.agencyId };
  const claim = claimFor(reader, request, caseId, episodeId, now);
  const outcome = await deps.keyRecipients.enrol(episode, claim);
  if (!outcome.created && 'taken' in outcome) {
    throw new StateConflictError('The child is a key recipient already: exit the episode first', '该儿童已在重点关爱台账中，请先结束当前服务周期');
  }
  if (!outcome.created) {
    const settled = settleCreate(outcome, request);
    const first = (await deps.keyRecipients.episodes(caseId)).find((e) => e.episodeId === settled.resourceId);
    if (!first) throw new NotFoundError('No such episode');
    return { episode: first, created: false };
  }
  // Enrolled: the coordinators' proposals for this case are decided.
  await Promise.all(coordinatorsOf(deps).map((agencyId) => closeWork(deps, { agencyId, kind: 'key_recipient_proposal', subjectId: derivedId('kpr', caseId) })));
  await syncHighRisk(deps, caseId);
  return { episode, created: true };
}

export async function exitEpisode(deps: CareDeps, reader: Reader, caseId: string, reason: string) {
  const { coordinator } = await requireActor(deps, reader, caseId);
  if (!coordinator) throw new ForbiddenError('Only the coordinating role ends a key-recipient episode', '仅统筹部门可结束重点关爱服务周期');
  const status = await deps.keyRecipients.status(caseId);
  if (status.status !== 'active' || !status.episodeId) throw new StateConflictError('The child is not a key recipient now', '该儿童当前不在重点关爱台账中');
  const at = careNow(deps).toISOString();
  if (!(await deps.keyRecipients.exit(caseId, status.episodeId, { at, by: reader.agencyId, reason }))) {
    throw new StateConflictError('The episode changed meanwhile: read it again', '服务周期状态已变更，请重新读取');
  }
  const episode = (await deps.keyRecipients.episodes(caseId)).find((e) => e.episodeId === status.episodeId)!;
  await syncHighRisk(deps, caseId);
  return episode;
}

export async function listEpisodes(deps: CareDeps, reader: Reader, caseId: string) {
  await requireActor(deps, reader, caseId);
  const [status, episodes] = await Promise.all([deps.keyRecipients.status(caseId), deps.keyRecipients.episodes(caseId)]);
  const view = (e: KeyRecipientEpisode) => {
    const { enrolledBy: _e, exitedBy: _x, ...rest } = e;
    return rest;
  };
  return {
    caseId,
    current: { status: status.status, ...(status.since && { since: status.since }), ...(status.reasons && { reasons: status.reasons }) },
    episodes: [...episodes].sort((a, b) => (a.enrolledAt < b.enrolledAt ? 1 : -1)).map(view),
  };
}
