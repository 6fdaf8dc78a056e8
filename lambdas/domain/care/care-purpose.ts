/**
 * The purposes the care loop's own routes take (docs/consent.md): `care_plan` and `follow_up` need the reader's
 * care in the case: a record in it with the guardian's agreement to follow-up in force, or an active care-team
 * member (`carePurposeHolds`, the one rule). Each route declares which purpose it is read or written under.
 */
import type { CarePlanVersion } from '../../../schemas/entities/care';
import type { Purpose } from '../../../schemas/entities/consents';
import { PurposeNotEstablishedError, ValidationError } from '../../shared/errors';
import type { Reader } from '../consent/gate';
import { followUpAgreement } from './agreements';
import { type CareDeps, careNow } from './care-deps';
import { careTeamAgencies } from './care-team';

/** What the care of a case is now: its holders, the agencies with an active care-team member, the agreement, its plans. */
export interface CaseCare {
  readonly holders: Set<string>;
  readonly team: Set<string>;
  readonly followUp: boolean;
  readonly plans: Map<string, CarePlanVersion[]>;
}

export async function caseCare(deps: Pick<CareDeps, 'cases' | 'agreements' | 'careTeams' | 'carePlans' | 'now'>, caseId: string): Promise<CaseCare> {
  const now = careNow(deps);
  const [members, agreements, team, versions] = await Promise.all([
    deps.cases.members(caseId),
    deps.agreements.forCase(caseId),
    deps.careTeams.forCase(caseId),
    deps.carePlans.forCase(caseId),
  ]);
  const plans = new Map<string, CarePlanVersion[]>();
  for (const v of [...versions].sort((a, b) => a.version - b.version)) (plans.get(v.planId) ?? plans.set(v.planId, []).get(v.planId)!).push(v);
  return {
    holders: new Set(members.map((m) => m.agencyId)),
    team: careTeamAgencies(team, now),
    followUp: followUpAgreement(agreements, now) !== undefined,
    plans,
  };
}

/** Whether the reader's care establishes `care_plan` and `follow_up` in this case. */
export function carePurposeHolds(care: Pick<CaseCare, 'holders' | 'team' | 'followUp'>, reader: Reader): boolean {
  return (care.holders.has(reader.agencyId) && care.followUp) || care.team.has(reader.agencyId);
}

const PURPOSE_ZH: Readonly<Record<string, string>> = { care_plan: '关爱方案', follow_up: '随访跟踪' };

/** A route read or written under one purpose: it must be declared, and be that one. */
export function requirePurpose(declared: Purpose | undefined, expected: 'care_plan' | 'follow_up'): void {
  if (declared === undefined) {
    throw new ValidationError([{ path: 'purpose', message: 'the signed request must declare a purpose (claim "purpose")', message_zh: '签名请求须声明目的' }]);
  }
  if (declared !== expected) {
    throw new PurposeNotEstablishedError(
      `This is read and written under the ${expected} purpose`,
      `此项仅可在“${PURPOSE_ZH[expected]}”（${expected}）目的下读写`,
    );
  }
}

export const purposeNotEstablished = (purpose: 'care_plan' | 'follow_up') =>
  new PurposeNotEstablishedError(
    `The ${purpose} purpose needs your care in this case: a record with the guardian's agreement to follow-up in force, or an active care-team member`,
    `“${PURPOSE_ZH[purpose]}”目的须以本机构参与该个案关爱为前提：持有记录且监护人同意接受跟进服务，或有在岗关爱团队成员`,
  );
