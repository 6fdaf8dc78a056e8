/**
 * A declared purpose must be established by the care the reader takes part in (docs/consent.md, "Purposes"), not
 * taken on its word. The one rule for every purpose, used by every route that reads under a purpose:
 * - `referral`: an open referral in the case (not rejected, completed, failed or cancelled) whose requester or
 *   owner is the reader;
 * - `follow_up`, `care_plan`: a record in the case with the guardian's agreement to follow-up in force, or an active
 *   care-team member of the reader's agency (`carePurposeHolds`);
 * - `assessment`, `case_coordination`: no care relation is required beyond what the route itself asks (a holder of
 *   the case, the coordinating role, emergency access); the consent gate decides what is disclosed.
 * Otherwise 403 PURPOSE_NOT_ESTABLISHED. The consent gate applies on top in every case.
 */
import type { Purpose } from '../../../schemas/entities/consents';
import { PurposeNotEstablishedError } from '../../shared/errors';
import type { Reader } from '../consent/gate';
import type { CareDeps } from './care-deps';
import { caseCare, carePurposeHolds, purposeNotEstablished } from './care-purpose';
import { isOpen } from './referral-states';

export type PurposeDeps = Pick<CareDeps, 'cases' | 'agreements' | 'careTeams' | 'carePlans' | 'referrals' | 'now'>;

/** How the purpose was established: by a referral the reader takes part in, by its care in the case, or as declared. */
export type PurposeBasis = 'referral_party' | 'care' | 'declared';

export async function establishPurpose(deps: PurposeDeps, reader: Reader, caseId: string, purpose: Purpose): Promise<PurposeBasis> {
  if (purpose === 'referral') {
    const referrals = await deps.referrals.forCase(caseId);
    if (referrals.some((r) => isOpen(r.status) && (r.requester === reader.agencyId || r.owner === reader.agencyId))) return 'referral_party';
    throw new PurposeNotEstablishedError(
      'The referral purpose needs an open referral in this case that your agency made or received',
      '“转介”目的须以本机构发出或接收的、尚未结束的本个案转介为前提',
    );
  }
  if (purpose === 'follow_up' || purpose === 'care_plan') {
    if (carePurposeHolds(await caseCare(deps, caseId), reader)) return 'care';
    throw purposeNotEstablished(purpose);
  }
  return 'declared';
}
