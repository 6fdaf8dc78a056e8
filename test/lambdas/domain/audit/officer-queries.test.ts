/** The officers' search range check: a table of bounds, each accepted or refused naming the bound. */
import { describe, expect, it } from 'vitest';
import { checkRange } from '../../../../lambdas/domain/audit/officer-queries';
import { ValidationError } from '../../../../lambdas/shared/errors';

const NOT_UTC = '不是有效的 UTC 日期时间，例如 2026-12-03T09:05:09Z';

/** The error a range is refused with (undefined when accepted). */
function refusal(range: { from?: string; to?: string }): unknown {
  try {
    checkRange(range);
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('checkRange', () => {
  it.each([
    [{}],
    [{ from: '2026-12-03T09:05:09Z' }],
    [{ to: '2026-12-03T09:05Z' }],
    [{ from: '2026-12-03T00:00:00.000Z', to: '2026-12-03T00:00:00.000Z' }],
    [{ from: '2024-02-29T16:00:00.123456Z', to: '2026-12-03T16:00:00Z' }],
  ])('accepts %j', (range) => {
    expect(refusal(range)).toBeUndefined();
  });

  it.each([
    [{ from: '2026-12-03' }, 'from', NOT_UTC],
    [{ to: '2026-02-30T00:00:00Z' }, 'to', NOT_UTC],
    [{ from: '2025-02-29T00:00:00Z' }, 'from', NOT_UTC],
    [{ from: '2026-12-03T09:00:00+08:00' }, 'from', NOT_UTC],
    [{ to: '2026-12-03T25:00:00Z' }, 'to', NOT_UTC],
    [{ to: '' }, 'to', NOT_UTC],
    [{ from: '2026-12-04T00:00:00Z', to: '2026-12-03T23:59:59.999Z' }, 'from', '起始时间晚于结束时间'],
  ])('refuses %j, naming %s', (range, path, zh) => {
    const thrown = refusal(range);
    expect(thrown).toBeInstanceOf(ValidationError);
    const error = thrown as ValidationError;
    expect([error.code, error.message, error.messageZh]).toEqual(['VALIDATION_FAILED', 'The date range is not valid', '日期范围无效']);
    expect(error.details).toEqual([{ path, message: expect.any(String), message_zh: zh }]);
  });

  it('names both bounds when both are malformed, and does not compare them', () => {
    const thrown = refusal({ from: 'x', to: 'y' });
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).details?.map((d) => d.path)).toEqual(['from', 'to']);
  });
});
