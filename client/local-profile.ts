/**
 * A hub profile on disk: `hub.json` ({hubId, baseUrl, agencies, officers}) and one private JWK per agency system
 * (`agencies/<id>.jwk.json`) or officer (`officers/<id>.jwk.json`), as `npm start` writes them into .hub-local/.
 * Failures are a person's words in zh-CN and English, never a bare ENOENT.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AgencyCredentials } from './sign-request';

export interface HubProfile {
  readonly dir: string;
  readonly hubId: string;
  readonly baseUrl: string;
  /** Agency systems and officers with a key in the profile. */
  readonly principals: readonly string[];
}

/** A CLI failure a person can act on: printed as is (zh-CN, then English), exit code 2 for usage, 1 otherwise. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly zh: string,
    readonly en: string,
    readonly exitCode = 1,
  ) {
    super(`${zh}\n${en}`);
  }
}

export function loadProfile(dir: string): HubProfile {
  const root = resolve(dir);
  const file = join(root, 'hub.json');
  if (!existsSync(file)) {
    throw new CliError(`找不到本地中心配置 ${file}：请先运行 npm start。`, `No hub profile at ${file}: run npm start first (or pass --dir).`);
  }
  let raw: { hubId?: unknown; baseUrl?: unknown; agencies?: { id: string }[]; officers?: { id: string }[] };
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new CliError(`本地中心配置 ${file} 不是有效的 JSON。`, `The hub profile ${file} is not valid JSON.`);
  }
  if (typeof raw.hubId !== 'string' || typeof raw.baseUrl !== 'string') {
    throw new CliError(`本地中心配置 ${file} 缺少 hubId 或 baseUrl。`, `The hub profile ${file} lacks hubId or baseUrl.`);
  }
  const principals = [...(raw.agencies ?? []), ...(raw.officers ?? [])].map((a) => a.id);
  return { dir: root, hubId: raw.hubId, baseUrl: raw.baseUrl, principals };
}

/** The signing credentials of one agency system or officer of the profile. */
export function credentialsFor(profile: HubProfile, id: string): AgencyCredentials {
  const paths = [join(profile.dir, 'agencies', `${id}.jwk.json`), join(profile.dir, 'officers', `${id}.jwk.json`)];
  const path = paths.find((p) => existsSync(p));
  if (!path) {
    const known = profile.principals.join(', ') || '—';
    throw new CliError(`未知机构 ${id}；可用：${known}`, `unknown agency ${id}; known: ${known}`, 2);
  }
  try {
    return { agencyId: id, privateJwk: JSON.parse(readFileSync(path, 'utf8')) };
  } catch {
    throw new CliError(`密钥文件 ${path} 无法读取。`, `The key file ${path} cannot be read.`);
  }
}
