/**
 * The case as one reader may see it for one purpose (`GET /v1/cases/{caseId}`):
 * own records in full; other holders' records only in the categories the gate
 * allows. Withheld fields are never decrypted, and a record withheld entirely
 * does not even have its data key unwrapped.
 */
import { establishPurpose } from '../care/purpose';
import { gatedState } from '../care/assessments';
import { DATA_CATEGORIES, FIELD_CATEGORIES, type AgencyType, type ChildRecordField, type DataCategory } from '../../../schemas/child-record';
import type { Purpose } from '../../../schemas/entities/consents';
import { NotFoundError } from '../../shared/errors';
import { encryptionContext, RECORDS_TABLE_CONTEXT } from '../records/record-crypto';
import { type ConsentDeps, nowOf } from './consent-service';
import { activeEmergency, decideCategories, holderLabels, type LegalBasis, type Reader, type WithheldReason } from './gate';

/** What the gate decided, for the request's audit event (officers read it: holders by agency id, not label). */
export interface Disclosure {
  readonly purpose: Purpose;
  readonly legalBasis: readonly LegalBasis[];
  readonly consentIds: readonly string[];
  readonly disclosed: readonly { agency: string; categories: readonly DataCategory[] }[];
  readonly withheld: readonly { agency: string; category: DataCategory; reason: WithheldReason }[];
  /**
   * Set when a consent covered another holder's records only because civil affairs recorded it as the guardian
   * of a child in its care (the one exception to "a holder's data opens only under a consent it recorded or confirmed").
   */
  readonly guardianException?: { readonly rule: 'civil_affairs_guardian'; readonly consentIds: readonly string[]; readonly holders: readonly string[] };
}

/**
 * The case for a declared purpose, once that purpose is established (`establishPurpose`): a holder of the case,
 * the reader's emergency access, or, under `referral`, a party to an open referral in the case (the owner of a
 * referral may hold no record yet) may read it; the consent gate decides every category.
 */
export async function viewCase(deps: ConsentDeps, reader: Reader, caseId: string, purpose: Purpose) {
  const now = nowOf(deps);
  const basis = await establishPurpose(deps.purposes, reader, caseId, purpose);
  const members = await deps.cases.members(caseId);
  const { consents, emergencies } = await deps.consents.forCase(caseId);
  const party = basis === 'referral_party' && members.length > 0;
  if (!members.some((m) => m.agencyId === reader.agencyId) && !activeEmergency(reader, emergencies, now) && !party) throw new NotFoundError('No such case');
  const own = (agencyId: string) => agencyId === reader.agencyId;
  const labels = holderLabels({ reader, holders: members.map((m) => m.agencyId), consents, emergencies, now });

  const records = [];
  const withheld: { agency: string; category: DataCategory; reason: WithheldReason }[] = [];
  const audited: Disclosure['withheld'][number][] = [];
  const disclosed: { agency: string; categories: DataCategory[] }[] = [];
  const bases = new Set<LegalBasis>();
  const usedIds = new Set<string>();
  const exception = { consentIds: new Set<string>(), holders: new Set<string>() };
  for (const member of members) {
    const head = await deps.records.getHead(member.recordId);
    if (!head) continue;
    const fields = Object.keys(head.sealed.fields) as ChildRecordField[];
    const held = new Set(fields.map((f) => FIELD_CATEGORIES[f]).filter(Boolean));
    // Every category is decided, not only those this record holds: what is withheld must not tell what a holder
    // holds (a withheld diagnosis would say the child is in treatment). Only categories it holds are disclosed.
    const decisions = decideCategories({
      reader,
      purpose,
      holderAgencyId: head.agencyId,
      categories: own(head.agencyId) ? [...held] : DATA_CATEGORIES,
      consents,
      emergencies,
      now,
    });
    const allowed = new Set(decisions.filter((d) => d.allowed && held.has(d.category)).map((d) => d.category));
    const holder = labels.label(head.agencyId);
    for (const d of decisions) {
      if (d.allowed) continue;
      withheld.push({ agency: holder, category: d.category, reason: d.reason! });
      audited.push({ agency: head.agencyId, category: d.category, reason: d.reason! });
    }
    if (allowed.size === 0) continue;
    // Only the allowed fields are decrypted.
    const open = await deps.cipher.open(
      encryptionContext(deps.province, head.agencyId),
      { table: RECORDS_TABLE_CONTEXT, recordId: head.recordId, schemaVersion: head.schemaVersion },
      head.sealed,
      fields.filter((f) => allowed.has(FIELD_CATEGORIES[f])),
    );
    const used = decisions.filter((d) => allowed.has(d.category));
    const basis = used[0]!.basis!;
    const consentIds = [...new Set(used.flatMap((d) => d.consentIds))].filter((id) => id.startsWith('cns_'));
    for (const id of used.flatMap((d) => d.guardianException ?? [])) {
      exception.consentIds.add(id);
      exception.holders.add(head.agencyId);
    }
    bases.add(basis);
    for (const id of consentIds) usedIds.add(id);
    disclosed.push({ agency: head.agencyId, categories: [...allowed] });
    const identified = labels.identified(head.agencyId);
    const name = identified ? deps.agencyName?.(head.agencyId) : undefined;
    records.push({
      recordId: head.recordId,
      holder,
      ...(identified && { agencyType: member.agencyType as AgencyType }),
      ...(name && { holderName: name }),
      own: head.agencyId === reader.agencyId,
      legalBasis: basis,
      consentIds,
      fields: open,
    });
  }
  const disclosure: Disclosure = {
    purpose,
    legalBasis: [...bases],
    consentIds: [...usedIds],
    disclosed,
    withheld: audited,
    ...(exception.consentIds.size > 0 && {
      guardianException: { rule: 'civil_affairs_guardian', consentIds: [...exception.consentIds], holders: [...exception.holders] },
    }),
  };
  // Never assessed and identified healthy are different states; an entry the gate does not cover shows as withheld.
  const assessment = gatedState(await deps.assessments.state(caseId), reader, purpose, consents, emergencies, now);
  return { view: { caseId, purpose, assessment, records, withheld }, disclosure, recordIds: members.map((m) => m.recordId) };
}
