import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL } from '../../../../lambdas/domain/matching/default-model';
import { toMatchRecord, type MatchInput } from '../../../../lambdas/domain/matching/match-record';
import { mergeRecords } from '../../../../lambdas/domain/matching/merge';
import { generateLists } from '../../../../scripts/synthetic/generate';
import { idNumberFor, MATCH_CHILD } from '../../../support/records';

const child: Omit<MatchInput, 'agency' | 'externalId'> = MATCH_CHILD;

describe('list merge engine', () => {
  it('puts one child’s noisy records into one case and keeps the twin and a namesake apart', () => {
    const records = [
      toMatchRecord({ agency: 'civil_affairs', externalId: 'MZ-1', ...child }),
      toMatchRecord({ agency: 'education', externalId: 'JY-1', ...child, name: '格桑曲珎', idNumber: undefined, birthDate: '2012/8/14' }),
      toMatchRecord({ agency: 'youth_league', externalId: 'TW-1', name: '格桑·曲珍', birthDate: '20120814', guardianPhone: '13908901234' }),
      toMatchRecord({ agency: 'health', externalId: 'WJ-1', ...child, name: '格桑卓玛', idNumber: idNumberFor('540221', '2012-08-14', 130) }),
      toMatchRecord({
        agency: 'education',
        externalId: 'JY-2',
        name: '格桑曲珍',
        sex: 'F',
        birthDate: '2012-08-14',
        householdRegion: '540102',
        guardianName: '多吉',
        guardianPhone: '13700000000',
      }),
    ];
    const result = mergeRecords(records, { model: DEFAULT_MODEL, estimate: false });
    expect(result.caseIds[1]).toBe(result.caseIds[0]);
    expect(result.caseIds[2]).toBe(result.caseIds[0]);
    expect(result.caseIds[3]).not.toBe(result.caseIds[0]);
    expect(result.caseIds[4]).not.toBe(result.caseIds[0]);
    expect(result.decisions.slice(0, 4)).toEqual(['new', 'auto', 'auto', 'new']);
    expect(result.caseIds[0]).toMatch(/^case_[0-9A-Z]{20}$/);
  });

  it('links a pair agreeing on a valid ID number without review, whatever else is thin, unless sex or birth date contradicts it', () => {
    const id = MATCH_CHILD.idNumber;
    const records = [
      toMatchRecord({ agency: 'civil_affairs', externalId: 'MZ-1', ...child }),
      // Only the number and a fragment of the name; a romanised name with a one-digit date typo and no sex.
      toMatchRecord({ agency: 'health', externalId: 'WJ-1', name: '格桑', idNumber: id }),
      toMatchRecord({ agency: 'education', externalId: 'JY-1', name: 'Kelsang Chodron', birthDate: '2012-08-15', idNumber: ` ${id.toLowerCase()} ` }),
      // A namesake born the same day in the county, with a different guardian: a competitor, not a reason to doubt.
      toMatchRecord({ agency: 'womens_federation', externalId: 'FL-1', ...child, idNumber: undefined, guardianName: '多吉', guardianPhone: '13700000000' }),
      // The same number with another sex, or a birth date far from the one it encodes: a number copied wrong.
      toMatchRecord({ agency: 'youth_league', externalId: 'TW-1', ...child, sex: 'M' }),
      toMatchRecord({ agency: 'youth_league', externalId: 'TW-2', ...child, birthDate: '2014-02-01' }),
    ];
    const result = mergeRecords(records, { model: DEFAULT_MODEL, estimate: false });
    expect(result.caseIds[1]).toBe(result.caseIds[0]);
    expect(result.caseIds[2]).toBe(result.caseIds[0]);
    expect(result.decisions.slice(1, 3)).toEqual(['auto', 'auto']);
    const reviewed = new Set(result.reviews.flatMap((r) => [r.a, r.b]));
    expect(reviewed.has(1) || reviewed.has(2)).toBe(false);
    // Contradicted: never linked automatically (sent to a person or kept apart).
    expect(result.caseIds[4]).not.toBe(result.caseIds[0]);
    expect(result.caseIds[5]).not.toBe(result.caseIds[0]);
  });

  it('never links two records of one agency with different valid ID numbers', () => {
    const records = [
      toMatchRecord({ agency: 'civil_affairs', externalId: 'A', ...child }),
      toMatchRecord({ agency: 'civil_affairs', externalId: 'B', ...child, idNumber: idNumberFor('540221', '2012-08-14', 132) }),
    ];
    const result = mergeRecords(records, { model: DEFAULT_MODEL, estimate: false });
    expect(result.caseIds[0]).not.toBe(result.caseIds[1]);
  });

  it('is deterministic and links generated lists far better than exact IDs alone', () => {
    const { lists } = generateLists({ perAgency: 1500, seed: 7 });
    const records = lists.flatMap((l) =>
      l.rows.map((r) =>
        toMatchRecord({
          agency: l.profile.type,
          externalId: r.externalId,
          name: r.name,
          sex: r.sex,
          birthDate: r.birthDate,
          idNumber: r.idNumber,
          householdRegion: r.householdRegion,
          currentRegion: r.currentRegion,
          guardianName: r.guardianName,
          guardianPhone: r.guardianPhone,
          school: r.school,
        }),
      ),
    );
    const truth = lists.flatMap((l) => l.truth);
    const first = mergeRecords(records);
    const second = mergeRecords(records);
    expect(Array.from(second.cluster)).toEqual(Array.from(first.cluster));
    let tp = 0;
    let fp = 0;
    let actual = 0;
    for (let i = 0; i < records.length; i++) {
      for (let j = i + 1; j < records.length; j++) {
        const same = truth[i] === truth[j];
        const linked = first.cluster[i] === first.cluster[j];
        if (same) actual++;
        if (linked && same) tp++;
        if (linked && !same) fp++;
      }
    }
    // The generator is hard on purpose (hotline fragments, transliterations, twins): exact IDs alone reach about 0.53.
    expect(tp / actual).toBeGreaterThan(0.9);
    expect(fp).toBeLessThanOrEqual(1);
  });
});
