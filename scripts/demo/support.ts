/** What `npm run demo` (scripts/demo.ts) needs around the story: finding the local hub, its keys, a fresh child, and bilingual failures. */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { HubResponse } from '../../client/hub-client';
import { checkCharacter } from '../../schemas/id-number';

/** A step went wrong: what to tell the person, in Chinese and English. */
export class DemoError extends Error {
  constructor(
    readonly zh: string,
    en: string,
  ) {
    super(en);
  }
}

export const say = (zh: string, en: string) => console.log(`    ${zh}\n    ${en}`);
export const detail = (line: string) => console.log(`      ${line}`);

export function options() {
  try {
    const { values } = parseArgs({
      options: { dir: { type: 'string', default: process.env.HUB_LOCAL_DIR ?? '.hub-local' }, url: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      console.log('npm run demo [-- --dir .hub-local] [-- --url http://127.0.0.1:4000]\n运行前请先 npm start。Run `npm start` first.');
      process.exit(0);
    }
    return values;
  } catch (error) {
    console.error(`用法错误 Usage: ${(error as Error).message}\nnpm run demo [-- --dir .hub-local] [-- --url http://127.0.0.1:4000]`);
    process.exit(2);
  }
}

export interface HubInfo {
  hubId: string;
  baseUrl: string;
  agencies: { id: string; type: string }[];
  officers?: { id: string }[];
}

export function hubInfo(dir: string): HubInfo {
  const path = join(dir, 'hub.json');
  if (!existsSync(path)) {
    throw new DemoError(
      `找不到 ${path}：请先在另一个终端运行 npm start（首次启动会生成本地心桥及各机构密钥）。`,
      `${path} not found: run \`npm start\` in another terminal first (its first start writes the local hub and the agencies' keys).`,
    );
  }
  return JSON.parse(readFileSync(path, 'utf8')) as HubInfo;
}

/** The one system of an agency type in the local province (the demo province has one of each). */
export function systemOf(info: HubInfo, type: string): string {
  const found = info.agencies.find((a) => a.type === type);
  if (!found) throw new DemoError(`本地省份没有 ${type} 类机构。`, `The local province has no ${type} agency system.`);
  return found.id;
}

/** A fresh child per run: random birth date (2011-2014), county Chengguan (540102), a valid 18-digit ID number. */
export function freshChild() {
  const r = randomBytes(4);
  const birth = new Date(Date.UTC(2011 + (r[0]! % 4), r[1]! % 12, 1 + (r[2]! % 28)));
  const ymd = birth.toISOString().slice(0, 10);
  const seq = String(100 + (r[3]! % 900));
  const first17 = `540102${ymd.replaceAll('-', '')}${seq}`.slice(0, 17);
  const names = ['扎西卓玛', '次仁央金', '旦增曲珍', '格桑德吉', '拉巴卓嘎'];
  return {
    name: names[r[0]! % names.length]!,
    sex: 'F',
    birthDate: ymd,
    idNumber: `${first17}${checkCharacter(first17)}`,
    householdRegion: '540102',
    currentRegion: '540102',
    guardian: { name: '次仁', phone: `138${String(r.readUInt32BE(0) % 100_000_000).padStart(8, '0')}`, relation: 'grandparent' },
    school: '拉萨市第一小学',
    categories: ['left_behind'],
    riskLevel: 'medium',
  };
}

/** Fails the step unless the hub answered one of `expected`. */
export function expectStatus<T>(res: HubResponse<T>, expected: number | number[], zh: string, en: string): T {
  const ok = Array.isArray(expected) ? expected : [expected];
  if (ok.includes(res.status)) return res.body;
  const e =
    typeof res.body === 'object' && res.body !== null ? (res.body as { error?: { code?: string; message?: string; message_zh?: string } }).error : undefined;
  throw new DemoError(
    `${zh}：心桥返回 ${res.status}${e?.code ? ` ${e.code}` : ''}${e?.message_zh ? `（${e.message_zh}）` : ''}`,
    `${en}: the hub answered ${res.status}${e?.code ? ` ${e.code}` : ''}${e?.message ? ` (${e.message})` : ''}`,
  );
}

export const DAY = 86_400_000;
export const chinaToday = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
/** An instant as staff read it: Beijing time (UTC+8, no daylight saving), e.g. "2026-12-03 06:53 北京时间". */
export const bj = (iso: string) => `${new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')} 北京时间`;
