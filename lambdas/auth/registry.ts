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
  /** An agency system, or a privacy officer (who reads audit data and is no agency). */
  readonly role: 'agency' | 'officer';
  /** The agency system id, or the officer id. */
  readonly agencyId: string;
  /** For agency systems only. */
  readonly agencyType?: AgencyType;
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
    const principals = [
      ...config.agencies.map((a) => ({ ...a, role: 'agency' as const })),
      ...(config.officers ?? []).map((o) => ({ ...o, role: 'officer' as const, type: undefined })),
    ];
    for (const p of principals) {
      if (p.type) this.#agencies.set(p.id, { type: p.type, suspended: p.status === 'suspended' });
      for (const k of p.keys) {
        let imported: Promise<CryptoKey | Uint8Array> | undefined;
        this.#keys.set(k.kid, {
          kid: k.kid,
          alg: k.alg,
          revoked: k.status === 'revoked',
          role: p.role,
          agencyId: p.id,
          ...(p.type && { agencyType: p.type }),
          agencySuspended: p.status === 'suspended',
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
