/** The retry rules as pure functions: Retry-After in both forms, and the backoff's bounds. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY, isRetryableAnswer, retryAfterMs, retryDelayMs } from '../../client/hub-client';

const NOW = Date.parse('2026-12-03T09:00:00Z');

describe('retryAfterMs', () => {
  it('reads delay-seconds', () => {
    expect(retryAfterMs('120', NOW)).toBe(120_000);
    expect(retryAfterMs(' 0 ', NOW)).toBe(0);
  });

  it('reads an HTTP date, in the future or past', () => {
    expect(retryAfterMs('Thu, 03 Dec 2026 09:00:30 GMT', NOW)).toBe(30_000);
    expect(retryAfterMs('Thu, 03 Dec 2026 08:59:00 GMT', NOW)).toBe(0);
  });

  it('ignores what is neither', () => {
    for (const value of [null, undefined, '', '-1', '1.5', 'soon', '2026-13-45']) expect(retryAfterMs(value, NOW)).toBeUndefined();
  });
});

describe('retryDelayMs', () => {
  const policy = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };

  it('doubles the step each attempt up to maxDelayMs, full jitter within it', () => {
    expect([1, 2, 3, 4, 5].map((a) => retryDelayMs(policy, a, undefined, () => 0.999_999))).toEqual(
      [100, 200, 400, 800, 1000].map((step) => expect.closeTo(step, 0)),
    );
    expect(retryDelayMs(policy, 3, undefined, () => 0)).toBe(0);
  });

  it('waits at least Retry-After, plus up to one base step', () => {
    expect(retryDelayMs(policy, 1, 500, () => 0)).toBe(500);
    expect(retryDelayMs(policy, 1, 500, () => 0.5)).toBe(550);
  });

  it('gives up rather than wait longer than maxDelayMs', () => {
    expect(retryDelayMs(policy, 1, 1001, () => 0)).toBeUndefined();
  });
});

describe('isRetryableAnswer', () => {
  it('retries 429, 503 and CONFLICT, not STATE_CONFLICT nor other failures', () => {
    expect(isRetryableAnswer(429, null)).toBe(true);
    expect(isRetryableAnswer(503, { error: { code: 'AUDIT_UNAVAILABLE' } })).toBe(true);
    expect(isRetryableAnswer(409, { error: { code: 'CONFLICT' } })).toBe(true);
    expect(isRetryableAnswer(409, { error: { code: 'STATE_CONFLICT' } })).toBe(false);
    expect(isRetryableAnswer(500, null)).toBe(false);
    expect(isRetryableAnswer(400, null)).toBe(false);
  });
});
