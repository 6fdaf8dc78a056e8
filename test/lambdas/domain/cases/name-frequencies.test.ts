/** The hub's name frequencies: the shares of a name and the province's size, as the offline merge gives them to the scorer. */
import { describe, expect, it } from 'vitest';
import { frequenciesOf } from '../../../../lambdas/domain/cases/name-frequencies';
import { MIN_RECORDS_FOR_FREQUENCIES } from '../../../../lambdas/domain/matching/merge';
import { DEFAULT_MODEL } from '../../../../lambdas/domain/matching/default-model';
import { REFERENCE_RECORDS, Scorer } from '../../../../lambdas/domain/matching/scorer';

const name = { text: '扎西卓玛', pinyin: 'zhaxizhuoma' };

describe('frequenciesOf', () => {
  it('gives nothing below the minimum number of records, then the shares (the newcomer counted) and the size', () => {
    expect(frequenciesOf(name, 3, 5, MIN_RECORDS_FOR_FREQUENCIES - 1)).toBeUndefined();
    const tf = frequenciesOf(name, 3, 5, 200_000)!;
    expect(tf.records).toBe(200_000);
    expect(tf.text('扎西卓玛')).toBeCloseTo(4 / 200_000, 12);
    expect(tf.pinyin('zhaxizhuoma')).toBeCloseTo(6 / 200_000, 12);
    expect(tf.text('达瓦')).toBeUndefined();
  });

  it('lets the hub scorer apply the size-dependent rules the offline merge applies: the review floor rises past the reference size', () => {
    const { lower } = DEFAULT_MODEL.thresholds;
    const small = new Scorer(DEFAULT_MODEL, frequenciesOf(name, 0, 0, REFERENCE_RECORDS));
    const large = new Scorer(DEFAULT_MODEL, frequenciesOf(name, 0, 0, 4 * REFERENCE_RECORDS));
    expect(small.reviewFloor()).toBe(lower);
    expect(large.reviewFloor()).toBeCloseTo(Math.min(lower + 2, DEFAULT_MODEL.thresholds.upper - 4), 9);
  });
});
