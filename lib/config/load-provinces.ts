/** Loads and validates every province config; a bad file fails with its name and the field at fault. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeIssues, provinceConfig, type ProvinceConfig } from '../../schemas/province-config';

export class ProvinceConfigError extends Error {
  override readonly name = 'ProvinceConfigError';
}

export function parseProvinceConfig(source: string, json: unknown): ProvinceConfig {
  const parsed = provinceConfig.safeParse(json);
  if (!parsed.success) throw new ProvinceConfigError(`Invalid province config ${source}:\n${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** Every `*.json` in `dir`, sorted by file name; `only` restricts to some province codes. */
export function loadProvinceConfigs(dir: string, only?: readonly string[]): ProvinceConfig[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const configs = files.map((file) => {
    const path = join(dir, file);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new ProvinceConfigError(`Invalid province config ${path}: not JSON (${(error as Error).message})`);
    }
    const config = parseProvinceConfig(path, json);
    if (file !== `${config.provinceCode}.json`) {
      throw new ProvinceConfigError(`Invalid province config ${path}:\nprovinceCode: file must be named ${config.provinceCode}.json`);
    }
    return config;
  });
  if (configs.length === 0) throw new ProvinceConfigError(`No province configs in ${dir}`);
  return only ? configs.filter((c) => only.includes(c.provinceCode)) : configs;
}
