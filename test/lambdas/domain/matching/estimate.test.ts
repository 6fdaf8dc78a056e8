import { describe, expect, it } from 'vitest';
import { encodePattern } from '../../../../lambdas/domain/matching/compare';
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
});
