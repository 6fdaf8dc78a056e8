/**
 * The consent gate: for one reader, one purpose and one holder's record,
 * which data categories may be disclosed and on what legal basis, and why
 * each other category is withheld. Pure; evaluated on every request (no cache),
 * so a withdrawal or an expiry takes effect on the very next request.
 *
 * The rule (docs/consent.md): a consent covers holder H's records only if H
 * recorded it or confirmed it, or civil affairs recorded it as the guardian of
 * a child in its care. No agency can open another holder's records with a
 * consent it recorded itself. The same rule decides whether a holder may be
 * named (`mayIdentifyHolder`) and how holders are labelled (`holderLabels`).
 */
import type { AgencyType, DataCategory } from '../../../schemas/child-record';
import type { WITHHELD_REASONS } from '../../../schemas/consent';
import type { Consent, EmergencyGrant, Purpose } from '../../../schemas/entities/consents';

export type WithheldReason = (typeof WITHHELD_REASONS)[number];
export type LegalBasis = 'own_record' | 'consent' | 'emergency';

export interface Reader {
  readonly agencyId: string;
  readonly agencyType: AgencyType;
}

export type ConsentStatus = 'active' | 'withdrawn' | 'expired' | 'not_yet_valid';

export function consentStatus(c: Consent, now: Date): ConsentStatus {
  const t = now.getTime();
  if (c.withdrawnAt && Date.parse(c.withdrawnAt) <= t) return 'withdrawn';
  if (Date.parse(c.validUntil) <= t) return 'expired';
  if (Date.parse(c.validFrom) > t) return 'not_yet_valid';
  return 'active';
}

const covers = (c: Consent, reader: Reader) =>
  c.recipients.some((r) => ('agencyId' in r ? r.agencyId === reader.agencyId : r.agencyType === reader.agencyType));

/**
 * How a consent comes to cover one holder's records, if it does:
 * - `recorded`: the holder recorded it (an agency's consent covers its own records);
 * - `confirmed`: the holder confirmed it (`POST /v1/consents/{consentId}/confirm`) and has not taken that back;
 * - `civil_affairs_guardian`: civil affairs recorded it as the guardian of a child in its care (checked when
 *   recorded): the guardian's own consent, so it covers every holder. The one exception, and audited as such.
 * Otherwise the consent does not cover this holder: no agency can open another holder's records by a consent it
 * recorded itself.
 */
export type Coverage = 'recorded' | 'confirmed' | 'civil_affairs_guardian';

export function coverageOf(c: Consent, holderAgencyId: string, now: Date): Coverage | undefined {
  if (c.recordedBy === holderAgencyId) return 'recorded';
  const t = now.getTime();
  const confirmed = c.confirmations?.some(
    (x) => x.agencyId === holderAgencyId && Date.parse(x.confirmedAt) <= t && !(x.withdrawnAt && Date.parse(x.withdrawnAt) <= t),
  );
  if (confirmed) return 'confirmed';
  if (c.grantorType === 'civil_affairs_guardian') return 'civil_affairs_guardian';
  return undefined;
}

export interface CategoryDecision {
  readonly category: DataCategory;
  readonly allowed: boolean;
  readonly basis?: LegalBasis;
  readonly consentIds: readonly string[];
  /** Consents that cover this holder only through the civil-affairs-as-guardian exception. */
  readonly guardianException?: readonly string[];
  readonly reason?: WithheldReason;
}

export function activeEmergency(reader: Reader, emergencies: readonly EmergencyGrant[], now: Date): EmergencyGrant | undefined {
  return emergencies.find((e) => e.agencyId === reader.agencyId && Date.parse(e.openedAt) <= now.getTime() && Date.parse(e.expiresAt) > now.getTime());
}

/**
 * Decides every category of one holder's record for a reader and purpose.
 * Allowed: the reader's own record; the reader's active emergency access; or an
 * active consent for this category, reader and purpose that covers this holder
 * (`coverageOf`). Precedence of reasons, most specific first: NOT_CONFIRMED (an
 * active consent would cover it, but this holder neither recorded nor confirmed
 * it), WITHDRAWN or EXPIRED (a consent would have covered it),
 * PURPOSE_NOT_COVERED, RECIPIENT_NOT_COVERED, NO_CONSENT. A consent before its
 * validity starts is not in force (NO_CONSENT).
 */
export function decideCategories(input: {
  reader: Reader;
  purpose: Purpose;
  holderAgencyId: string;
  categories: readonly DataCategory[];
  consents: readonly Consent[];
  emergencies: readonly EmergencyGrant[];
  now: Date;
}): CategoryDecision[] {
  const { reader, purpose, now, holderAgencyId } = input;
  if (holderAgencyId === reader.agencyId) {
    return input.categories.map((category) => ({ category, allowed: true, basis: 'own_record', consentIds: [] }));
  }
  const emergency = activeEmergency(reader, input.emergencies, now);
  if (emergency) return input.categories.map((category) => ({ category, allowed: true, basis: 'emergency', consentIds: [emergency.grantId] }));
  return input.categories.map((category): CategoryDecision => {
    const forCategory = input.consents.filter((c) => c.dataCategories.includes(category));
    const full = forCategory.filter((c) => covers(c, reader) && c.purposes.includes(purpose));
    const active = full.filter((c) => consentStatus(c, now) === 'active');
    const bound = active.filter((c) => coverageOf(c, holderAgencyId, now) !== undefined);
    if (bound.length > 0) {
      const viaException = bound.filter((c) => coverageOf(c, holderAgencyId, now) === 'civil_affairs_guardian').map((c) => c.consentId);
      return {
        category,
        allowed: true,
        basis: 'consent',
        consentIds: bound.map((c) => c.consentId),
        ...(viaException.length > 0 && { guardianException: viaException }),
      };
    }
    const statuses = new Set(full.map((c) => consentStatus(c, now)));
    const live = forCategory.filter((c) => consentStatus(c, now) === 'active');
    const reason: WithheldReason =
      active.length > 0
        ? 'NOT_CONFIRMED'
        : statuses.has('withdrawn')
          ? 'WITHDRAWN'
          : statuses.has('expired')
            ? 'EXPIRED'
            : live.some((c) => covers(c, reader))
              ? 'PURPOSE_NOT_COVERED'
              : live.some((c) => c.purposes.includes(purpose))
                ? 'RECIPIENT_NOT_COVERED'
                : 'NO_CONSENT';
    return { category, allowed: false, consentIds: [], reason };
  });
}

/**
 * Whether the reader may know who one holder is: its own agency, its active
 * emergency access, or a case_coordination consent for `identity` that covers
 * this holder (recorded or confirmed by it; see `coverageOf`). Decided per
 * holder: one holder's confirmation never names another.
 */
export function mayIdentifyHolder(
  reader: Reader,
  holderAgencyId: string,
  consents: readonly Consent[],
  emergencies: readonly EmergencyGrant[],
  now: Date,
): boolean {
  return decideCategories({ reader, purpose: 'case_coordination', holderAgencyId, categories: ['identity'], consents, emergencies, now })[0]!.allowed;
}

/** How one reader sees the holders of a case: its own agency by id, every other one as `holder:N` unless it may be identified. */
export interface HolderLabels {
  label(agencyId: string): string;
  identified(agencyId: string): boolean;
}

/**
 * The one labelling of a case's holders, used by every route that shows them
 * (case view, consents, history, ledger): other holders are numbered
 * `holder:1`, `holder:2`, ... in the case's member order, whether or not some
 * of them are identified, so a label means the same holder on every route;
 * agencies that are not members (a coordinator's emergency access, a holder
 * since split off) are numbered after them.
 */
export function holderLabels(input: {
  reader: Reader;
  holders: readonly string[];
  consents: readonly Consent[];
  emergencies: readonly EmergencyGrant[];
  now: Date;
}): HolderLabels {
  const { reader, consents, emergencies, now } = input;
  const numbers = new Map<string, number>();
  const number = (agencyId: string) => {
    if (!numbers.has(agencyId)) numbers.set(agencyId, numbers.size + 1);
    return numbers.get(agencyId)!;
  };
  for (const h of input.holders) if (h !== reader.agencyId) number(h);
  const known = new Map<string, boolean>();
  const identified = (agencyId: string) => {
    if (agencyId === reader.agencyId) return true;
    if (!known.has(agencyId)) known.set(agencyId, mayIdentifyHolder(reader, agencyId, consents, emergencies, now));
    return known.get(agencyId)!;
  };
  return { identified, label: (agencyId) => (identified(agencyId) ? agencyId : `holder:${number(agencyId)}`) };
}
