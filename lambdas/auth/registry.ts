/**
 * The agency registry: which agency systems may call this province's hub and
 * with which public keys. Built from the province config deployed with the
 * stack; keys are imported once per process.
 */
import { importJWK, type CryptoKey, type JWK } from 'jose';
import type { AgencyType } from '../../schemas/child-record';
import type { AgencyRegistryConfig } from '../../schemas/province-config';

export interface RegisteredKey {
  readonly kid: string;
  readonly alg: 'EdDSA' | 'ES256';
  readonly revoked: boolean;
  readonly agencyId: string;
  readonly agencyType: AgencyType;
  readonly agencySuspended: boolean;
  key(): Promise<CryptoKey | Uint8Array>;
}

export class AgencyRegistry {
  readonly provinceCode: string;
  readonly hubId: string;
  readonly #keys = new Map<string, RegisteredKey>();
  readonly #agencies = new Map<string, { type: AgencyType; suspended: boolean }>();

  constructor(config: AgencyRegistryConfig) {
    this.provinceCode = config.provinceCode;
    this.hubId = config.hubId;
    for (const agency of config.agencies) {
      this.#agencies.set(agency.id, { type: agency.type, suspended: agency.status === 'suspended' });
      for (const k of agency.keys) {
        let imported: Promise<CryptoKey | Uint8Array> | undefined;
        this.#keys.set(k.kid, {
          kid: k.kid,
          alg: k.alg,
          revoked: k.status === 'revoked',
          agencyId: agency.id,
          agencyType: agency.type,
          agencySuspended: agency.status === 'suspended',
          key: () => (imported ??= importJWK(k.publicJwk as JWK, k.alg)),
        });
      }
    }
  }

  /** The registered key with this id, if any. */
  key(kid: string): RegisteredKey | undefined {
    return this.#keys.get(kid);
  }

  /** The type of a registered agency system, if it exists. */
  agencyType(agencyId: string): AgencyType | undefined {
    return this.#agencies.get(agencyId)?.type;
  }
}
