/**
 * Recording, confirming and withdrawing consent, listing a case's consents,
 * and emergency access. Only an agency holding a record in a case may record,
 * confirm, withdraw or list consent for it; anyone else gets NOT_FOUND, so the
 * case's existence does not leak. Who may then open whose data is the gate's
 * rule (gate.ts, docs/consent.md): a consent covers a holder's records only if
 * that holder recorded or confirmed it, civil affairs as guardian excepted.
 */
import type { AgencyType } from '../../../schemas/child-record';
import type { ConsentInput } from '../../../schemas/consent';
import type { Consent, StoredConsent } from '../../../schemas/entities/consents';
import { PRIVACY_OFFICERS } from '../../../schemas/entities/notifications';
import type { FieldCipher } from '../../crypto/field-cipher';
import { NotFoundError, StateConflictError, ValidationError } from '../../shared/errors';
import { derivedId, randomId } from '../../shared/ids';
import { checkGrantor } from './grantor';
import { consentStatus, coverageOf, holderLabels, type Reader } from './gate';
import type { CaseMembership, ConsentStore, NotificationStore, RecordHeads } from './ports';
import type { PurposeDeps } from '../care/purpose';
import type { AssessmentStore } from '../care/ports';
import type { CaseFiles } from '../cases/case-file';

export interface ConsentDeps {
  readonly province: string;
  readonly coordinatingAgencyType: AgencyType;
  /** Default length of emergency access, in hours (72 unless the province config says otherwise). */
  readonly emergencyHours: number;
  readonly consents: ConsentStore;
  readonly cases: CaseMembership;
  /** The child's file across merges and splits: which open case holds a merged case's consents now (lambdas/domain/cases/case-file.ts). */
  readonly caseFiles: Pick<CaseFiles, 'currentOf'>;
  readonly records: RecordHeads;
  readonly notifications: NotificationStore;
  readonly cipher: FieldCipher;
  /** The registered name of an agency system (its contact point); undefined for an unknown agency id. */
  readonly agencyName?: (agencyId: string) => { zh: string; en: string } | undefined;
  readonly now?: () => Date;
  /** What establishes a declared purpose (lambdas/domain/care/purpose.ts): referrals, agreements, care teams. */
  readonly purposes: PurposeDeps;
  /** Where the child stands in identification and assessment (shown through the gate). */
  readonly assessments: Pick<AssessmentStore, 'state'>;
}

const NO_SUCH_CONSENT = 'No such consent';

export const nowOf = (deps: Pick<ConsentDeps, 'now'>) => (deps.now ?? (() => new Date()))();

/** The case's members, if the reader is one of them; else NOT_FOUND (on consent routes, the same answer as an unknown consent). */
export async function requireHolder(deps: Pick<ConsentDeps, 'cases'>, reader: Reader, caseId: string, notFound = 'No such case') {
  const members = await deps.cases.members(caseId);
  if (!members.some((m) => m.agencyId === reader.agencyId)) throw new NotFoundError(notFound);
  return members;
}

/** The case a consent belongs to (so that every audit event on a consent route names its case). */
export async function caseOfConsent(deps: Pick<ConsentDeps, 'consents'>, consentId: string): Promise<string> {
  const caseId = await deps.consents.caseOf(consentId);
  if (!caseId) throw new NotFoundError(NO_SUCH_CONSENT);
  return caseId;
}

/**
 * The open case whose file holds a consent recorded under `caseId` (that case itself while it is open): after a
 * merge, the holders of the child's file withdraw and confirm it, and are told of it. Unknown: NOT_FOUND.
 */
export async function fileCaseOfConsent(deps: Pick<ConsentDeps, 'caseFiles'>, caseId: string): Promise<string> {
  const current = await deps.caseFiles.currentOf(caseId);
  if (!current) throw new NotFoundError(NO_SUCH_CONSENT);
  return current;
}

/** Tells every holder of the case but `actor` about a consent: its id only, never who recorded or withdrew it. */
async function notifyHolders(
  deps: ConsentDeps,
  members: readonly { agencyId: string }[],
  actor: string,
  c: Consent,
  kind: 'consent_recorded' | 'consent_withdrawn',
  at: string,
  caseId = c.caseId,
) {
  const holders = [...new Set(members.map((m) => m.agencyId))].filter((a) => a !== actor);
  await Promise.all(
    holders.map((recipient) =>
      deps.notifications.notify({ recipient, at, kind, caseId, consentId: c.consentId, severity: 'info' }, `${kind}#${c.consentId}#${recipient}`),
    ),
  );
}

const sameTerms = (a: Consent, b: Consent) =>
  JSON.stringify([a.grantorType, a.purposes, a.dataCategories, a.recipients, a.validFrom, a.validUntil]) ===
  JSON.stringify([b.grantorType, b.purposes, b.dataCategories, b.recipients, b.validFrom, b.validUntil]);

/**
 * Records a consent. Its id comes from the case, the recording agency and the signed form's digest (one form, one
 * consent), so a retried request finds the consent it wrote, repairs any notification it lost, and answers
 * `created: false`; the same form with other terms is refused.
 */
export async function recordConsent(deps: ConsentDeps, reader: Reader, input: ConsentInput): Promise<{ consent: StoredConsent; created: boolean }> {
  const members = await requireHolder(deps, reader, input.caseId);
  await checkGrantor(deps, reader, members, input.grantor, nowOf(deps));
  const unknown = input.recipients.flatMap((r, i) => ('agencyId' in r && deps.agencyName && !deps.agencyName(r.agencyId) ? [i] : []));
  if (unknown.length > 0) {
    throw new ValidationError(
      unknown.map((i) => ({ path: `recipients.${i}.agencyId`, message: 'not a registered agency system', message_zh: '不是已登记的机构系统' })),
      'A recipient is not a registered agency system',
    );
  }
  const consentId = derivedId('cns', input.caseId, reader.agencyId, input.evidence.sha256);
  const { grantor, evidence } = input;
  const sealed = await deps.cipher.seal(
    { province: deps.province, agency: reader.agencyId, table: 'consents' },
    { table: 'consents', recordId: consentId, schemaVersion: 1 },
    { grantor, evidence: { documentRef: evidence.documentRef, collectedBy: evidence.collectedBy, collectedAt: evidence.collectedAt } },
  );
  const consent: StoredConsent = {
    consentId,
    caseId: input.caseId,
    grantorType: grantor.type,
    purposes: input.purposes,
    dataCategories: input.dataCategories,
    recipients: input.recipients,
    validFrom: new Date(input.validFrom).toISOString(),
    validUntil: new Date(input.validUntil).toISOString(),
    evidenceSha256: evidence.sha256,
    recordedBy: reader.agencyId,
    recordedAt: nowOf(deps).toISOString(),
    sealed: JSON.stringify(sealed),
  };
  if (await deps.consents.put(consent)) {
    await notifyHolders(deps, members, reader.agencyId, consent, 'consent_recorded', consent.recordedAt);
    return { consent, created: true };
  }
  const existing = await deps.consents.get(input.caseId, consentId);
  if (!existing || !sameTerms(existing, consent)) {
    throw new StateConflictError(
      `This signed form (evidence.sha256) is already recorded as consent ${consentId} with other terms; a change is a new form and a new consent`,
      `该签署文件已记录为同意 ${consentId}（条款不同）；变更须使用新的签署文件`,
    );
  }
  await notifyHolders(deps, members, reader.agencyId, existing, 'consent_recorded', existing.recordedAt);
  return { consent: existing, created: false };
}

async function consentOf(deps: ConsentDeps, caseId: string, consentId: string) {
  const consent = await deps.consents.get(caseId, consentId);
  if (!consent) throw new NotFoundError(NO_SUCH_CONSENT);
  return consent;
}

/** Withdraws a consent (any holder may record the guardian's withdrawal). Repeating it answers the first withdrawal. */
export async function withdrawConsent(deps: ConsentDeps, reader: Reader, caseId: string, consentId: string, reason?: string): Promise<{ withdrawnAt: string }> {
  const fileCase = await fileCaseOfConsent(deps, caseId);
  const members = await requireHolder(deps, reader, fileCase, NO_SUCH_CONSENT);
  const consent = await consentOf(deps, caseId, consentId);
  let at = nowOf(deps).toISOString();
  const sealedReason = reason
    ? JSON.stringify(
        await deps.cipher.seal(
          { province: deps.province, agency: reader.agencyId, table: 'consents' },
          { table: 'consents', recordId: `${consentId}#withdrawal`, schemaVersion: 1 },
          { reason },
        ),
      )
    : undefined;
  if (!(await deps.consents.withdraw(caseId, consentId, at, reader.agencyId, sealedReason))) {
    at = consent.withdrawnAt ?? (await consentOf(deps, caseId, consentId)).withdrawnAt ?? at;
  }
  await notifyHolders(deps, members, reader.agencyId, consent, 'consent_withdrawn', at, fileCase);
  return { withdrawnAt: at };
}

/**
 * A holder confirms that a consent recorded by another agency covers its own records too (or, with `withdraw`, takes
 * that back: the consent stops covering its records on the next request). Both are idempotent.
 */
export async function confirmConsent(
  deps: ConsentDeps,
  reader: Reader,
  caseId: string,
  consentId: string,
  withdraw = false,
): Promise<{ confirmation: 'confirmed' | 'withdrawn'; at: string }> {
  await requireHolder(deps, reader, await fileCaseOfConsent(deps, caseId), NO_SUCH_CONSENT);
  const consent = await consentOf(deps, caseId, consentId);
  if (consent.recordedBy === reader.agencyId) {
    throw new StateConflictError('Your agency recorded this consent: it covers your records already', '本机构记录的同意已涵盖本机构的记录，无需确认');
  }
  const now = nowOf(deps);
  const at = now.toISOString();
  const mine = consent.confirmations?.find((c) => c.agencyId === reader.agencyId);
  if (withdraw) {
    const result = await deps.consents.withdrawConfirmation(caseId, consentId, reader.agencyId, at);
    if (result === 'absent') throw new StateConflictError('Your agency has not confirmed this consent', '本机构尚未确认该同意');
    return { confirmation: 'withdrawn', at: result === 'already' ? (mine?.withdrawnAt ?? at) : at };
  }
  const status = consentStatus(consent, now);
  if (status === 'withdrawn' || status === 'expired') {
    throw new StateConflictError(
      `This consent is ${status}; it cannot be confirmed`,
      status === 'withdrawn' ? '该同意已撤回，无法确认' : '该同意已过期，无法确认',
    );
  }
  const fresh = await deps.consents.confirm(caseId, consentId, reader.agencyId, at);
  return { confirmation: 'confirmed', at: fresh ? at : (mine?.confirmedAt ?? at) };
}

/** A case's consents and emergency grants, other holders shown by the case view's labels unless they may be identified. */
export async function listConsents(deps: ConsentDeps, reader: Reader, caseId: string) {
  const members = await requireHolder(deps, reader, caseId);
  const { consents, emergencies } = await deps.consents.forCase(caseId);
  const now = nowOf(deps);
  const labels = holderLabels({ reader, holders: members.map((m) => m.agencyId), consents, emergencies, now });
  return {
    consents: consents.map(({ sealed: _s, confirmations, recordedBy, withdrawnBy, ...c }) => ({
      ...c,
      status: consentStatus(c as Consent, now),
      recordedBy: labels.label(recordedBy),
      ...(withdrawnBy && { withdrawnBy: labels.label(withdrawnBy) }),
      confirmations: (confirmations ?? []).filter((x) => !x.withdrawnAt).map((x) => ({ holder: labels.label(x.agencyId), confirmedAt: x.confirmedAt })),
      yourRecords: coverageOf({ ...c, recordedBy, ...(confirmations && { confirmations }) }, reader.agencyId, now) ?? 'not_confirmed',
    })),
    emergencies: emergencies.map((e) => ({
      grantId: e.grantId,
      caseId: e.caseId,
      agency: labels.label(e.agencyId),
      openedAt: e.openedAt,
      expiresAt: e.expiresAt,
    })),
  };
}

export async function openEmergency(deps: ConsentDeps, reader: Reader, caseId: string, reason: string, hours?: number) {
  const [members, row] = await Promise.all([deps.cases.members(caseId), deps.cases.ledgerRow(caseId)]);
  const coordinator = reader.agencyType === deps.coordinatingAgencyType && row !== undefined;
  if (!coordinator && !members.some((m) => m.agencyId === reader.agencyId)) throw new NotFoundError('No such case');
  // A merged-away case is part of another case's file: a grant filed under its old id would be a grant nobody sees
  // opened on the child's file now. The grant is opened on the child's case now.
  if (row && row.status !== 'open') {
    throw new StateConflictError(
      `Case ${caseId} was merged into another case: open emergency access on the child's current case`,
      '该个案已被合并，请在儿童当前的个案上申请紧急访问',
    );
  }
  const opened = nowOf(deps);
  const grantId = randomId('emg');
  const expiresAt = new Date(opened.getTime() + (hours ?? deps.emergencyHours) * 3_600_000).toISOString();
  const sealedReason = JSON.stringify(
    await deps.cipher.seal(
      { province: deps.province, agency: reader.agencyId, table: 'consents' },
      { table: 'consents', recordId: grantId, schemaVersion: 1 },
      { reason },
    ),
  );
  const grant = { grantId, caseId, agencyId: reader.agencyId, openedAt: opened.toISOString(), expiresAt, sealedReason };
  await deps.consents.putEmergency(grant);
  await deps.notifications.notify({
    recipient: PRIVACY_OFFICERS,
    at: grant.openedAt,
    kind: 'emergency_access',
    caseId,
    severity: 'high',
    byAgency: reader.agencyId,
  });
  const { sealedReason: _s, ...view } = grant;
  return view;
}
