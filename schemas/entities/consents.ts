/** Consents and emergency grants (the consent gate's model; stored beside their case). */
import type { AgencyType, DataCategory } from '../child-record';
import type { PURPOSES } from '../signed-request';

export type Purpose = (typeof PURPOSES)[number];

export type Recipient = { readonly agencyType: AgencyType } | { readonly agencyId: string };

export interface Consent {
  readonly consentId: string;
  readonly caseId: string;
  readonly grantorType: 'guardian' | 'child' | 'civil_affairs_guardian';
  readonly purposes: readonly Purpose[];
  readonly dataCategories: readonly DataCategory[];
  readonly recipients: readonly Recipient[];
  readonly validFrom: string;
  readonly validUntil: string;
  readonly evidenceSha256: string;
  readonly recordedBy: string;
  readonly recordedAt: string;
  readonly withdrawnAt?: string;
  readonly withdrawnBy?: string;
  /**
   * Holders other than the recorder that confirmed this consent covers their records: a consent covers
   * holder H's records only if H recorded it or confirmed it (see docs/consent.md).
   */
  readonly confirmations?: readonly Confirmation[];
}

/** One holder's confirmation of a consent; `withdrawnAt` once it took the confirmation back. */
export interface Confirmation {
  readonly agencyId: string;
  readonly confirmedAt: string;
  readonly withdrawnAt?: string;
}

export interface EmergencyGrant {
  readonly grantId: string;
  readonly caseId: string;
  readonly agencyId: string;
  readonly openedAt: string;
  readonly expiresAt: string;
}

export interface StoredConsent extends Consent {
  /** Sealed grantor identity and evidence reference (JSON of SealedFields). */
  readonly sealed: string;
}

export interface StoredEmergency extends EmergencyGrant {
  readonly sealedReason: string;
}
