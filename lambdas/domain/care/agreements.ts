/**
 * Service agreements (docs/care-loop.md): the guardian agrees with the assessment result (认同评估结果) and to
 * follow-up services (同意接受跟进服务), or declines with a reason; the child's own view is kept beside it.
 * Separate from data-sharing consent. Immutable: a change of mind is a new agreement, and the newest one (by when
 * the guardian gave it) is the one in force. A refusal is respected: no referral without an agreement to
 * follow-up in force (`followUpAgreement`), a crisis referral under emergency access excepted.
 */
import type { AgreementInput } from '../../../schemas/care';
import type { Agreement, StoredAgreement } from '../../../schemas/entities/care';
import { NotFoundError } from '../../shared/errors';
import { derivedId } from '../../shared/ids';
import { holderLabels, type Reader } from '../consent/gate';
import { type CareDeps, careDisclosure, careNow, claimFor, type CreateRequest, requireCaseHolder, settleCreate } from './care-deps';

export type AgreementStatus = 'in_force' | 'superseded' | 'lapsed';

/** Newest first: by when the guardian gave it, then when it was recorded, then id (a total order). */
export function newestFirst<T extends Pick<Agreement, 'agreedAt' | 'recordedAt' | 'agreementId'>>(list: readonly T[]): T[] {
  const key = (a: T) => `${a.agreedAt}|${a.recordedAt}|${a.agreementId}`;
  return [...list].sort((a, b) => (key(a) < key(b) ? 1 : key(a) > key(b) ? -1 : 0));
}

/** The status of each agreement of a case: only the newest can be in force, and only until it lapses. */
export function agreementStatuses(list: readonly Agreement[], now: Date): Map<string, AgreementStatus> {
  const sorted = newestFirst(list);
  return new Map(
    sorted.map((a, i) => [a.agreementId, i > 0 ? 'superseded' : a.validUntil && Date.parse(a.validUntil) <= now.getTime() ? 'lapsed' : 'in_force']),
  );
}

/** The agreement to follow-up services in force now, if any: the newest agreement, not lapsed, that says yes. */
export function followUpAgreement(list: readonly Agreement[], now: Date): Agreement | undefined {
  const newest = newestFirst(list)[0];
  if (!newest || agreementStatuses([newest], now).get(newest.agreementId) !== 'in_force') return undefined;
  return newest.agreesToFollowUp ? newest : undefined;
}

/** Records an agreement; a retry with the same `Idempotency-Key` and body answers the first one (`created: false`). */
export async function recordAgreement(
  deps: CareDeps,
  reader: Reader,
  caseId: string,
  input: AgreementInput,
  request: CreateRequest,
): Promise<{ agreement: StoredAgreement; created: boolean }> {
  await requireCaseHolder(deps, reader, caseId);
  const now = careNow(deps);
  const agreementId = derivedId('agr', caseId, reader.agencyId, request.key);
  const sealed = await deps.cipher.seal(
    { province: deps.province, agency: reader.agencyId, table: 'care' },
    { table: 'care', recordId: agreementId, schemaVersion: 1 },
    { guardian: input.guardian, evidence: { documentRef: input.evidence.documentRef, collectedBy: input.evidence.collectedBy } },
  );
  const agreement: StoredAgreement = {
    agreementId,
    caseId,
    ...(input.assessmentId && { assessmentId: input.assessmentId }),
    agreesWithAssessment: input.agreesWithAssessment,
    agreesToFollowUp: input.agreesToFollowUp,
    ...(input.declineReason && { declineReason: input.declineReason }),
    childView: input.childView,
    ...(input.validUntil && { validUntil: new Date(input.validUntil).toISOString() }),
    evidenceSha256: input.evidence.sha256,
    agreedAt: new Date(input.evidence.collectedAt).toISOString(),
    recordedBy: reader.agencyId,
    recordedAt: now.toISOString(),
    sealed: JSON.stringify(sealed),
  };
  const settled = settleCreate(await deps.agreements.create(agreement, claimFor(reader, request, caseId, agreementId, now)), request);
  if (settled.created) return { agreement, created: true };
  const first = (await deps.agreements.forCase(caseId)).find((a) => a.agreementId === settled.resourceId);
  if (!first) throw new NotFoundError('No such agreement');
  return { agreement: first, created: false };
}

/** One agreement as a reader sees it: codes for every holder; the guardian's identity only to the recorder. */
export async function agreementView(deps: CareDeps, reader: Reader, a: StoredAgreement, status: AgreementStatus, label: (agencyId: string) => string) {
  const { sealed, recordedBy, ...codes } = a;
  const view = { ...codes, recordedBy: label(recordedBy), status };
  if (recordedBy !== reader.agencyId) return view;
  const open = await deps.cipher.open(
    { province: deps.province, agency: recordedBy, table: 'care' },
    { table: 'care', recordId: a.agreementId, schemaVersion: 1 },
    JSON.parse(sealed),
    ['guardian'],
  );
  return { ...view, guardian: open.guardian as { name: string; relation: string } };
}

/** Every agreement of a case, newest first, for a holder of it. */
export async function listAgreements(deps: CareDeps, reader: Reader, caseId: string) {
  const members = await requireCaseHolder(deps, reader, caseId);
  const now = careNow(deps);
  const [list, { consents, emergencies }] = await Promise.all([deps.agreements.forCase(caseId), deps.consents.forCase(caseId)]);
  const labels = holderLabels({ reader, holders: members.map((m) => m.agencyId), consents, emergencies, now });
  const statuses = agreementStatuses(list, now);
  const items = await Promise.all(newestFirst(list).map((a) => agreementView(deps, reader, a, statuses.get(a.agreementId)!, labels.label)));
  return {
    view: { caseId, items, followUpAgreed: followUpAgreement(list, now) !== undefined },
    disclosure: careDisclosure(
      'case_holder',
      'service_agreement',
      list.map((a) => a.recordedBy),
    ),
  };
}
