/**
 * What every care-loop use case receives, and the rules they share: who takes part in a case's care, the clock,
 * and one create per idempotency key.
 */
import type { AgencyType } from '../../../schemas/child-record';
import type { IdempotencyClaim } from '../../../schemas/entities/care';
import type { CareConfig } from '../../../schemas/province-config';
import type { FieldCipher } from '../../crypto/field-cipher';
import { IdempotencyKeyReusedError, NotFoundError, StateConflictError } from '../../shared/errors';
import type { CaseFiles } from '../cases/case-file';
import type { Reader } from '../consent/gate';
import type { CaseMembership, ConsentStore, NotificationStore } from '../consent/ports';
import type {
  AgreementStore,
  AssessmentStore,
  CarePlanStore,
  CareTeamStore,
  ContactStore,
  CreateOutcome,
  KeyRecipientStore,
  MergeFollowUpStore,
  ReferralStore,
  RiskLevels,
  WorkItemStore,
} from './ports';

export interface CareDeps {
  readonly province: string;
  readonly coordinatingAgencyType: AgencyType;
  readonly care: CareConfig;
  readonly cases: CaseMembership;
  /** The child's file across merges and splits: which open case holds a merged case's data now (lambdas/domain/cases/case-file.ts). */
  readonly caseFiles: Pick<CaseFiles, 'currentOf'>;
  /** Consents and emergency grants of a case, for the gate and for labelling holders. */
  readonly consents: Pick<ConsentStore, 'forCase'>;
  readonly notifications: NotificationStore;
  readonly cipher: FieldCipher;
  readonly agreements: AgreementStore;
  readonly worklist: WorkItemStore;
  /** Merges whose follow-up (after-merge.ts) is still owed. */
  readonly mergeFollowUps: MergeFollowUpStore;
  readonly careTeams: CareTeamStore;
  readonly carePlans: CarePlanStore;
  readonly contacts: ContactStore;
  readonly referrals: ReferralStore;
  readonly assessments: AssessmentStore;
  readonly keyRecipients: KeyRecipientStore;
  readonly riskLevels: RiskLevels;
  /** The province's agency systems (registry): who holds the coordinating role, whom an agency type names. */
  readonly agencies: readonly { readonly id: string; readonly type: AgencyType }[];
  readonly now?: () => Date;
}

export const careNow = (deps: Pick<CareDeps, 'now'>): Date => (deps.now ?? (() => new Date()))();

/** The calendar date in China Standard Time (UTC+8, no daylight saving): what "today" means to the agencies. */
export const chinaDate = (at: Date): string => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

/** Whether the agency is one of the coordinating role's systems. */
export const isCoordinator = (deps: Pick<CareDeps, 'coordinatingAgencyType'>, reader: Reader): boolean => reader.agencyType === deps.coordinatingAgencyType;

/** A create request's idempotency: the caller's key and the SHA-256 of the exact body it sent. */
export interface CreateRequest {
  readonly route: string;
  readonly key: string;
  readonly requestHash: string;
}

/** The case's members, if the reader holds a record in it; else NOT_FOUND (a case one does not hold does not exist for one). */
export async function requireCaseHolder(deps: Pick<CareDeps, 'cases'>, reader: Reader, caseId: string) {
  const members = await deps.cases.members(caseId);
  if (!members.some((m) => m.agencyId === reader.agencyId)) throw new NotFoundError('No such case');
  return members;
}

export function claimFor(reader: Reader, request: CreateRequest, caseId: string, resourceId: string, at: Date): IdempotencyClaim {
  return {
    agencyId: reader.agencyId,
    key: request.key,
    route: request.route,
    requestHash: request.requestHash,
    caseId,
    resourceId,
    createdAt: at.toISOString(),
  };
}

/**
 * What a create answers after its store call: the new resource, or (a retry) the id the first request created.
 * The same key with another body or on another route is refused; it never creates a twin.
 */
export function settleCreate(outcome: CreateOutcome, request: CreateRequest): { created: boolean; resourceId?: string } {
  if (outcome.created) return { created: true };
  if ('taken' in outcome) throw new StateConflictError('It exists already: read it again', '该记录已存在，请重新读取');
  const { earlier } = outcome;
  if (earlier.route !== request.route || earlier.requestHash !== request.requestHash) throw new IdempotencyKeyReusedError();
  return { created: false, resourceId: earlier.resourceId };
}

/**
 * What a care-loop read disclosed, for its audit event and the case's access report: on what basis the reader saw
 * it (a holder of the case, the coordinating role, a care-team member, a referral party) and what of which agency.
 */
export interface CareDisclosure {
  readonly legalBasis: readonly string[];
  readonly disclosed: readonly { readonly agency: string; readonly categories: readonly string[] }[];
  readonly purpose?: string;
}

/** One disclosure entry per agency whose items the reader saw (its own included). */
export function careDisclosure(basis: string, category: string, agencies: Iterable<string>, purpose?: string): CareDisclosure {
  return { legalBasis: [basis], disclosed: [...new Set(agencies)].map((agency) => ({ agency, categories: [category] })), ...(purpose && { purpose }) };
}
