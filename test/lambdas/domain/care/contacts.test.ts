/** When the next follow-up contact is due: the interval of the child's latest risk level, from the province config. */
import { describe, expect, it } from 'vitest';
import { nextContactDue } from '../../../../lambdas/domain/care/contacts';
import { careConfig } from '../../../../schemas/province-config';

describe('next contact due', () => {
  const care = careConfig.parse(undefined);
  it.each([
    ['crisis', 7],
    ['high', 14],
    ['medium', 30],
    ['low', 90],
    [undefined, 30],
  ] as const)('after a contact, a child at %s is due again in %i days', (level, days) => {
    expect(nextContactDue(care, '2026-11-01T02:00:00.000Z', level)).toBe(new Date(Date.parse('2026-11-01T02:00:00.000Z') + days * 86_400_000).toISOString());
  });

  it('a province can set its own intervals, and the config refuses a scale level without one', () => {
    const custom = careConfig.parse({
      riskScale: ['green', 'amber', 'red'],
      followUpIntervalDays: { green: 60, amber: 21, red: 5 },
      followUpUnassessedDays: 45,
    });
    expect(nextContactDue(custom, '2026-11-01T00:00:00.000Z', 'red')).toBe('2026-11-06T00:00:00.000Z');
    expect(nextContactDue(custom, '2026-11-01T00:00:00.000Z', undefined)).toBe('2026-12-16T00:00:00.000Z');
    const missing = careConfig.safeParse({ riskScale: ['green', 'red'], followUpIntervalDays: { green: 60 } });
    expect(missing.success).toBe(false);
    expect(missing.error?.issues.map((i) => i.path.join('.'))).toEqual(['followUpIntervalDays.red']);
  });
});
