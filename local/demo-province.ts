/**
 * The demo province for `npm start`: Tibet (540000), one agency system per
 * agency type, key pairs generated on first start. Private keys and the local
 * key material stay in .hub-local/ (git-ignored, files mode 0600).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { AgencyType } from '../schemas/child-record';
import { provinceConfig, type ProvinceConfig, describeIssues } from '../schemas/province-config';
import { generateAuditSigningKey, generateLocalKeyMaterial, type LocalKeyMaterial } from '../lambdas/crypto/local-keyring';

export const DEMO_PROVINCE_CODE = '540000';
export const DEMO_HUB_ID = `xinqiao-${DEMO_PROVINCE_CODE}`;

export const DEMO_AGENCIES: readonly { id: string; type: AgencyType; zh: string; en: string; alg: 'EdDSA' | 'ES256' }[] = [
  { id: 'xz-civil-affairs', type: 'civil_affairs', zh: '西藏自治区民政厅', en: 'Tibet Civil Affairs', alg: 'EdDSA' },
  { id: 'xz-education', type: 'education', zh: '西藏自治区教育厅', en: 'Tibet Education', alg: 'EdDSA' },
  { id: 'xz-health', type: 'health', zh: '西藏自治区卫生健康委员会', en: 'Tibet Health Commission', alg: 'ES256' },
  { id: 'xz-youth-league', type: 'youth_league', zh: '共青团西藏自治区委员会', en: 'Tibet Youth League', alg: 'EdDSA' },
  { id: 'xz-womens-federation', type: 'womens_federation', zh: '西藏自治区妇女联合会', en: "Tibet Women's Federation", alg: 'EdDSA' },
];

export const DEMO_OFFICER = { id: 'xz-privacy-officer', zh: '西藏自治区数据隐私官（演示）', en: 'Tibet privacy officer (demo)' };

async function demoKeyPair(id: string, alg: 'EdDSA' | 'ES256', dir: string) {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' && { crv: 'Ed25519' }) });
  const kid = `${id}-${new Date().toISOString().slice(0, 10)}`;
  const privateJwk: PrivateAgencyJwk = { ...(await exportJWK(privateKey)), kid, alg };
  writeSecret(join(dir, `${id}.jwk.json`), privateJwk);
  const { kty, crv, x, y } = await exportJWK(publicKey);
  return { kid, alg, publicJwk: { kty, crv, x, ...(y && { y }) } };
}

export interface LocalHubState {
  readonly dir: string;
  readonly province: ProvinceConfig;
  readonly keyMaterial: LocalKeyMaterial;
}

export type PrivateAgencyJwk = JWK & { kid: string; alg: 'EdDSA' | 'ES256' };

const writeSecret = (path: string, value: unknown) => writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });

/** Creates the demo province on first use and loads it afterwards. */
export async function ensureDemoProvince(dir: string): Promise<LocalHubState> {
  mkdirSync(join(dir, 'agencies'), { recursive: true, mode: 0o700 });
  const keyringPath = join(dir, 'keyring.json');
  const provincePath = join(dir, 'province.json');
  if (!existsSync(keyringPath)) writeSecret(keyringPath, generateLocalKeyMaterial());
  if (!existsSync(provincePath)) {
    const agencies = [];
    for (const agency of DEMO_AGENCIES) {
      const key = await demoKeyPair(agency.id, agency.alg, join(dir, 'agencies'));
      agencies.push({ id: agency.id, type: agency.type, name: { zh: agency.zh, en: agency.en }, keys: [key] });
    }
    const config = {
      provinceCode: DEMO_PROVINCE_CODE,
      name: { zh: '西藏自治区（本地演示）', en: 'Tibet (local demo)' },
      hubId: DEMO_HUB_ID,
      deployment: { region: 'cn-northwest-1' },
      agencies,
    };
    writeFileSync(provincePath, `${JSON.stringify(config, null, 2)}\n`);
  }
  const raw = JSON.parse(readFileSync(provincePath, 'utf8')) as { officers?: unknown[] };
  if (!raw.officers?.length) {
    // Hubs set up before officers existed get their demo officer now.
    mkdirSync(join(dir, 'officers'), { recursive: true, mode: 0o700 });
    const key = await demoKeyPair(DEMO_OFFICER.id, 'EdDSA', join(dir, 'officers'));
    raw.officers = [{ id: DEMO_OFFICER.id, name: { zh: DEMO_OFFICER.zh, en: DEMO_OFFICER.en }, keys: [key] }];
    writeFileSync(provincePath, `${JSON.stringify(raw, null, 2)}\n`);
  }
  const material = JSON.parse(readFileSync(keyringPath, 'utf8')) as LocalKeyMaterial;
  if (!material.auditSigningKey || !material.notificationSigningKey) {
    // Hubs set up before a key existed get it now (P-256, like the KMS keys it stands in for).
    writeSecret(keyringPath, {
      ...material,
      auditSigningKey: material.auditSigningKey ?? generateAuditSigningKey(),
      notificationSigningKey: material.notificationSigningKey ?? generateAuditSigningKey(),
    });
  }
  const parsed = provinceConfig.safeParse(JSON.parse(readFileSync(provincePath, 'utf8')));
  if (!parsed.success) throw new Error(`${provincePath} is not a valid province config:\n${describeIssues(parsed.error)}`);
  return { dir, province: parsed.data, keyMaterial: JSON.parse(readFileSync(keyringPath, 'utf8')) as LocalKeyMaterial };
}

/** Writes .hub-local/hub.json: what a local agency client needs to find the hub. */
export function writeHubInfo(state: LocalHubState, baseUrl: string): void {
  writeFileSync(
    join(state.dir, 'hub.json'),
    `${JSON.stringify(
      {
        hubId: state.province.hubId,
        baseUrl,
        agencies: state.province.agencies.map((a) => ({ id: a.id, type: a.type })),
        officers: state.province.officers.map((o) => ({ id: o.id })),
      },
      null,
      2,
    )}\n`,
  );
}

/** Loads an agency system's (or a demo officer's) private JWK written by `ensureDemoProvince`. */
export function loadAgencyJwk(dir: string, id: string): PrivateAgencyJwk {
  const agencyPath = join(dir, 'agencies', `${id}.jwk.json`);
  const path = existsSync(agencyPath) ? agencyPath : join(dir, 'officers', `${id}.jwk.json`);
  return JSON.parse(readFileSync(path, 'utf8')) as PrivateAgencyJwk;
}
