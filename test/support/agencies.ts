/** Test fixtures: a province with agency key pairs made in memory, and helpers to sign requests. */
import { exportJWK, generateKeyPair } from 'jose';
import type { AgencyType } from '../../schemas/child-record';
import { provinceConfig, type ProvinceConfig } from '../../schemas/province-config';
import type { AgencyCredentials } from '../../client/sign-request';
import { generateLocalKeyMaterial } from '../../lambdas/crypto/local-keyring';
import type { LocalHubState } from '../../local/demo-province';

export interface TestAgency {
  id: string;
  type: AgencyType;
  credentials: AgencyCredentials;
}

export interface TestProvince {
  config: ProvinceConfig;
  agencies: Record<string, TestAgency>;
  state: LocalHubState;
}

async function keyPair(kid: string, alg: 'EdDSA' | 'ES256') {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' && { crv: 'Ed25519' }) });
  const { kty, crv, x, y } = await exportJWK(publicKey);
  return {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg },
    publicEntry: { kid, alg, publicJwk: { kty, crv, x, ...(y && { y }) } },
  };
}

/**
 * A province 540000 with: one active agency per type (health signs with ES256;
 * civil affairs has two active keys, the second under `agencies['xz-civil-affairs-k2']`),
 * `revoked-edu` whose only key is revoked, and `suspended-wf`, a suspended agency.
 */
export async function makeTestProvince(): Promise<TestProvince> {
  const specs: { id: string; type: AgencyType; alg: 'EdDSA' | 'ES256'; revoked?: boolean; suspended?: boolean }[] = [
    { id: 'xz-civil-affairs', type: 'civil_affairs', alg: 'EdDSA' },
    { id: 'xz-education', type: 'education', alg: 'EdDSA' },
    { id: 'xz-health', type: 'health', alg: 'ES256' },
    { id: 'xz-youth-league', type: 'youth_league', alg: 'EdDSA' },
    { id: 'xz-womens-federation', type: 'womens_federation', alg: 'EdDSA' },
    { id: 'revoked-edu', type: 'education', alg: 'EdDSA', revoked: true },
    { id: 'suspended-wf', type: 'womens_federation', alg: 'EdDSA', suspended: true },
  ];
  const agencies: Record<string, TestAgency> = {};
  const entries: Record<string, unknown>[] = [];
  for (const spec of specs) {
    const { privateJwk, publicEntry } = await keyPair(`${spec.id}-k1`, spec.alg);
    agencies[spec.id] = { id: spec.id, type: spec.type, credentials: { agencyId: spec.id, privateJwk: privateJwk as AgencyCredentials['privateJwk'] } };
    entries.push({
      id: spec.id,
      type: spec.type,
      name: { zh: spec.id, en: spec.id },
      status: spec.suspended ? 'suspended' : 'active',
      keys: [{ ...publicEntry, status: spec.revoked ? 'revoked' : 'active' }],
    });
  }
  // Key rotation in progress: civil affairs has a second active key.
  const rotated = await keyPair('xz-civil-affairs-k2', 'EdDSA');
  (entries[0]!.keys as unknown[]).push({ ...rotated.publicEntry, status: 'active' });
  agencies['xz-civil-affairs-k2'] = {
    id: 'xz-civil-affairs',
    type: 'civil_affairs',
    credentials: { agencyId: 'xz-civil-affairs', privateJwk: rotated.privateJwk as AgencyCredentials['privateJwk'] },
  };
  // A privacy officer: not an agency system.
  const officer = await keyPair('officer-zhang-k1', 'EdDSA');
  agencies['officer-zhang'] = {
    id: 'officer-zhang',
    type: 'civil_affairs',
    credentials: { agencyId: 'officer-zhang', privateJwk: officer.privateJwk as AgencyCredentials['privateJwk'] },
  };
  const config = provinceConfig.parse({
    // Low thresholds so that tests can cross them with a few requests.
    alerts: { windowMinutes: 5, readsPerAgency: 8, readsPerStaff: 4, deniedPerAgency: 4, failedSignatures: 2 },
    officers: [{ id: 'officer-zhang', name: { zh: '张隐私官', en: 'Officer Zhang' }, keys: [{ ...officer.publicEntry, status: 'active' }] }],
    provinceCode: '540000',
    name: { zh: '西藏自治区（测试）', en: 'Tibet (test)' },
    hubId: 'xinqiao-540000',
    deployment: { region: 'cn-northwest-1' },
    // A province's own value spelling (Tibetan colloquial for mother), on top of the defaults.
    listSynonyms: { guardianRelation: { 阿妈: 'mother' } },
    agencies: entries,
  });
  return { config, agencies, state: { dir: '/nonexistent', province: config, keyMaterial: generateLocalKeyMaterial() } };
}
