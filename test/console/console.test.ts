/**
 * The privacy officers' console in a real headless Chromium (Debian's chromium,
 * driven by playwright-core, with the Noto CJK font): load a key, verify the
 * trail, page through events in Beijing time with a date range, show the hidden
 * health and console-file events, draw the charts (uPlot from the hub's own
 * origin), open a case's access timeline, and read an error beside the form that
 * caused it. Screenshots of each screen go to test-artifacts/console/.
 * .ci/run installs chromium and fonts-noto-cjk when they are missing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../client/sign-request';
import { CONSOLE_HEADERS } from '../../lambdas/handlers/console/get-console-file';
import { startTestHub, type TestHub } from '../support/hub';
import { idNumberFor } from '../support/records';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/console/', import.meta.url));
const DAY_MS = 86_400_000;
let t: TestHub;
let browser: Browser;
let page: Page;
let caseId: string;
/** The hub's clock runs this far behind the real one while the setup writes earlier days' traffic. */
let offsetMs = 0;
const dialogs: string[] = [];
const pageProblems: string[] = [];

/** The Beijing day of an instant (YYYY-MM-DD), as the console's date inputs take it. */
const beijingDay = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);

/** A signed request sent as if `daysAgo` days ago: the hub's clock and the token's iat move back together. */
async function sendAt(daysAgo: number, agencyId: string, sub: string, method: string, path: string, body?: unknown, purpose?: string) {
  offsetMs = -daysAgo * DAY_MS;
  try {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const authorization = await signRequest(t.province.agencies[agencyId]!.credentials, {
      hubId: t.province.config.hubId,
      method,
      pathWithQuery: path,
      sub,
      now: Math.floor((Date.now() + offsetMs) / 1000),
      ...(text !== undefined && { body: text }),
      ...(purpose && { purpose }),
    });
    return await t.raw(method, path, { authorization, ...(text !== undefined && { body: text }) });
  } finally {
    offsetMs = 0;
  }
}

const child = (n: number, name: string) => ({
  name,
  sex: 'F',
  birthDate: '2013-03-13',
  idNumber: idNumberFor('540102', '2013-03-13', n),
  householdRegion: '540102',
  categories: [],
});

/** Clicks a button and waits until its section has its answer (the console marks a section busy meanwhile). */
async function press(selector: string) {
  await page.click(selector);
  // A string to evaluate would be refused by the console's CSP (no unsafe-eval): wait on the selector instead.
  await page.waitForSelector('section[aria-busy]', { state: 'detached' });
}

async function shot(name: string, selector?: string) {
  const path = join(ARTIFACTS, `${name}.png`);
  if (selector) await page.locator(selector).screenshot({ path });
  else await page.screenshot({ path, fullPage: true });
}

/** How many of a canvas's pixels are close to a colour: the chart drew its series, not only axes. */
const pixelsOf = (selector: string, rgb: [number, number, number]) =>
  page.evaluate(
    ([sel, [r, g, b]]) => {
      // Runs in the page (the tests' types have no DOM).
      const canvas = (globalThis as any).document.querySelector(sel);
      if (!canvas) return -1;
      const data: Uint8ClampedArray = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4)
        if (Math.abs(data[i]! - r) < 24 && Math.abs(data[i + 1]! - g) < 24 && Math.abs(data[i + 2]! - b) < 24 && data[i + 3]! > 200) n++;
      return n;
    },
    [selector, rgb] as const,
  );

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error('Chromium is missing: apt-get install -y chromium fonts-noto-cjk (.ci/run does this)');
  if (!execFileSync('fc-list', ['--format', '%{family}\n']).toString().includes('Noto Sans CJK'))
    throw new Error('The CJK font is missing: apt-get install -y fonts-noto-cjk (.ci/run does this)');
  mkdirSync(ARTIFACTS, { recursive: true });
  t = await startTestHub({ now: () => Date.now() + offsetMs });

  // Five days of traffic: records published, case views (some denied), emergencies.
  const published = await sendAt(4, 'xz-civil-affairs', 'worker-9', 'POST', '/v1/records', { externalId: 'CON-1', ...child(8, '格桑卓嘎') });
  expect(published.status).toBe(201);
  caseId = published.body.caseId;
  const recordId = published.body.recordId;
  expect((await sendAt(3, 'xz-education', 'teacher-9', 'POST', '/v1/records', { externalId: 'CON-1E', ...child(8, '格桑卓嘎') })).status).toBe(201);
  for (let i = 0; i < 8; i++)
    await sendAt(3 - (i % 3), 'xz-health', `doctor-${i % 2}`, 'POST', '/v1/records', { externalId: `CON-H${i}`, ...child(20 + i, `次仁${i}`) });
  for (let i = 0; i < 4; i++) {
    const denied = await sendAt(2 - (i % 2), 'xz-health', 'doctor-0', 'GET', `/v1/cases/${caseId}`, undefined, 'assessment');
    expect(denied.status).toBe(404); // health holds no record in this case: denied, as not found
  }
  await sendAt(2, 'xz-civil-affairs', 'worker-9', 'GET', `/v1/records/${recordId}`);
  await sendAt(2, 'xz-education', 'teacher-9', 'GET', `/v1/cases/${caseId}`, undefined, 'assessment');
  const emergency = await sendAt(1, 'xz-education', 'teacher-9', 'POST', `/v1/cases/${caseId}/emergency`, { reason: '学生在校出现危机，需要立即协调' });
  expect(emergency.status).toBe(201);
  await sendAt(0, 'xz-education', 'teacher-9', 'GET', `/v1/cases/${caseId}`, undefined, 'assessment');
  for (let i = 0; i < 3; i++) expect((await t.raw('GET', '/v1/health')).status).toBe(200);

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => pageProblems.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') pageProblems.push(m.text());
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await t?.hub.close();
});

describe('privacy officers console', () => {
  it('loads an officer key and verifies the audit trail, uPlot and all from the hub itself under the strict CSP', async () => {
    const keyFile = join(mkdtempSync(join(tmpdir(), 'xq-key-')), 'officer.jwk.json');
    writeFileSync(keyFile, JSON.stringify(t.province.agencies['officer-zhang']!.credentials.privateJwk));
    const origins = new Set<string>();
    page.on('request', (r) => origins.add(new URL(r.url()).origin));
    await page.goto(`${t.hub.baseUrl}/console`); // redirects to /console/index.html
    await expect.poll(() => page.textContent('#hub')).toBe('xinqiao-540000');
    expect(await page.evaluate(() => typeof (globalThis as { uPlot?: unknown }).uPlot)).toBe('function');
    await page.setInputFiles('#key-file', keyFile);
    await page.fill('#officer-id', 'officer-zhang');
    await press('#load-key');
    await expect.poll(() => page.textContent('#who')).toContain('officer-zhang');
    await press('#seal');
    await expect.poll(() => page.textContent('#verify-result'), { timeout: 10_000 }).toContain('Sealed digest');
    expect(await page.textContent('#verify-result')).toMatch(/ \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} 北京时间$/);
    await press('#verify');
    await expect.poll(() => page.textContent('#verify-result'), { timeout: 10_000 }).toContain('完整 Intact');
    expect([...origins]).toEqual([t.hub.baseUrl]);
    // Exactly the files the installed package publishes, with the console's headers.
    const uplot = dirname(createRequire(import.meta.url).resolve('uplot/package.json'));
    for (const [file, type] of [
      ['uPlot.iife.min.js', 'text/javascript; charset=utf-8'],
      ['uPlot.min.css', 'text/css; charset=utf-8'],
    ] as const) {
      const res = await fetch(new URL(`/console/${file}`, t.hub.baseUrl));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(type);
      expect(res.headers.get('content-security-policy')).toBe(CONSOLE_HEADERS['content-security-policy']);
      expect(await res.text()).toBe(readFileSync(join(uplot, 'dist', file), 'utf8'));
    }
    await shot('01-identity-and-verification', 'main > section:nth-of-type(2)');
  });

  it('lists events newest first in Beijing time, with agencies in Chinese and English', async () => {
    await page.selectOption('#f-limit', '20');
    await press('#search');
    expect(await page.textContent('#page-label')).toBe('第 1 页 Page 1');
    const times = await page.locator('#events tbody tr td:nth-child(1)').allTextContents();
    // A page of 20, less the health and console-file events hidden by default (the page's own files among them).
    const hidden = Number(/已隐藏 (\d+) 条/.exec((await page.textContent('#hidden-note')) ?? '')?.[1] ?? 0);
    expect(hidden).toBeGreaterThan(0);
    expect(times.length + hidden).toBe(20);
    for (const time of times) expect(time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} 北京时间$/);
    expect(times).toEqual([...times].sort().reverse());
    const agencies = await page.locator('#events tbody tr td:nth-child(2)').allTextContents();
    expect(agencies).toContain('教育 Education (xz-education)');
    expect(agencies).toContain('隐私官 Privacy officer (officer-zhang)');
    expect(await page.textContent('#events tbody')).toContain('拒绝 deny');
  });

  it('pages through events with the API cursor, next and previous', async () => {
    await page.fill('#f-agency', 'xz-health');
    await page.selectOption('#f-limit', '10');
    await press('#search');
    const column = (n: number) => page.locator(`#events tbody tr td:nth-child(${n})`).allTextContents();
    const first = await column(1);
    expect(first).toHaveLength(10);
    expect(await page.isDisabled('#prev-page')).toBe(true);
    expect(await page.isDisabled('#next-page')).toBe(false);
    await shot('02-events-page-1', '#search-events');

    await press('#next-page');
    expect(await page.textContent('#page-label')).toBe('第 2 页 Page 2');
    const second = await column(1);
    expect(second).toHaveLength(2); // 8 records and 4 denied case views
    expect(second[0]! <= first.at(-1)!).toBe(true);
    expect(new Set(await column(2))).toEqual(new Set(['卫健 Health (xz-health)']));
    expect(await page.isDisabled('#next-page')).toBe(true);
    await shot('03-events-page-2', '#search-events');
    await press('#prev-page');
    expect(await page.textContent('#page-label')).toBe('第 1 页 Page 1');
    expect(await column(1)).toEqual(first);
    await page.fill('#f-agency', '');
  });

  it('hides health and console-file events until asked to show them', async () => {
    await page.selectOption('#f-limit', '500');
    await press('#search');
    await expect.poll(() => page.textContent('#hidden-note')).toMatch(/本页已隐藏 \d+ 条健康检查与控制台文件事件/);
    const routes = () => page.locator('#events tbody tr td:nth-child(4)').allTextContents();
    expect((await routes()).some((r) => r === 'GET /v1/health' || r.startsWith('GET /console'))).toBe(false);
    await page.check('#f-show-system');
    await expect.poll(async () => (await routes()).filter((r) => r === 'GET /v1/health').length).toBe(3);
    expect(await routes()).toContain('GET /console/{file}');
    expect(await page.textContent('#hidden-note')).toBe('');
    await shot('04-events-system-shown', '#search-events');
    await page.uncheck('#f-show-system');
  });

  it('keeps to a date range of Beijing days, sent to the API', async () => {
    const day = beijingDay(Date.now() - 3 * DAY_MS);
    await page.fill('#f-from', day);
    await page.fill('#f-to', day);
    await press('#search');
    expect(await page.textContent('#events tbody')).toContain('教育 Education (xz-education)');
    const times = await page.locator('#events tbody tr td:nth-child(1)').allTextContents();
    expect(times.length).toBeGreaterThanOrEqual(3);
    for (const time of times) expect(time.slice(0, 10)).toBe(day);
    await shot('05-events-date-range', '#search-events');
  });

  it('shows a refused date range beside the search form, in Chinese and English, without an alert', async () => {
    await page.fill('#f-from', beijingDay(Date.now()));
    await page.fill('#f-to', beijingDay(Date.now() - 2 * DAY_MS));
    await press('#search');
    await expect.poll(() => page.textContent('#events-error')).toContain('VALIDATION_FAILED');
    const text = await page.textContent('#events-error');
    expect(text).toContain('日期范围无效 The date range is not valid');
    expect(text).toContain('from：起始时间晚于结束时间 is after to');
    // Beside the form that caused it: inside the search section, and nowhere else.
    expect(await page.locator('#search-events .status.error').count()).toBe(1);
    expect(await page.locator('.status.error').count()).toBe(1);
    expect(await page.locator('#events tbody tr').count()).toBe(0); // not the previous search's rows
    await shot('06-error-beside-search-form', '#search-events');
    await page.fill('#f-from', '');
    await page.fill('#f-to', '');
  });

  it('draws requests and denials per agency per day, and emergency accesses over time', async () => {
    await page.fill('#c-from', beijingDay(Date.now() - 6 * DAY_MS));
    await page.fill('#c-to', beijingDay(Date.now()));
    await press('#draw');
    await expect.poll(() => page.textContent('#charts-note'), { timeout: 20_000 }).toContain('1 emergency accesses');
    for (const id of ['requests', 'denials', 'emergency']) expect(await page.locator(`#chart-${id} canvas`).count()).toBe(1);
    expect(await page.textContent('#chart-requests .u-legend')).toContain('卫健 Health (xz-health)');
    expect(await page.textContent('#chart-requests .u-title')).toBe('每日请求（按机构） Requests per agency per day');
    // Series colours on the canvases: lines of the agencies, the denial line, the emergency bar.
    expect(await page.textContent('#chart-requests .u-legend')).not.toContain('officer-zhang'); // officers' own queries are not an agency's
    expect(await pixelsOf('#chart-requests canvas', [0x24, 0x41, 0x5f])).toBeGreaterThan(20);
    const agencies = (await page.locator('#chart-denials .u-legend .u-series .u-label').allTextContents()).slice(1);
    const healthColour = [
      [0x24, 0x41, 0x5f],
      [0xc2, 0x41, 0x0c],
      [0x15, 0x80, 0x3d],
      [0x7c, 0x3a, 0xed],
    ][agencies.indexOf('卫健 Health (xz-health)')] as [number, number, number];
    expect(await pixelsOf('#chart-denials canvas', healthColour)).toBeGreaterThan(20);
    expect(await pixelsOf('#chart-emergency canvas', [0xb9, 0x1c, 0x1c])).toBeGreaterThan(10);
    await shot('07-charts', '#charts');
  });

  it('shows a reversed chart range beside the chart form and takes the charts away', async () => {
    await page.fill('#c-from', beijingDay(Date.now()));
    await page.fill('#c-to', beijingDay(Date.now() - DAY_MS));
    await press('#draw');
    expect(await page.textContent('#charts-error')).toBe('起始日期晚于截止日期 The from day is after the to day');
    expect(await page.locator('#charts canvas').count()).toBe(0);
    await shot('07b-error-beside-chart-form', '#charts');
  });

  it('draws a case’s access timeline: who read what, under which legal basis', async () => {
    await page.fill('#case-id', caseId);
    await press('#report');
    await expect.poll(() => page.locator('#access tbody tr').count()).toBeGreaterThanOrEqual(4);
    const rows = await page.locator('#access tbody tr').allTextContents();
    expect(rows.some((r) => r.includes('民政 Civil affairs (xz-civil-affairs)') && r.includes('本机构记录 own record'))).toBe(true);
    expect(rows.some((r) => r.includes('教育 Education (xz-education)') && r.includes('紧急访问 emergency'))).toBe(true);
    expect(await page.locator('#chart-case canvas').count()).toBe(1);
    expect(await pixelsOf('#chart-case canvas', [0xb9, 0x1c, 0x1c])).toBeGreaterThan(20); // the emergency point
    expect(await pixelsOf('#chart-case canvas', [0x15, 0x80, 0x3d])).toBeGreaterThan(20); // own-record reads
    await shot('08-case-timeline', '#case');
  });

  it('shows a refused case id beside the case form', async () => {
    await page.fill('#case-id', 'not a case');
    await press('#report');
    await expect.poll(() => page.textContent('#case-error')).toContain('VALIDATION_FAILED');
    expect(await page.textContent('#case-error')).toContain('请求内容校验失败');
    expect(await page.locator('#case .status.error').count()).toBe(1);
    expect(await page.locator('#access tbody tr').count()).toBe(0); // not the previous case's timeline
    expect(await page.locator('#chart-case canvas').count()).toBe(0);
    await shot('09-error-beside-case-form', '#case');
  });

  it('still shows the tables when uPlot cannot be loaded, and says why the chart is missing', async () => {
    const bare = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await bare.route('**/uPlot.iife.min.js', (route) => route.abort());
      await bare.goto(`${t.hub.baseUrl}/console/index.html`);
      const keyFile = join(mkdtempSync(join(tmpdir(), 'xq-key-')), 'officer.jwk.json');
      writeFileSync(keyFile, JSON.stringify(t.province.agencies['officer-zhang']!.credentials.privateJwk));
      await bare.setInputFiles('#key-file', keyFile);
      await bare.click('#load-key');
      await expect.poll(() => bare.textContent('#who')).toContain('officer-zhang');
      await bare.fill('#case-id', caseId);
      await bare.click('#report');
      await expect.poll(() => bare.locator('#access tbody tr').count()).toBeGreaterThanOrEqual(4);
      expect(await bare.textContent('#chart-case')).toBe('图表组件未能载入 The chart library (uPlot.iife.min.js) did not load');
      expect(await bare.textContent('#case-error')).toBe('');
    } finally {
      await bare.close();
    }
  });

  it('shows alerts and emergency access in Beijing time, and never used an alert() or failed a script', async () => {
    await press('#run-alerts');
    await expect.poll(() => page.locator('#alerts li').count()).toBeGreaterThanOrEqual(1);
    expect(await page.textContent('#alerts')).toContain('紧急访问 emergency access: 教育 Education (xz-education)');
    expect(await page.textContent('#alerts')).toContain('北京时间');
    await shot('10-alerts', '#notices');
    await shot('00-whole-page');
    expect(dialogs).toEqual([]);
    expect(pageProblems.filter((p) => !p.includes('400') && !p.includes('Bad Request'))).toEqual([]);
  });
});
