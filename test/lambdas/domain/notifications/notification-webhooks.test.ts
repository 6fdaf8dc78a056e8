/** Webhook rules: retry waits, delivery ids, and which URLs a province may register. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deliveryId, retryDelayMs } from '../../../../lambdas/domain/notifications/webhooks';
import { agencySystemConfig } from '../../../../schemas/province-config';

describe('webhook retries', () => {
  it('wait a minute after the first failure, doubling, never more than an hour', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map((f) => retryDelayMs(f) / 60_000)).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60]);
  });

  it('give one delivery id per agency and batch start, the same on every attempt', () => {
    expect(deliveryId('xz-education', 'abc')).toBe(deliveryId('xz-education', 'abc'));
    expect(deliveryId('xz-education', 'abc')).not.toBe(deliveryId('xz-health', 'abc'));
    expect(deliveryId('xz-education', 'abc')).not.toBe(deliveryId('xz-education', 'abd'));
  });
});

describe('webhook URLs in the province config', () => {
  const agency = JSON.parse(readFileSync(new URL('../../../../config/provinces/540000.json', import.meta.url), 'utf8')).agencies[0];
  const parse = (url: string) => agencySystemConfig.safeParse({ ...agency, webhook: { url } });

  it.each(['https://edu.xizang.example/xinqiao/notifications', 'http://127.0.0.1:8080/hook', 'http://localhost/hook'])('accepts %s', (url) => {
    expect(parse(url).success).toBe(true);
  });

  it.each([
    ['plain http to another host', 'http://edu.xizang.example/hook'],
    ['credentials in the URL', 'https://user:secret@edu.xizang.example/hook'],
    ['not a URL', 'edu.xizang.example/hook'],
    ['another scheme', 'ftp://edu.xizang.example/hook'],
  ])('refuses %s', (_case, url) => {
    const result = parse(url);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path).toEqual(['webhook', 'url']);
  });

  it('is optional', () => {
    expect(agencySystemConfig.safeParse(agency).success).toBe(true);
  });
});
