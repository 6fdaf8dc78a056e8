import { describe, expect, it } from 'vitest';
import type { Veto } from '../../../../lambdas/domain/matching/compare';
import { DEFAULT_LINK_POLICY, isAmbiguous, pairVerdict } from '../../../../lambdas/domain/matching/link-policy';

const thresholds = { upper: 20, lower: 12 };

describe('link policy', () => {
  const cases: [string, number, Veto | undefined, ReturnType<typeof pairVerdict>][] = [
    ['nothing below the lower threshold', 11.9, undefined, { kind: 'none' }],
    ['nothing for twins, even far above the upper threshold', 40, 'NAME_CONFLICT', { kind: 'none' }],
    ['nothing for twins in the review band', 15, 'NAME_CONFLICT', { kind: 'none' }],
    ['nothing for two valid different ID numbers', 30, 'ID_CONFLICT', { kind: 'none' }],
    ['review in the band', 15, undefined, { kind: 'review', reason: 'BAND' }],
    ['review in the band whatever a reviewable veto', 15, 'WEAK_EVIDENCE', { kind: 'review', reason: 'BAND' }],
    ['review above the upper threshold with a reviewable veto', 25, 'BIRTHDATE_CONFLICT', { kind: 'review', reason: 'VETO' }],
    ['a link at the upper threshold without a veto', 20, undefined, { kind: 'link' }],
  ];
  for (const [name, weight, veto, expected] of cases) {
    it(`gives ${name}`, () => {
      expect(pairVerdict(veto ? { weight, veto } : { weight }, thresholds)).toEqual(expected);
    });
  }

  it('calls a link ambiguous only for an incompatible competitor within the margin', () => {
    const competitors = [
      { w: 30, compatible: true },
      { w: 25.5, compatible: false },
    ];
    const ambiguousAt = (weight: number) =>
      isAmbiguous(
        weight,
        competitors,
        (c) => c.w,
        (c) => c.compatible,
        DEFAULT_LINK_POLICY,
      );
    expect(ambiguousAt(29)).toBe(true); // 25.5 >= 29 - 4, and incompatible
    expect(ambiguousAt(30)).toBe(false); // 25.5 < 30 - 4
  });
});
