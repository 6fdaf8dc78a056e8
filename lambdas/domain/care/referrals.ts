/**
 * Referrals both ways (双向转介; docs/care-loop.md, "Referrals"): a holder of the case asks another agency to take
 * the child on (FHIR ServiceRequest), and both follow it as a Task through the state machine in referral-states.ts.
 * A referral needs the guardian's agreement to follow-up in force (`followUpAgreement`), except a crisis referral
 * (`priority: stat`) under the requester's open emergency access, which is audited at high severity. Only its
 * requester and owner see it; to anyone else it does not exist (404).
 */
import type { ReferralInput, TransitionInput } from '../../../schemas/referrals';
import type { Referral, ReferralStatus, ReferralTransition } from '../../../schemas/entities/care';
import type { CareConfig } from '../../../schemas/province-config';
import { NotFoundError, ReferralNeedsAgreementError, StateConflictError, ValidationError } from '../../shared/errors';
import { derivedId } from '../../shared/ids';
import { activeEmergency, type Reader } from '../consent/gate';
import { followUpAgreement } from './agreements';
import { type CareDeps, careNow, claimFor, type CreateRequest, settleCreate } from './care-deps';
import { allowedMoves, findMove, type Party } from './referral-states';
import { startAfterDischarge } from './discharge';
import { addWork, closeObligation, closeWork, scheduleWork } from './worklist';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const CST_MS = 8 * HOUR_MS;

/** `days` working days after `at` (Monday to Friday in China Standard Time; public holidays are not modelled). */
export function addWorkingDays(at: Date, days: number): Date {
  let t = at.getTime();
  for (let counted = 0; counted < days; ) {
    t += DAY_MS;
    const weekday = new Date(t + CST_MS).getUTCDay();
    if (weekday !== 0 && weekday !== 6) counted++;
  }
  return new Date(t);
}

/** Task.restriction.period: by when a referral of this priority must be acknowledged, and the child first seen. */
export function deadlinesFor(config: CareConfig, priority: Referral['priority'], createdAt: Date) {
  const d = config.referralDeadlines[priority];
  const acknowledgeBy =
    d.acknowledgeHours !== undefined ? new Date(createdAt.getTime() + d.acknowledgeHours * HOUR_MS) : addWorkingDays(createdAt, d.acknowledgeWorkingDays ?? 1);
  return { acknowledgeBy: acknowledgeBy.toISOString(), firstContactBy: new Date(createdAt.getTime() + d.firstContactDays * DAY_MS).toISOString() };
}

/** The owner's agency system: named, or the one system of the agency type named. */
function resolveOwner(deps: CareDeps, reader: Reader, to: ReferralInput['to']): string {
  const fail = (path: string, message: string, zh: string) =>
    new ValidationError([{ path, message, message_zh: zh }], 'The referral cannot be addressed', '转介对象无效');
  let owner: string;
  if ('agencyId' in to) {
    if (!deps.agencies.some((a) => a.id === to.agencyId)) throw fail('to.agencyId', 'not a registered agency system', '不是已登记的机构系统');
    owner = to.agencyId;
  } else {
    const systems = deps.agencies.filter((a) => a.type === to.agencyType);
    if (systems.length !== 1) {
      throw fail(
        'to.agencyType',
        `this province has ${systems.length} systems of that type: name one by agencyId`,
        `本省该类型机构系统共 ${systems.length} 个，请以 agencyId 指定`,
      );
    }
    owner = systems[0]!.id;
  }
  if (owner === reader.agencyId) throw fail('to', 'a referral goes to another agency', '不能转介给本机构');
  return owner;
}

const partyOf = (r: Referral, agencyId: string): Party | undefined => (r.requester === agencyId ? 'requester' : r.owner === agencyId ? 'owner' : undefined);

const sealing = (deps: CareDeps, r: Pick<Referral, 'requester' | 'referralId'>) =>
  [
    { province: deps.province, agency: r.requester, table: 'care' },
    { table: 'care', recordId: r.referralId, schemaVersion: 1 },
  ] as const;

export async function makeReferral(deps: CareDeps, reader: Reader, input: ReferralInput, request: CreateRequest) {
  const { caseId } = input;
  const [members, existing] = await Promise.all([deps.cases.members(caseId), deps.referrals.forCase(caseId)]);
  const base = input.basedOn ? existing.find((r) => r.referralId === input.basedOn) : undefined;
  // A holder of the case refers; so does the owner of a referral it answers (a hospital referring back after discharge may hold no record).
  const holder = members.some((m) => m.agencyId === reader.agencyId);
  if (!holder && !(base && base.owner === reader.agencyId)) throw new NotFoundError('No such case');
  if (input.basedOn && (!base || !partyOf(base, reader.agencyId))) {
    throw new ValidationError([{ path: 'basedOn', message: 'not a referral of this case you take part in', message_zh: '不是本机构参与的本个案转介' }]);
  }
  const owner = resolveOwner(deps, reader, input.to);
  const now = careNow(deps);
  const [agreements, { emergencies }] = await Promise.all([deps.agreements.forCase(caseId), deps.consents.forCase(caseId)]);
  const agreement = followUpAgreement(agreements, now);
  const emergency = !agreement && input.priority === 'stat' ? activeEmergency(reader, emergencies, now) : undefined;
  if (!agreement && !emergency) throw new ReferralNeedsAgreementError();
  const referralId = derivedId('ref', caseId, reader.agencyId, request.key);
  const referral: Referral = {
    referralId,
    caseId,
    requester: reader.agencyId,
    owner,
    reasons: input.reasons,
    priority: input.priority,
    ...(input.basedOn && { basedOn: input.basedOn }),
    status: 'requested',
    ...deadlinesFor(deps.care, input.priority, now),
    ...(agreement && { agreementId: agreement.agreementId, childView: agreement.childView }),
    ...(emergency && { emergencyGrantId: emergency.grantId }),
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    version: 1,
    ...(input.note && { sealed: JSON.stringify(await deps.cipher.seal(...sealing(deps, { requester: reader.agencyId, referralId }), { note: input.note })) }),
  };
  const settled = settleCreate(await deps.referrals.create(referral, claimFor(reader, request, caseId, referralId, now)), request);
  const stored = settled.created ? referral : await deps.referrals.get(caseId, settled.resourceId!);
  if (!stored) throw new NotFoundError('No such referral');
  // Side effects repeat harmlessly on a retry (each is once-only), so a crash after the create is repaired by it.
  await Promise.all([
    notifyParty(deps, stored, stored.owner, 'referral_requested'),
    scheduleWork(deps, { agencyId: owner, kind: 'referral_acknowledge_due', caseId, subjectId: referralId, due: stored.acknowledgeBy, basis: '000001' }),
    scheduleWork(deps, { agencyId: owner, kind: 'referral_start_due', caseId, subjectId: referralId, due: stored.firstContactBy, basis: '000001' }),
    ...(stored.basedOn ? [closeWork(deps, { agencyId: reader.agencyId, kind: 're_refer_or_close', subjectId: stored.basedOn })] : []),
  ]);
  return { referral: await referralView(deps, reader, stored), created: settled.created, emergency: emergency !== undefined };
}

function notifyParty(deps: CareDeps, r: Referral, recipient: string, kind: 'referral_requested' | 'referral_updated') {
  return deps.notifications.notify(
    {
      recipient,
      at: r.updatedAt,
      kind,
      caseId: r.caseId,
      subjectId: r.referralId,
      severity: r.priority === 'stat' ? 'high' : 'info',
      referralStatus: r.status,
    },
    `${kind}#${r.referralId}#${r.version}#${recipient}`,
  );
}

/** The referral, for its requester or owner only; anyone else: 404. */
async function referralFor(deps: CareDeps, reader: Reader, referralId: string) {
  const caseId = await deps.referrals.caseOf(referralId);
  const referral = caseId ? await deps.referrals.get(caseId, referralId) : undefined;
  const party = referral && partyOf(referral, reader.agencyId);
  if (!referral || !party) throw new NotFoundError('No such referral');
  return { referral, party };
}

/** The case of a referral its reader takes part in (so that every audit event names the case before anything refuses). */
export async function caseOfReferral(deps: CareDeps, reader: Reader, referralId: string): Promise<string> {
  return (await referralFor(deps, reader, referralId)).referral.caseId;
}

export async function moveReferral(deps: CareDeps, reader: Reader, referralId: string, input: TransitionInput) {
  const { referral, party } = await referralFor(deps, reader, referralId);
  const move = findMove(referral.status, input.to, party);
  if (!move) {
    const allowed = allowedMoves(referral.status, party).map((m) => m.to);
    throw new StateConflictError(
      `As ${party}, from ${referral.status} you may move this referral to: ${allowed.join(', ') || 'nothing'}`,
      `作为${party === 'owner' ? '接收方' : '转出方'}，当前状态（${referral.status}）可变更为：${allowed.join('、') || '无'}`,
    );
  }
  const now = careNow(deps).toISOString();
  const next: Referral = {
    ...referral,
    status: input.to,
    ...(input.reason && { statusReason: input.reason }),
    ...(input.outcome && { outcome: input.outcome }),
    // Task.executionPeriod.start: the first start only (on-hold -> in-progress keeps it).
    ...(input.to === 'in-progress' && !referral.startedAt && { startedAt: now }),
    updatedAt: now,
    version: referral.version + 1,
  };
  const record: ReferralTransition = {
    referralId,
    seq: referral.version,
    from: referral.status,
    to: input.to,
    by: reader.agencyId,
    at: now,
    ...(input.reason && { reason: input.reason }),
    ...(input.outcome && { outcome: input.outcome }),
  };
  if (!(await deps.referrals.transition(next, record, referral.version))) {
    throw new StateConflictError('The referral changed meanwhile: read it again', '转介状态已被更新，请重新读取');
  }
  await afterMove(deps, next);
  return referralView(deps, reader, next, { transitions: true });
}

/** What a move sets going: the other party told, obligations met or dropped, work for the requester or the coordinator. */
async function afterMove(deps: CareDeps, r: Referral) {
  const basis = String(r.version).padStart(6, '0');
  const other = r.status === 'cancelled' ? r.owner : r.requester;
  const jobs: Promise<unknown>[] = [notifyParty(deps, r, other, 'referral_updated')];
  if (r.status !== 'requested') jobs.push(closeObligation(deps, 'referral_acknowledge_due', r.referralId, basis));
  if (!['requested', 'received', 'accepted'].includes(r.status)) jobs.push(closeObligation(deps, 'referral_start_due', r.referralId, basis));
  if (r.status === 'rejected' || r.status === 'failed') {
    jobs.push(
      addWork(deps, {
        agencyId: r.requester,
        kind: 're_refer_or_close',
        caseId: r.caseId,
        subjectId: r.referralId,
        detail: { status: r.status, reason: r.statusReason ?? '' },
      }),
    );
  }
  if (r.status === 'completed' && r.outcome === 'discharged') {
    jobs.push(startAfterDischarge(deps, { caseId: r.caseId, agencyId: r.owner, dischargedAt: r.updatedAt, referralId: r.referralId }));
  }
  await Promise.all(jobs);
}

/** A referral as its requester or owner sees it: both parties named (they know each other), the note, the moves open to the reader. */
export async function referralView(deps: CareDeps, reader: Reader, r: Referral, extra: { transitions?: boolean; chain?: boolean } = {}) {
  const { sealed, agreementId: _a, emergencyGrantId, ...codes } = r;
  const party = partyOf(r, reader.agencyId)!;
  const note = sealed ? (await deps.cipher.open(...sealing(deps, r), JSON.parse(sealed), ['note'])).note : undefined;
  const transitions = extra.transitions ? await deps.referrals.transitions(r.caseId, r.referralId) : undefined;
  return {
    ...codes,
    ...(emergencyGrantId && { emergency: true }),
    ...(typeof note === 'string' && { note }),
    allowedMoves: allowedMoves(r.status, party).map((m) => m.to),
    ...(transitions && {
      transitions: transitions.map((t) => ({ ...t, by: t.by === r.requester ? ('requester' as const) : ('owner' as const), referralId: undefined })),
    }),
    ...(extra.chain && { chain: await chainOf(deps, r) }),
  };
}

/** The referrals this one answers and those that answer it, oldest first (a two-way referral is visible to both ends). */
async function chainOf(deps: CareDeps, r: Referral) {
  const all = await deps.referrals.forCase(r.caseId);
  const byId = new Map(all.map((x) => [x.referralId, x]));
  const inChain = new Set<string>([r.referralId]);
  for (let up = r.basedOn ? byId.get(r.basedOn) : undefined; up && !inChain.has(up.referralId); up = up.basedOn ? byId.get(up.basedOn) : undefined)
    inChain.add(up.referralId);
  for (let grew = true; grew; ) {
    grew = false;
    for (const x of all) {
      if (x.basedOn && inChain.has(x.basedOn) && !inChain.has(x.referralId)) {
        inChain.add(x.referralId);
        grew = true;
      }
    }
  }
  return all
    .filter((x) => inChain.has(x.referralId))
    .sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1))
    .map((x) => ({ referralId: x.referralId, requester: x.requester, owner: x.owner, status: x.status, ...(x.basedOn && { basedOn: x.basedOn }) }));
}

export async function getReferral(deps: CareDeps, reader: Reader, referralId: string) {
  const { referral } = await referralFor(deps, reader, referralId);
  return referralView(deps, reader, referral, { transitions: true, chain: true });
}

export async function listReferrals(deps: CareDeps, reader: Reader, query: { as: Party; status?: ReferralStatus; limit: number; cursor?: string }) {
  const page = await deps.referrals.list(reader.agencyId, query.as, {
    limit: query.limit,
    ...(query.status && { status: query.status }),
    ...(query.cursor && { cursor: query.cursor }),
  });
  return { items: await Promise.all(page.items.map((r) => referralView(deps, reader, r))), ...(page.cursor && { cursor: page.cursor }) };
}
