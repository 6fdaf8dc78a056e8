/**
 * Loads and validates every province config; a bad file fails with its name and the field at fault.
 * `<code>.json` is the province config (schemas/province-config.ts); `<code>.ops.json`, optional, is its
 * operations part (lib/config/ops-config.ts: alarm subscriptions, backup plan).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeIssues, provinceConfig, type ProvinceConfig } from '../../schemas/province-config';
import { opsConfig, type OpsConfig } from './ops-config';

export class ProvinceConfigError extends Error {
  override readonly name = 'ProvinceConfigError';
}

/** A province config with its operations part: what one stack is built from. */
export type ProvinceDeployConfig = ProvinceConfig & { readonly ops: OpsConfig };

export function parseProvinceConfig(source: string, json: unknown): ProvinceConfig {
  const parsed = provinceConfig.safeParse(json);
  if (!parsed.success) throw new ProvinceConfigError(`Invalid province config ${source}:\n${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** The operations part; `undefined` (no file) gives the defaults. */
export function parseOpsConfig(source: string, json: unknown): OpsConfig {
  const parsed = opsConfig.safeParse(json ?? {});
  if (!parsed.success) throw new ProvinceConfigError(`Invalid ops config ${source}:\n${describeIssues(parsed.error)}`);
  return parsed.data;
}

const OPS_SUFFIX = '.ops.json';

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ProvinceConfigError(`Invalid province config ${path}: not JSON (${(error as Error).message})`);
  }
}

/** Every `<code>.json` in `dir` with its `<code>.ops.json`, sorted by file name; `only` restricts to some province codes. */
export function loadProvinceConfigs(dir: string, only?: readonly string[]): ProvinceDeployConfig[] {
  const names = readdirSync(dir).filter((f) => f.endsWith('.json'));
  const files = names.filter((f) => !f.endsWith(OPS_SUFFIX)).sort();
  for (const ops of names.filter((f) => f.endsWith(OPS_SUFFIX))) {
    const province = `${ops.slice(0, -OPS_SUFFIX.length)}.json`;
    if (!files.includes(province)) throw new ProvinceConfigError(`Invalid ops config ${join(dir, ops)}: no province config ${province} beside it`);
  }
  const configs = files.map((file) => {
    const path = join(dir, file);
    const config = parseProvinceConfig(path, readJson(path));
    if (file !== `${config.provinceCode}.json`) {
      throw new ProvinceConfigError(`Invalid province config ${path}:\nprovinceCode: file must be named ${config.provinceCode}.json`);
    }
    const opsPath = join(dir, `${config.provinceCode}${OPS_SUFFIX}`);
    return { ...config, ops: parseOpsConfig(opsPath, existsSync(opsPath) ? readJson(opsPath) : undefined) };
  });
  if (configs.length === 0) throw new ProvinceConfigError(`No province configs in ${dir}`);
  return only ? configs.filter((c) => only.includes(c.provinceCode)) : configs;
}
