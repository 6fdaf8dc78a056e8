/**
 * The privacy officers' console in a real headless Chromium (Debian's chromium,
 * driven by playwright-core): load a key, verify the trail, search events, open
 * a case's access report, see alerts. .ci/run installs chromium when it is missing.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../support/hub';
import { idNumberFor } from '../support/records';

const CHROMIUM = '/usr/bin/chromium';
let t: TestHub;
let browser: Browser;
let page: Page;
let caseId: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error('Chromium is missing: apt-get install -y chromium (.ci/run does this)');
  t = await startTestHub();
  const child = {
    name: '格桑卓嘎',
    sex: 'F',
    birthDate: '2013-03-13',
    idNumber: idNumberFor('540102', '2013-03-13', 8),
    householdRegion: '540102',
    categories: [],
  };
  const published = await t.client('xz-civil-affairs', 'worker-9').post<any>('/v1/records', { externalId: 'CON-1', ...child });
  caseId = published.body.caseId;
  await t.client('xz-education', 'teacher-9').post('/v1/records', { externalId: 'CON-1E', ...child });
  await t.client('xz-education', 'teacher-9').post(`/v1/cases/${caseId}/emergency`, { reason: '学生在校出现危机，需要立即协调' });
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
  page = await browser.newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.hub.close();
});

describe('privacy officers console', () => {
  it('loads an officer key and verifies the audit trail', async () => {
    const keyFile = join(mkdtempSync(join(tmpdir(), 'xq-key-')), 'officer.jwk.json');
    writeFileSync(keyFile, JSON.stringify(t.province.agencies['officer-zhang']!.credentials.privateJwk));
    await page.goto(`${t.hub.baseUrl}/console`); // redirects to /console/index.html
    await expect.poll(() => page.textContent('#hub')).toBe('xinqiao-540000');
    await page.setInputFiles('#key-file', keyFile);
    await page.fill('#officer-id', 'officer-zhang');
    await page.click('#load-key');
    await expect.poll(() => page.textContent('#who')).toContain('officer-zhang');
    await page.click('#seal');
    await expect.poll(() => page.textContent('#verify-result'), { timeout: 10_000 }).toContain('Sealed digest');
    await page.click('#verify');
    await expect.poll(() => page.textContent('#verify-result'), { timeout: 10_000 }).toContain('完整 Intact');
  });

  it('searches events and opens a case access report', async () => {
    await page.fill('#f-agency', 'xz-education');
    await page.click('#search');
    await expect.poll(() => page.locator('#events tbody tr').count()).toBeGreaterThanOrEqual(2);
    expect(await page.textContent('#events tbody')).toContain('POST /v1/cases/{caseId}/emergency');

    await page.fill('#case-id', caseId);
    await page.click('#report');
    await expect.poll(() => page.locator('#access tbody tr').count()).toBeGreaterThanOrEqual(1);
    expect(await page.textContent('#access tbody')).toContain('emergency');
  });

  it('shows alerts and emergency access', async () => {
    await page.click('#run-alerts');
    await expect.poll(() => page.locator('#alerts li').count()).toBeGreaterThanOrEqual(1);
    expect(await page.textContent('#alerts')).toContain('紧急访问 emergency access: xz-education');
    await page.screenshot({ path: join(tmpdir(), 'xinqiao-console.png'), fullPage: true });
  });
});
