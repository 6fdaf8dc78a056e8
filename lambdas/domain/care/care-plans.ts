/**
 * Care plans (FHIR CarePlan; 分类制定心理关爱方案, 专项关爱服务方案; docs/care-loop.md). A plan is written and read
 * under the `care_plan` purpose, which needs the care the reader takes part in: a holder of the case with the
 * guardian's agreement to follow-up in force, or an agency with an active care-team member (`carePurposeHolds`).
 * Its participants are the agencies that wrote a version, own an activity, or have an active care-team member;
 * they see the whole plan, sealed text included, and update it by new versions based on the latest (a stale base
 * or a lost race answers 409). Other holders and the coordinating role see that a plan exists, never its content.
 */
import type { CarePlanInput, CarePlanVersionInput } from '../../../schemas/care-plans';
import type { CarePlanStatus, CarePlanVersion } from '../../../schemas/entities/care';
import type { Purpose } from '../../../schemas/entities/consents';
import { NotFoundError, StateConflictError, ValidationError } from '../../shared/errors';
import { derivedId } from '../../shared/ids';
import type { Reader } from '../consent/gate';
import { type CareDeps, careDisclosure, careNow, chinaDate, claimFor, type CreateRequest, isCoordinator, settleCreate } from './care-deps';
import { type CaseCare, caseCare, carePurposeHolds, purposeNotEstablished, requirePurpose } from './care-purpose';
import { closeObligation, scheduleWork } from './worklist';
import { syncHighRisk } from './high-risk';

/** FHIR CarePlan.status moves: completed and revoked are final. */
export const PLAN_MOVES: Readonly<Record<CarePlanStatus, readonly CarePlanStatus[]>> = {
  draft: ['draft', 'active', 'revoked'],
  active: ['active', 'on-hold', 'completed', 'revoked'],
  'on-hold': ['on-hold', 'active', 'completed', 'revoked'],
  completed: [],
  revoked: [],
};

/** Agencies taking part in one plan: its authors, the owners of its current activities, and the active care team. */
export function participantsOf(versions: readonly CarePlanVersion[], team: ReadonlySet<string>): Set<string> {
  const latest = versions.at(-1);
  return new Set([...versions.map((v) => v.author), ...(latest?.activities.map((a) => a.ownerAgencyId) ?? []), ...team]);
}

function checkInput(deps: CareDeps, input: CarePlanInput | CarePlanVersionInput, today: string): void {
  const details = input.activities.flatMap((a, i) =>
    deps.agencies.some((x) => x.id === a.ownerAgencyId)
      ? []
      : [{ path: `activities.${i}.ownerAgencyId`, message: 'not a registered agency system', message_zh: '不是已登记的机构系统' }],
  );
  if (input.reviewDate < today) details.push({ path: 'reviewDate', message: 'must not be in the past', message_zh: '不能早于今天' });
  if (details.length > 0) throw new ValidationError(details);
}

async function versionOf(deps: CareDeps, reader: Reader, caseId: string, planId: string, version: number, input: CarePlanInput | CarePlanVersionInput) {
  const now = careNow(deps);
  const activities = input.activities.map((a, i) => ({
    activityId: a.activityId ?? `a${i + 1}`,
    kind: a.kind,
    ownerAgencyId: a.ownerAgencyId,
    due: a.due,
    status: a.status,
  }));
  const sealed = await deps.cipher.seal(
    { province: deps.province, agency: reader.agencyId, table: 'care' },
    { table: 'care', recordId: `${planId}#${version}`, schemaVersion: 1 },
    {
      goals: input.goals.map((g) => g.description),
      descriptions: Object.fromEntries(input.activities.flatMap((a, i) => (a.description ? [[activities[i]!.activityId, a.description]] : []))),
      ...(input.note && { note: input.note }),
    },
  );
  const plan: CarePlanVersion = {
    planId,
    caseId,
    version,
    status: input.status,
    category: input.category,
    activities,
    reviewDate: input.reviewDate,
    author: reader.agencyId,
    createdAt: now.toISOString(),
    sealed: JSON.stringify(sealed),
  };
  return plan;
}

const DAY_MS = 86_400_000;
/** The end of a calendar day in China Standard Time: when something due that day becomes overdue. */
export const endOfChinaDay = (date: string): string => new Date(Date.parse(`${date}T00:00:00+08:00`) + DAY_MS).toISOString();

/**
 * Keeps the plan's obligations in step with its latest version: each open activity of a live plan (active or on
 * hold) is due on its date and owned by its agency; the review is due on the review date and owned by the
 * version's author; everything else (done or cancelled activities, activities dropped from the plan, a draft,
 * completed or revoked plan) is closed. The version number orders the updates.
 */
async function syncObligations(deps: CareDeps, plan: CarePlanVersion, previous?: CarePlanVersion) {
  const basis = String(plan.version).padStart(6, '0');
  const live = plan.status === 'active' || plan.status === 'on-hold';
  const jobs: Promise<boolean>[] = [];
  for (const a of plan.activities) {
    const subjectId = `${plan.planId}#${a.activityId}`;
    const open = live && a.status !== 'completed' && a.status !== 'cancelled';
    jobs.push(
      open
        ? scheduleWork(deps, {
            agencyId: a.ownerAgencyId,
            kind: 'care_plan_activity_due',
            caseId: plan.caseId,
            subjectId,
            due: endOfChinaDay(a.due),
            basis,
            detail: { planId: plan.planId, activityId: a.activityId, activityKind: a.kind },
          })
        : closeObligation(deps, 'care_plan_activity_due', subjectId, basis),
    );
  }
  for (const dropped of previous?.activities.filter((p) => !plan.activities.some((a) => a.activityId === p.activityId)) ?? []) {
    jobs.push(closeObligation(deps, 'care_plan_activity_due', `${plan.planId}#${dropped.activityId}`, basis));
  }
  jobs.push(
    live
      ? scheduleWork(deps, {
          agencyId: plan.author,
          kind: 'care_plan_review_due',
          caseId: plan.caseId,
          subjectId: plan.planId,
          due: endOfChinaDay(plan.reviewDate),
          basis,
          detail: { planId: plan.planId },
        })
      : closeObligation(deps, 'care_plan_review_due', plan.planId, basis),
  );
  await Promise.all(jobs);
  await syncHighRisk(deps, plan.caseId);
}

async function notifyParticipants(deps: CareDeps, plan: CarePlanVersion, participants: Iterable<string>) {
  await Promise.all(
    [...participants]
      .filter((a) => a !== plan.author)
      .map((recipient) =>
        deps.notifications.notify(
          { recipient, at: plan.createdAt, kind: 'care_plan_updated', caseId: plan.caseId, subjectId: plan.planId, severity: 'info' },
          `care_plan_updated#${plan.planId}#${plan.version}#${recipient}`,
        ),
      ),
  );
}

export async function createCarePlan(deps: CareDeps, reader: Reader & { purpose?: Purpose }, caseId: string, input: CarePlanInput, request: CreateRequest) {
  requirePurpose(reader.purpose, 'care_plan');
  const care = await caseCare(deps, caseId);
  if (!care.holders.has(reader.agencyId) && !care.team.has(reader.agencyId)) throw new NotFoundError('No such case');
  if (!carePurposeHolds(care, reader)) throw purposeNotEstablished('care_plan');
  checkInput(deps, input, chinaDate(careNow(deps)));
  const planId = derivedId('pln', caseId, reader.agencyId, request.key);
  const plan = await versionOf(deps, reader, caseId, planId, 1, input);
  const settled = settleCreate(await deps.carePlans.create(plan, claimFor(reader, request, caseId, planId, careNow(deps))), request);
  const stored = settled.created ? plan : (await deps.carePlans.forCase(caseId)).find((v) => v.planId === settled.resourceId && v.version === 1);
  if (!stored) throw new NotFoundError('No such care plan');
  await syncObligations(deps, stored);
  await notifyParticipants(deps, stored, participantsOf([stored], care.team));
  return { plan: await planView(deps, stored), created: settled.created };
}

export async function updateCarePlan(
  deps: CareDeps,
  reader: Reader & { purpose?: Purpose },
  caseId: string,
  planId: string,
  input: CarePlanVersionInput,
  request: CreateRequest,
) {
  requirePurpose(reader.purpose, 'care_plan');
  const care = await caseCare(deps, caseId);
  const versions = care.plans.get(planId);
  const visible = care.holders.has(reader.agencyId) || care.team.has(reader.agencyId) || isCoordinator(deps, reader);
  if (!versions || !(visible || participantsOf(versions, care.team).has(reader.agencyId))) throw new NotFoundError('No such care plan');
  if (!participantsOf(versions, care.team).has(reader.agencyId)) throw purposeNotEstablished('care_plan');
  const latest = versions.at(-1)!;
  // A retry of an update that landed: its claim names the version it wrote.
  const earlier = await deps.carePlans.claimOf(reader.agencyId, request.key);
  if (earlier) {
    const settled = settleCreate({ created: false, earlier }, request);
    const written = versions.find((v) => `${v.planId}#${v.version}` === settled.resourceId);
    if (!written) throw new NotFoundError('No such care plan version');
    // The first attempt may have stopped before its obligations: bring them in step (a later version's basis wins).
    await syncObligations(
      deps,
      written,
      versions.find((v) => v.version === written.version - 1),
    );
    return { plan: await planView(deps, written), created: false };
  }
  if (input.baseVersion !== latest.version) {
    throw new StateConflictError(`The plan is at version ${latest.version}; base your update on it`, `该方案当前为第 ${latest.version} 版，请基于最新版本更新`);
  }
  const allowed = PLAN_MOVES[latest.status as CarePlanStatus];
  if (!allowed.includes(input.status)) {
    throw new StateConflictError(
      `A ${latest.status} plan can move to: ${allowed.join(', ') || 'nothing (it is final)'}`,
      `当前状态（${latest.status}）可变更为：${allowed.join('、') || '无（已终结）'}`,
    );
  }
  checkInput(deps, input, chinaDate(careNow(deps)));
  const plan = await versionOf(deps, reader, caseId, planId, latest.version + 1, input);
  const outcome = await deps.carePlans.putVersion(plan, claimFor(reader, request, caseId, `${planId}#${plan.version}`, careNow(deps)));
  if (!outcome.created && 'taken' in outcome) {
    throw new StateConflictError(
      'Someone updated the plan first; read it and base your update on the new version',
      '方案已被他人先行更新，请读取最新版本后再更新',
    );
  }
  if (!outcome.created) return updateCarePlan(deps, reader, caseId, planId, input, request);
  await syncObligations(deps, plan, latest);
  await notifyParticipants(deps, plan, participantsOf([...versions, plan], care.team));
  return { plan: await planView(deps, plan), created: true };
}

/** A version with its sealed text opened (readers are participants: checked by the callers). */
export async function planView(deps: CareDeps, v: CarePlanVersion) {
  const open = await deps.cipher.open(
    { province: deps.province, agency: v.author, table: 'care' },
    { table: 'care', recordId: `${v.planId}#${v.version}`, schemaVersion: 1 },
    JSON.parse(v.sealed),
  );
  const descriptions = (open.descriptions ?? {}) as Record<string, string>;
  const { sealed: _s, ...codes } = v;
  return {
    ...codes,
    goals: ((open.goals ?? []) as string[]).map((description) => ({ description })),
    activities: v.activities.map((a) => ({ ...a, ...(descriptions[a.activityId] && { description: descriptions[a.activityId] }) })),
    ...(typeof open.note === 'string' && { note: open.note }),
  };
}

/** The plans of a case the reader takes part in (each one's versions, oldest first), and the others as withheld. */
export function plansOf(care: Pick<CaseCare, 'plans' | 'team'>, reader: Reader) {
  const all = [...care.plans.values()];
  const mine = all.filter((vs) => participantsOf(vs, care.team).has(reader.agencyId));
  const withheld = all.filter((vs) => !mine.includes(vs)).map((vs) => ({ planId: vs.at(-1)!.planId, reason: 'NOT_A_PARTICIPANT' as const }));
  return { mine, withheld };
}

/** The latest version of each plan the reader takes part in; the others listed as withheld. */
export async function listCarePlans(deps: CareDeps, reader: Reader & { purpose?: Purpose }, caseId: string, status?: CarePlanStatus) {
  requirePurpose(reader.purpose, 'care_plan');
  const care = await caseCare(deps, caseId);
  const { mine, withheld } = plansOf(care, reader);
  const visible = care.holders.has(reader.agencyId) || care.team.has(reader.agencyId) || isCoordinator(deps, reader);
  if (!visible && mine.length === 0) throw new NotFoundError('No such case');
  if (care.holders.size === 0) throw new NotFoundError('No such case');
  const latest = (vs: CarePlanVersion[]) => vs.at(-1)!;
  const shown = mine.map(latest).filter((v) => status === undefined || v.status === status);
  return {
    view: { caseId, items: await Promise.all(shown.map((v) => planView(deps, v))), withheld },
    disclosure: careDisclosure(
      'care_plan_participant',
      'care_plan',
      shown.map((v) => v.author),
      'care_plan',
    ),
  };
}

/** Every version of one plan, oldest first, for a participant. */
export async function carePlanHistory(deps: CareDeps, reader: Reader & { purpose?: Purpose }, caseId: string, planId: string) {
  requirePurpose(reader.purpose, 'care_plan');
  const care = await caseCare(deps, caseId);
  const versions = care.plans.get(planId);
  if (!versions || !participantsOf(versions, care.team).has(reader.agencyId)) throw new NotFoundError('No such care plan');
  return {
    view: { planId, caseId, versions: await Promise.all(versions.map((v) => planView(deps, v))) },
    disclosure: careDisclosure(
      'care_plan_participant',
      'care_plan',
      versions.map((v) => v.author),
      'care_plan',
    ),
  };
}
