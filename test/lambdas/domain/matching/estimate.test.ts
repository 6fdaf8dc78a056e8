import { describe, expect, it } from 'vitest';
import { encodePattern, ID } from '../../../../lambdas/domain/matching/compare';
import { estimateEm, estimateU, reestimateWithLabels } from '../../../../lambdas/domain/matching/estimate';
import { initialModel, levelWeights, modelVersion } from '../../../../lambdas/domain/matching/model';

const MATCH = [0, 0, 0, 0, 0, 0, 0, 0];
const NON_MATCH = [3, 3, 4, 1, 2, 2, 1, 1];

describe('model estimation', () => {
  it('estimates u from random pairs and m by EM, and versions the result by its parameters', () => {
    const u = estimateU(
      initialModel(),
      Array.from({ length: 1000 }, () => NON_MATCH),
    );
    const counts = new Map([
      [encodePattern(MATCH), 300],
      [encodePattern(NON_MATCH), 700],
    ]);
    const model = estimateEm(counts, u, 30, true);
    const w = levelWeights(model);
    expect(w[0]![0]!).toBeGreaterThan(5); // name exact is strong evidence
    expect(w[0]![3]!).toBeLessThan(0); // name different counts against
    const { version, ...params } = model;
    expect(version).toBe(modelVersion(params));
    expect(model.source).toMatch(/^u:random 1000 pairs, em:1000 pairs$/);
  });

  it('moves weights toward reviewed pairs', () => {
    const start = initialModel();
    const labelled = reestimateWithLabels(
      start,
      Array.from({ length: 500 }, () => ({ levels: [2, 0, 4, 0, 0, 0, 0, 2], match: true })),
    );
    expect(levelWeights(labelled)[0]![2]!).toBeGreaterThan(levelWeights(start)[0]![2]!); // "close" names confirmed often
    expect(labelled.source).toBe('initial+labels:500');
    expect(labelled.version).not.toBe(start.version);
  });

  it('lets EM weigh two valid numbers on rows that agree on name, birth date, sex and family, and keeps other number conflicts non-matches', () => {
    // Random pairs: two valid numbers differ in most of them.
    const u = estimateU(
      initialModel(),
      Array.from({ length: 1000 }, () => [3, 3, ID.different, 1, 2, 2, 1, 1]),
    );
    // name, birthDate, idNumber, sex, region, guardianName, guardianPhone, school
    const sameChildOtherNumber = [0, 0, ID.different, 0, 0, 0, 0, 2];
    const siblingNumber = [0, 3, ID.different, 0, 0, 0, 0, 2];
    const count = (extra: number[]) =>
      new Map([
        [encodePattern(MATCH), 300],
        [encodePattern(NON_MATCH), 700],
        [encodePattern(extra), 10],
      ]);
    const differentWeight = (extra: number[]) => levelWeights(estimateEm(count(extra), u, 30, true))[2]![ID.different]!;
    // Anchored as non-matches, the level gets no m at all: the clamp's floor (about -19 bits).
    expect(differentWeight(siblingNumber)).toBeLessThan(-15);
    // Rows that are one child despite the numbers give the level its m: a penalty, not a veto.
    expect(differentWeight(sameChildOtherNumber)).toBeGreaterThan(-10);
  });
});
