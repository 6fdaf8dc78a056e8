/**
 * Recording and withdrawing consent, emergency access, and the consent-gated
 * view of a case. Only an agency holding a record in a case may record or
 * withdraw consent for it, or read it; anyone else gets NOT_FOUND, so the
 * case's existence does not leak.
 */
import { FIELD_CATEGORIES, type AgencyType, type ChildRecordField, type DataCategory } from '../../../schemas/child-record';
import type { ConsentInput } from '../../../schemas/consent';
import type { FieldCipher } from '../../crypto/field-cipher';
import type { CasesTable } from '../../data/cases-table';
import type { ConsentsTable } from '../../data/consents-table';
import type { StoredConsent } from '../../../schemas/entities/consents';
import type { NotificationsTable } from '../../data/notifications-table';
import { PRIVACY_OFFICERS } from '../../../schemas/entities/notifications';
import type { RecordsTable } from '../../data/records-table';
import { ForbiddenError, NotFoundError, StateConflictError, ValidationError } from '../../shared/errors';
import { randomId } from '../../shared/ids';
import { encryptionContext, RECORDS_TABLE_CONTEXT } from '../records/record-crypto';
import { activeEmergency, consentStatus, decideCategories, mayIdentifyHolders, type LegalBasis, type Reader, type WithheldReason } from './gate';
import type { Purpose } from '../../../schemas/entities/consents';

export interface ConsentDeps {
  readonly province: string;
  readonly coordinatingAgencyType: AgencyType;
  /** Default length of emergency access, in hours (72 unless the province config says otherwise). */
  readonly emergencyHours: number;
  readonly consents: Pick<ConsentsTable, 'put' | 'caseOf' | 'withdraw' | 'putEmergency' | 'forCase'>;
  readonly cases: Pick<CasesTable, 'members' | 'ledgerRow'>;
  readonly records: Pick<RecordsTable, 'getHead'>;
  readonly notifications: Pick<NotificationsTable, 'notify' | 'forRecipient'>;
  readonly cipher: FieldCipher;
  /** The registered name of an agency system: its contact point, shown once holders may be identified. */
  readonly agencyName?: (agencyId: string) => { zh: string; en: string } | undefined;
  readonly now?: () => Date;
}

const nowOf = (deps: Pick<ConsentDeps, 'now'>) => (deps.now ?? (() => new Date()))();

async function requireHolder(deps: ConsentDeps, reader: Reader, caseId: string) {
  const members = await deps.cases.members(caseId);
  if (!members.some((m) => m.agencyId === reader.agencyId)) throw new NotFoundError('No such case');
  return members;
}

/** PIPL: a child under 14 cannot consent alone; from 14 the child may, where the law allows. */
export const CHILD_CONSENT_AGE = 14;

/** Age in whole years on `at`, from a YYYY-MM-DD birth date. */
export function ageOn(birthDate: string, at: Date): number {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  let age = at.getUTCFullYear() - y;
  if (at.getUTCMonth() + 1 < m || (at.getUTCMonth() + 1 === m && at.getUTCDate() < d)) age--;
  return age;
}

export async function recordConsent(deps: ConsentDeps, reader: Reader, input: ConsentInput): Promise<StoredConsent> {
  const members = await requireHolder(deps, reader, input.caseId);
  if (input.grantor.type === 'civil_affairs_guardian' && reader.agencyType !== 'civil_affairs') {
    throw new ForbiddenError('Only civil affairs records consent as the guardian of a child in its care', '仅民政部门可作为监护人记录同意');
  }
  if (input.grantor.type === 'child') {
    // The recording agency's own record says how old the child is; its other fields stay sealed.
    const own = await deps.records.getHead(members.find((m) => m.agencyId === reader.agencyId)!.recordId);
    const fields = own
      ? await deps.cipher.open(
          encryptionContext(deps.province, own.agencyId),
          { table: RECORDS_TABLE_CONTEXT, recordId: own.recordId, schemaVersion: own.schemaVersion },
          own.sealed,
          ['birthDate'],
        )
      : {};
    const birthDate = fields.birthDate as string | undefined;
    if (!birthDate || ageOn(birthDate, nowOf(deps)) < CHILD_CONSENT_AGE) {
      throw new ValidationError(
        [{ path: 'grantor.type', message: `the child can consent alone only from ${CHILD_CONSENT_AGE}, and your record must give the birth date` }],
        'This child cannot consent alone; the guardian must',
      );
    }
  }
  const consentId = randomId('cns');
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
  await deps.consents.put(consent);
  return consent;
}

export async function withdrawConsent(deps: ConsentDeps, reader: Reader, consentId: string, reason?: string): Promise<{ caseId: string; withdrawnAt: string }> {
  const caseId = await deps.consents.caseOf(consentId);
  if (!caseId) throw new NotFoundError('No such consent');
  await requireHolder(deps, reader, caseId);
  const at = nowOf(deps).toISOString();
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
    throw new StateConflictError('This consent was already withdrawn', '该同意已撤回');
  }
  return { caseId, withdrawnAt: at };
}

export async function listConsents(deps: ConsentDeps, reader: Reader, caseId: string) {
  await requireHolder(deps, reader, caseId);
  const { consents, emergencies } = await deps.consents.forCase(caseId);
  const now = nowOf(deps);
  return {
    consents: consents.map(({ sealed: _s, ...c }) => ({ ...c, status: consentStatus(c, now) })),
    emergencies,
  };
}

export async function openEmergency(deps: ConsentDeps, reader: Reader, caseId: string, reason: string, hours?: number) {
  const members = await deps.cases.members(caseId);
  const coordinator = reader.agencyType === deps.coordinatingAgencyType && (await deps.cases.ledgerRow(caseId)) !== undefined;
  if (!coordinator && !members.some((m) => m.agencyId === reader.agencyId)) throw new NotFoundError('No such case');
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

export interface Disclosure {
  readonly purpose: Purpose;
  readonly legalBasis: readonly LegalBasis[];
  readonly consentIds: readonly string[];
  readonly disclosed: readonly { agency: string; categories: readonly DataCategory[] }[];
  readonly withheld: readonly { agency: string; category: DataCategory; reason: WithheldReason }[];
}

/**
 * The case as one reader may see it for one purpose: own records in full;
 * other agencies' records only in the categories an active consent (or the
 * reader's emergency access) covers. Withheld fields are never decrypted.
 */
export async function viewCase(deps: ConsentDeps, reader: Reader, caseId: string, purpose: Purpose) {
  const now = nowOf(deps);
  const members = await deps.cases.members(caseId);
  const { consents, emergencies } = await deps.consents.forCase(caseId);
  if (!members.some((m) => m.agencyId === reader.agencyId) && !activeEmergency(reader, emergencies, now)) throw new NotFoundError('No such case');
  const identify = mayIdentifyHolders(reader, consents, emergencies, now);
  const labels = new Map<string, string>();
  const holderLabel = (agencyId: string) => {
    if (agencyId === reader.agencyId || identify) return agencyId;
    if (!labels.has(agencyId)) labels.set(agencyId, `holder:${labels.size + 1}`);
    return labels.get(agencyId)!;
  };

  const records = [];
  const withheld: Disclosure['withheld'][number][] = [];
  const disclosed: { agency: string; categories: DataCategory[] }[] = [];
  const bases = new Set<LegalBasis>();
  const used = new Set<string>();
  for (const member of members) {
    const head = await deps.records.getHead(member.recordId);
    if (!head) continue;
    const fields = Object.keys(head.sealed.fields) as ChildRecordField[];
    const categories = [...new Set(fields.map((f) => FIELD_CATEGORIES[f]).filter(Boolean))];
    const decisions = decideCategories({ reader, purpose, holderAgencyId: head.agencyId, categories, consents, emergencies, now });
    const allowed = new Set(decisions.filter((d) => d.allowed).map((d) => d.category));
    const holder = holderLabel(head.agencyId);
    for (const d of decisions) if (!d.allowed) withheld.push({ agency: holder, category: d.category, reason: d.reason! });
    if (allowed.size === 0) continue;
    // Only the allowed fields are decrypted.
    const open = await deps.cipher.open(
      encryptionContext(deps.province, head.agencyId),
      { table: RECORDS_TABLE_CONTEXT, recordId: head.recordId, schemaVersion: head.schemaVersion },
      head.sealed,
      fields.filter((f) => allowed.has(FIELD_CATEGORIES[f])),
    );
    const basis = decisions.find((d) => d.allowed)!.basis!;
    const consentIds = [...new Set(decisions.flatMap((d) => d.consentIds))].filter((id) => id.startsWith('cns_'));
    bases.add(basis);
    for (const id of consentIds) used.add(id);
    disclosed.push({ agency: holder, categories: [...allowed] });
    const name = holder === head.agencyId ? deps.agencyName?.(head.agencyId) : undefined;
    records.push({
      recordId: head.recordId,
      holder,
      ...(holder === head.agencyId && { agencyType: member.agencyType as AgencyType }),
      ...(name && { holderName: name }),
      own: head.agencyId === reader.agencyId,
      legalBasis: basis,
      consentIds,
      fields: open,
    });
  }
  const disclosure: Disclosure = { purpose, legalBasis: [...bases], consentIds: [...used], disclosed, withheld };
  return { view: { caseId, purpose, records, withheld }, disclosure, recordIds: members.map((m) => m.recordId) };
}
