import { describe, expect, it } from 'vitest';
import { compareRecords, FIELDS, hardNegative as hardNegativeOf, NAME } from '../../../../lambdas/domain/matching/compare';
import { DEFAULT_MODEL } from '../../../../lambdas/domain/matching/default-model';
import { toMatchRecord, type MatchInput } from '../../../../lambdas/domain/matching/match-record';
import { pairVerdict } from '../../../../lambdas/domain/matching/link-policy';
import { REFERENCE_RECORDS, Scorer } from '../../../../lambdas/domain/matching/scorer';
import { idNumberFor, MATCH_CHILD } from '../../../support/records';

const base: MatchInput = { agency: 'civil_affairs', externalId: 'A', ...MATCH_CHILD };
const rec = (overrides: Partial<MatchInput>) => toMatchRecord({ ...base, ...overrides });
const scorer = new Scorer(DEFAULT_MODEL);

describe('scoring', () => {
  it('explains every field, and the explained weights add up to the score', () => {
    const a = rec({});
    const b = rec({ agency: 'education', externalId: 'B', name: '格桑曲珍', idNumber: undefined });
    const e = scorer.explain(a, b);
    expect(e.fields.map((f) => f.field)).toEqual(FIELDS.map((f) => f.field));
    expect(e.fields.find((f) => f.field === 'idNumber')).toEqual({ field: 'idNumber', level: 'missing', weight: 0 });
    expect(e.weight).toBeCloseTo(
      e.fields.reduce((s, f) => s + f.weight, 0),
      1,
    );
    expect(e).toMatchObject({ decision: 'auto', modelVersion: DEFAULT_MODEL.version });
  });

  it('recognises typos at their own level: same pinyin, same sound, part of the name, one character, swapped day and month, one digit', () => {
    const a = rec({});
    const levels = (o: Partial<MatchInput>) => compareRecords(a, rec(o));
    expect(levels({ name: '格桑曲真' })[0]).toBe(NAME.pinyin); // homophone: same pinyin
    expect(levels({ name: '格松曲珍' })[0]).toBe(NAME.pinyin); // transliteration of the same parts: 格松 is 格桑
    expect(levels({ name: 'Kelsang Chodron' })[0]).toBe(NAME.pinyin); // the English romanisation
    expect(levels({ name: 'Kelsang' })[0]).toBe(NAME.part); // a fragment in Latin letters
    expect(levels({ name: '格桑卓玛' })[0]).toBe(NAME.different); // one part differs: a sister, not a typo
    expect(levels({ name: '格桑' })[0]).toBe(NAME.part); // hotline fragment
    expect(levels({ name: '曲珍' })[0]).toBe(NAME.part);
    expect(levels({ name: '格桑由珍' })[0]).toBe(NAME.close); // look-alike: one character of another sound
    expect(levels({ name: '次仁卓玛' })[0]).toBe(NAME.different);
    expect(compareRecords(rec({ name: '次仁' }), rec({ name: '才仁' }))[0]).toBe(NAME.pinyin); // known transcriptions of one part
    expect(compareRecords(rec({ name: '索朗次仁' }), rec({ name: '索南才仁' }))[0]).toBe(NAME.pinyin);
    expect(compareRecords(rec({ name: '扎西次仁' }), rec({ name: '扎西次珍' }))[0]).toBe(NAME.different); // 次珍 is another name
    expect(compareRecords(rec({ name: '张志强' }), rec({ name: '张子强' }))[0]).toBe(NAME.sound); // zh/z heard alike
    expect(compareRecords(rec({ name: '张子涵' }), rec({ name: 'Zihan Zhang' }))[0]).toBe(NAME.pinyin); // pinyin, given name first
    expect(compareRecords(rec({ name: '张子涵' }), rec({ name: 'ZIHAN' }))[0]).toBe(NAME.part); // the given name only, in pinyin
    expect(compareRecords(rec({ name: '王子涵' }), rec({ name: '王子轩' }))[0]).toBe(NAME.close); // twins' names
    expect(compareRecords(rec({ name: '高熙' }), rec({ name: '熙' }))[0]).toBe(NAME.part); // a one-character given name alone
    expect(compareRecords(rec({ name: '才仁才旦' }), rec({ name: '次仁欠旦' }))[0]).toBe(NAME.close); // a look-alike in one Tibetan part
    expect(compareRecords(rec({ name: '央金多吉' }), rec({ name: '央古多杰' }))[0]).toBe(NAME.close); // 多杰 is 多吉; 古 a look-alike of 金
    expect(compareRecords(rec({ name: '陈秀' }), rec({ name: 'XIU' }))[0]).toBe(NAME.part); // the same, in pinyin
    expect(compareRecords(rec({ name: '高熙' }), rec({ name: '萱' }))[0]).toBe(NAME.different); // a twin's given name is not a fragment
    expect(compareRecords(rec({ name: '李浩然' }), rec({ name: '然' }))[0]).not.toBe(NAME.part); // one character of a two-character given name is not a name
    expect(compareRecords(rec({ birthDate: '2012-03-04' }), rec({ birthDate: '2012-04-03' }))[1]).toBe(1);
    expect(levels({ birthDate: '2012-08-24' })[1]).toBe(2);
    expect(compareRecords(rec({ birthDate: '2019-06-03' }), rec({ birthDate: '2020-06-03' }))[1]).toBe(2); // one year off: a typo apart
  });

  it('takes a different guardian for no evidence when the rows say it is another guardian (the mother on one list, the father on another)', () => {
    const father = rec({ guardianRelation: 'father' });
    const other = { guardianName: '卓玛央金', guardianPhone: '13900000000' };
    // guardianName and guardianPhone: different when the same guardian is meant (or nobody says), missing when another is.
    expect(compareRecords(father, rec({ ...other, guardianRelation: 'mother' })).slice(5, 7)).toEqual([3, 2]);
    expect(compareRecords(father, rec({ ...other, guardianRelation: 'father' })).slice(5, 7)).toEqual([2, 1]);
    expect(compareRecords(father, rec(other)).slice(5, 7)).toEqual([2, 1]);
    expect(compareRecords(father, rec({ guardianRelation: 'mother' })).slice(5, 7)).toEqual([0, 0]); // agreeing still counts
  });

  it('reads the birth date and sex a valid ID number encodes when the row leaves them empty, never over what it says', () => {
    expect(rec({ birthDate: undefined, sex: undefined })).toMatchObject({ birthDate: '2012-08-14', sex: 'F' });
    expect(rec({ birthDate: '2012-08-15', sex: 'M' })).toMatchObject({ birthDate: '2012-08-15', sex: 'M' });
    expect(rec({ birthDate: undefined, idNumber: '540221201208141280' }).birthDate).toBeUndefined(); // check character wrong: not read
  });

  it('takes a name one character apart with another birth date or sex for a sibling (a shared generation character), not a row to review', () => {
    const family = { name: '王子涵', idNumber: undefined };
    const sibling = (o: Partial<MatchInput>) => scorer.score(rec(family), rec({ ...family, agency: 'education', externalId: 'B', name: '王子轩', ...o }));
    expect(sibling({ birthDate: '2014-03-02' }).veto).toBe('NAME_CONFLICT');
    expect(sibling({ sex: 'M' }).veto).toBe('NAME_CONFLICT');
    expect(sibling({}).veto).toBe('NAME_DOUBT'); // same birthday and sex: a typo or a twin, for a person to decide
  });

  it('takes a name and a county without a birth date for thin evidence, even for a rare name (nothing for a person to decide on)', () => {
    const only = { idNumber: undefined, guardianName: undefined, guardianPhone: undefined, school: undefined, sex: undefined };
    const a = rec({ ...only, birthDate: undefined });
    expect(scorer.score(a, rec({ ...only, agency: 'education', externalId: 'B', birthDate: undefined })).veto).toBe('WEAK_EVIDENCE');
    const school = rec({ ...only, agency: 'education', externalId: 'B', birthDate: undefined, school: MATCH_CHILD.school });
    expect(scorer.score(rec({ ...only, birthDate: undefined, school: MATCH_CHILD.school }), school).veto).toBeUndefined(); // the school is the family's own evidence
  });

  it('counts a common name for less than a rare one (term frequencies)', () => {
    const a = rec({});
    const b = rec({ agency: 'education', idNumber: undefined });
    const common = new Scorer(DEFAULT_MODEL, { text: () => 0.01, pinyin: () => 0.01 });
    const rare = new Scorer(DEFAULT_MODEL, { text: () => 0.00001, pinyin: () => 0.00001 });
    expect(common.score(a, b).weight).toBeLessThan(rare.score(a, b).weight);
  });

  describe('the review band and the size of the lists', () => {
    // Name frequencies that know nothing but how many records they were counted over.
    const over = (records: number) => new Scorer(DEFAULT_MODEL, { text: () => undefined, pinyin: () => undefined, records });
    const verdict = (s: Scorer, levels: number[]) => pairVerdict(s.scoreLevels(levels, rec({})), DEFAULT_MODEL.thresholds);
    // name, birthDate, idNumber, sex, region, guardianName, guardianPhone, school
    const nameDateDigitCounty = [NAME.exact, 2, 4, 0, 0, 3, 2, 2];
    const fragmentDateCounty = [NAME.part, 0, 4, 0, 0, 3, 2, 2];

    it('reviews a pair in the band at the reference size, and sends it nowhere in lists twenty times as large', () => {
      const small = over(REFERENCE_RECORDS);
      const weight = small.scoreLevels(nameDateDigitCounty, rec({})).weight;
      expect(weight).toBeGreaterThan(DEFAULT_MODEL.thresholds.lower + 2);
      expect(weight).toBeLessThan(small.reviewFloor() + 4);
      expect(verdict(small, nameDateDigitCounty)).toEqual({ kind: 'review', reason: 'BAND' });
      expect(over(4 * REFERENCE_RECORDS).reviewFloor()).toBeCloseTo(DEFAULT_MODEL.thresholds.lower + 2, 5);
      expect(verdict(over(20 * REFERENCE_RECORDS), nameDateDigitCounty)).toEqual({ kind: 'none' });
      expect(over(1000 * REFERENCE_RECORDS).reviewFloor()).toBe(DEFAULT_MODEL.thresholds.upper - 4); // never vetoes a competitor
    });

    it('sends a fragment with the same birth date, sex and county to a person rather than nowhere, while the lists are not much larger', () => {
      expect(hardNegativeOf(fragmentDateCounty)).toBe('WEAK_EVIDENCE');
      expect(verdict(over(REFERENCE_RECORDS), fragmentDateCounty)).toEqual({ kind: 'review', reason: 'BAND' });
      expect(verdict(over(20 * REFERENCE_RECORDS), fragmentDateCounty)).toEqual({ kind: 'none' });
      // Without the same birth date (day and month swapped), thin evidence stays nothing, however rare the fragment.
      const rare = new Scorer(DEFAULT_MODEL, { text: () => undefined, pinyin: () => undefined, part: () => 1e-6, records: REFERENCE_RECORDS });
      const swapped = [NAME.part, 1, 4, 0, 0, 3, 2, 2];
      const score = rare.scoreLevels(swapped, rec({}), rec({ name: '格桑' }));
      expect(score.weight).toBeGreaterThan(DEFAULT_MODEL.thresholds.upper - 4);
      expect(pairVerdict(score, DEFAULT_MODEL.thresholds)).toEqual({ kind: 'none' });
    });

    it('links a name, the guardian’s name and county without a birth date only when a stranger sharing them is unlikely among the lists; a person decides short of that', () => {
      // name, birthDate, idNumber, sex, region, guardianName, guardianPhone, school: a hotline row whose phone changed.
      const guardianOnly = [NAME.exact, 4, 4, 2, 0, 0, 1, 2];
      // A model whose upper threshold this pattern reaches (fitted models put it at 20 to 21 bits, the default at 19.7).
      const model = { ...DEFAULT_MODEL, thresholds: { upper: 19, lower: 12 } };
      const rare = (records: number) => new Scorer(model, { text: () => 1e-5, pinyin: () => 1e-5, records });
      const weight = rare(REFERENCE_RECORDS).scoreLevels(guardianOnly, rec({})).weight;
      expect(weight).toBeGreaterThanOrEqual(model.thresholds.upper);
      // Few enough records for a stranger with all three to be unlikely (weight >= log2 n + CONFOUNDER_BITS): it links.
      const few = 2 ** (weight - 5) / 4;
      expect(pairVerdict(rare(few).scoreLevels(guardianOnly, rec({})), model.thresholds)).toEqual({ kind: 'link' });
      // Many: rare as the name is, another family's child may share all three; a person decides.
      const many = rare(2 ** (weight - 5) * 4).scoreLevels(guardianOnly, rec({}));
      expect(many.veto).toBe('WEAK_EVIDENCE');
      expect(pairVerdict(many, model.thresholds)).toEqual({ kind: 'review', reason: 'VETO' });
      // The phone, the school or a birth date as well is the family's own evidence: the rule does not apply.
      for (const more of [
        [NAME.exact, 4, 4, 2, 0, 0, 0, 2],
        [NAME.exact, 4, 4, 2, 0, 0, 1, 0],
        [NAME.exact, 0, 4, 0, 0, 0, 1, 2],
      ])
        expect(rare(2 ** (weight - 5) * 4).scoreLevels(more, rec({})).veto).toBeUndefined();
    });
  });

  describe('hard negatives never link automatically', () => {
    it('twins: same guardian, birthday, surname and school, different given name and ID', () => {
      const a = rec({});
      const twin = rec({ agency: 'health', name: '格桑卓玛', idNumber: idNumberFor('540221', '2012-08-14', 130) });
      const s = scorer.score(a, twin);
      expect(s.veto).toBe('ID_CONFLICT');
      expect(scorer.decide(s)).not.toBe('auto');
      const twinNoIds = scorer.score(rec({ idNumber: undefined }), rec({ agency: 'health', name: '格桑卓玛', idNumber: undefined }));
      expect(twinNoIds.veto).toBe('NAME_CONFLICT');
      expect(scorer.decide(twinNoIds)).not.toBe('auto');
    });

    it('different children with the same common name and birthday', () => {
      const a = rec({
        name: '扎西卓玛',
        idNumber: undefined,
        guardianName: undefined,
        guardianPhone: undefined,
        school: undefined,
        householdRegion: undefined,
      });
      const b = rec({
        agency: 'education',
        name: '扎西卓玛',
        idNumber: undefined,
        guardianName: '次仁',
        guardianPhone: '13700000000',
        school: '拉萨市第一小学',
        householdRegion: '540102',
      });
      const s = scorer.score(a, b);
      expect(s.veto).toBe('WEAK_EVIDENCE');
      expect(scorer.decide(s)).not.toBe('auto');
    });

    it('two records with different valid ID numbers, unless name, birth date, sex and the family all agree', () => {
      const other = idNumberFor('540221', '2012-08-14', 132);
      const family = scorer.score(rec({}), rec({ agency: 'education', externalId: 'B', idNumber: other }));
      expect(family.veto).toBeUndefined(); // one child, a mistyped number that passes the check character
      for (const o of [{ guardianName: undefined, guardianPhone: undefined, school: undefined }, { name: '格桑卓玛' }, { sex: '男' }]) {
        const s = scorer.score(rec({}), rec({ agency: 'education', externalId: 'B', idNumber: other, ...o }));
        expect(s.veto).toBe('ID_CONFLICT');
        expect(scorer.decide(s)).not.toBe('auto');
      }
    });
  });
});
