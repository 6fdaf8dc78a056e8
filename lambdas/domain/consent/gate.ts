/**
 * The consent gate: for one reader, one purpose and one holder's record,
 * which data categories may be disclosed and on what legal basis, and why
 * each other category is withheld. Pure; evaluated on every request (no cache),
 * so a withdrawal or an expiry takes effect on the very next request.
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

export interface CategoryDecision {
  readonly category: DataCategory;
  readonly allowed: boolean;
  readonly basis?: LegalBasis;
  readonly consentIds: readonly string[];
  readonly reason?: WithheldReason;
}

export function activeEmergency(reader: Reader, emergencies: readonly EmergencyGrant[], now: Date): EmergencyGrant | undefined {
  return emergencies.find((e) => e.agencyId === reader.agencyId && Date.parse(e.openedAt) <= now.getTime() && Date.parse(e.expiresAt) > now.getTime());
}

/**
 * Decides every category of one holder's record for a reader and purpose.
 * Precedence of reasons, most specific first: WITHDRAWN or EXPIRED (a consent
 * would have covered it), PURPOSE_NOT_COVERED, RECIPIENT_NOT_COVERED, NO_CONSENT.
 * A consent before its validity starts is not in force (NO_CONSENT).
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
  const { reader, purpose, now } = input;
  if (input.holderAgencyId === reader.agencyId) {
    return input.categories.map((category) => ({ category, allowed: true, basis: 'own_record', consentIds: [] }));
  }
  const emergency = activeEmergency(reader, input.emergencies, now);
  if (emergency) return input.categories.map((category) => ({ category, allowed: true, basis: 'emergency', consentIds: [emergency.grantId] }));
  return input.categories.map((category): CategoryDecision => {
    const forCategory = input.consents.filter((c) => c.dataCategories.includes(category));
    const full = forCategory.filter((c) => covers(c, reader) && c.purposes.includes(purpose));
    const active = full.filter((c) => consentStatus(c, now) === 'active');
    if (active.length > 0) return { category, allowed: true, basis: 'consent', consentIds: active.map((c) => c.consentId) };
    const statuses = new Set(full.map((c) => consentStatus(c, now)));
    const live = forCategory.filter((c) => consentStatus(c, now) === 'active');
    const reason: WithheldReason = statuses.has('withdrawn')
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

/** Whether the reader may know who the other holders are: own holder, emergency, or case_coordination consent for identity. */
export function mayIdentifyHolders(reader: Reader, consents: readonly Consent[], emergencies: readonly EmergencyGrant[], now: Date): boolean {
  if (activeEmergency(reader, emergencies, now)) return true;
  return consents.some(
    (c) => consentStatus(c, now) === 'active' && covers(c, reader) && c.purposes.includes('case_coordination') && c.dataCategories.includes('identity'),
  );
}
