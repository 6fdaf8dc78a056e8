/**
 * Identification and assessment history (识别, 评估 with 风险等级; docs/care-loop.md): append-only entries by the
 * holders of a case. Where the child stands is the latest entry (by the day it was made): never assessed,
 * identified healthy, identified at risk, or assessed at a level of the province's scale; never assessed and
 * identified healthy are different states everywhere. A rise of the latest level tells the coordinating role and
 * the other holders the fact and the level, once. Reads go through the consent gate (category `assessment`).
 */
import type { AssessmentInput } from '../../../schemas/assessments';
import type { Assessment, AssessmentState } from '../../../schemas/entities/care';
import type { Consent, EmergencyGrant, Purpose } from '../../../schemas/entities/consents';
import { NotFoundError, ValidationError } from '../../shared/errors';
import { derivedId } from '../../shared/ids';
import { decideCategories, holderLabels, type Reader } from '../consent/gate';
import { type CareDeps, careNow, claimFor, type CreateRequest, requireCaseHolder, settleCreate } from './care-deps';
import { establishPurpose } from './purpose';
import { coordinatorsOf } from './worklist';
import { syncHighRisk } from './high-risk';

/** Where the child stands after this entry. */
export function stateOf(a: Assessment): AssessmentState {
  const base = { on: a.assessedOn, agencyId: a.agencyId, assessmentId: a.assessmentId };
  if (a.kind === 'identification') return { ...base, state: a.outcome === 'healthy' ? 'identified_healthy' : 'identified_at_risk' };
  return { ...base, state: 'assessed', ...(a.riskLevel && { riskLevel: a.riskLevel }) };
}

/** Orders entries: the day it was made, then when it was recorded, then id. */
export const basisOf = (a: Pick<Assessment, 'assessedOn' | 'recordedAt' | 'assessmentId'>) => `${a.assessedOn}#${a.recordedAt}#${a.assessmentId}`;

/** Whether `next` is a rise over `previous` on the scale (from no level, any level above the lowest is a rise). */
export function isRise(scale: readonly string[], previous: string | undefined, next: string | undefined): boolean {
  if (next === undefined) return false;
  const to = scale.indexOf(next);
  const from = previous === undefined ? 0 : scale.indexOf(previous);
  return to > from;
}

const sealing = (deps: CareDeps, a: Pick<Assessment, 'agencyId' | 'assessmentId'>) =>
  [
    { province: deps.province, agency: a.agencyId, table: 'care' },
    { table: 'care', recordId: a.assessmentId, schemaVersion: 1 },
  ] as const;

export async function recordAssessment(deps: CareDeps, reader: Reader, caseId: string, input: AssessmentInput, request: CreateRequest) {
  const members = await requireCaseHolder(deps, reader, caseId);
  if (input.riskLevel !== undefined && !deps.care.riskScale.includes(input.riskLevel)) {
    throw new ValidationError([
      {
        path: 'riskLevel',
        message: `not on this province's scale: ${deps.care.riskScale.join(', ')}`,
        message_zh: `不在本省风险等级中：${deps.care.riskScale.join('、')}`,
      },
    ]);
  }
  const now = careNow(deps);
  const assessmentId = derivedId('asm', caseId, reader.agencyId, request.key);
  const entry: Assessment = {
    assessmentId,
    caseId,
    kind: input.kind,
    ...(input.outcome && { outcome: input.outcome }),
    ...(input.riskLevel && { riskLevel: input.riskLevel }),
    riskFactors: input.riskFactors,
    ...(input.instrument && { instrument: input.instrument }),
    ...(input.score !== undefined && { score: input.score }),
    assessorStaffId: input.assessorStaffId,
    assessedOn: input.assessedOn,
    agencyId: reader.agencyId,
    recordedAt: now.toISOString(),
    ...(input.notes && {
      sealed: JSON.stringify(await deps.cipher.seal(...sealing(deps, { agencyId: reader.agencyId, assessmentId }), { notes: input.notes })),
    }),
  };
  const before = await deps.assessments.state(caseId);
  const settled = settleCreate(await deps.assessments.create(entry, claimFor(reader, request, caseId, assessmentId, now)), request);
  const stored = settled.created ? entry : (await deps.assessments.forCase(caseId)).find((a) => a.assessmentId === settled.resourceId);
  if (!stored) throw new NotFoundError('No such assessment');
  // Where the child stands moves only if this is the latest entry (an older one recorded late changes nothing).
  const moved = await deps.assessments.setState(caseId, stateOf(stored), basisOf(stored));
  await syncHighRisk(deps, caseId);
  const level = stored.kind === 'identification' ? undefined : stored.riskLevel;
  if (moved && isRise(deps.care.riskScale, before.state === 'assessed' ? before.riskLevel : undefined, level)) {
    const recipients = new Set([...coordinatorsOf(deps), ...members.map((m) => m.agencyId)]);
    recipients.delete(reader.agencyId);
    await Promise.all(
      [...recipients].map((recipient) =>
        deps.notifications.notify(
          {
            recipient,
            at: stored.recordedAt,
            kind: 'risk_level_raised',
            caseId,
            riskLevel: level!,
            severity: level === deps.care.riskScale.at(-1) ? 'high' : 'info',
          },
          `risk_level_raised#${stored.assessmentId}#${recipient}`,
        ),
      ),
    );
  }
  return { assessment: await entryView(deps, stored, (a) => a, true), created: settled.created };
}

async function entryView(deps: CareDeps, a: Assessment, label: (agencyId: string) => string, own: boolean) {
  const { sealed, assessorStaffId, recordedAt: _r, ...codes } = a;
  const notes = sealed ? (await deps.cipher.open(...sealing(deps, a), JSON.parse(sealed), ['notes'])).notes : undefined;
  return { ...codes, agencyId: label(a.agencyId), ...(own && { assessorStaffId }), ...(typeof notes === 'string' && { notes }) };
}

/** Where the child stands, as one reader may see it: withheld when the consent gate does not cover the entry it comes from. */
export function gatedState(
  state: AssessmentState,
  reader: Reader,
  purpose: Purpose,
  consents: readonly Consent[],
  emergencies: readonly EmergencyGrant[],
  now: Date,
): { state: AssessmentState['state'] | 'withheld'; riskLevel?: string; on?: string } {
  if (state.state === 'never_assessed' || !state.agencyId) return { state: 'never_assessed' };
  const [d] = decideCategories({ reader, purpose, holderAgencyId: state.agencyId, categories: ['assessment'], consents, emergencies, now });
  if (!d!.allowed) return { state: 'withheld' };
  return { state: state.state, ...(state.riskLevel && { riskLevel: state.riskLevel }), ...(state.on && { on: state.on }) };
}

/** The history for a holder, under its declared (and established) purpose: own entries in full, others' as consent allows. */
export async function listAssessments(deps: CareDeps, reader: Reader & { purpose?: Purpose }, caseId: string) {
  if (!reader.purpose) {
    throw new ValidationError([{ path: 'purpose', message: 'the signed request must declare a purpose (claim "purpose")', message_zh: '签名请求须声明目的' }]);
  }
  const purpose = reader.purpose;
  const members = await requireCaseHolder(deps, reader, caseId);
  await establishPurpose(deps, reader, caseId, purpose);
  const now = careNow(deps);
  const [entries, state, { consents, emergencies }] = await Promise.all([
    deps.assessments.forCase(caseId),
    deps.assessments.state(caseId),
    deps.consents.forCase(caseId),
  ]);
  const labels = holderLabels({ reader, holders: members.map((m) => m.agencyId), consents, emergencies, now });
  const items = [];
  const withheld = [];
  const bases = new Set<string>();
  const disclosed = new Set<string>();
  for (const a of entries) {
    const [d] = decideCategories({ reader, purpose, holderAgencyId: a.agencyId, categories: ['assessment'], consents, emergencies, now });
    if (!d!.allowed) {
      withheld.push({ assessmentId: a.assessmentId, agencyId: labels.label(a.agencyId), reason: d!.reason! });
      continue;
    }
    bases.add(d!.basis!);
    disclosed.add(a.agencyId);
    items.push(await entryView(deps, a, labels.label, a.agencyId === reader.agencyId));
  }
  return {
    view: { caseId, current: gatedState(state, reader, purpose, consents, emergencies, now), items, withheld },
    disclosure: {
      purpose,
      legalBasis: [...bases],
      disclosed: [...disclosed].map((agency) => ({ agency, categories: ['assessment'] })),
      withheld: withheld.map((w) => ({ agency: w.agencyId, category: 'assessment', reason: w.reason })),
    },
  };
}
