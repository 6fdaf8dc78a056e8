import { describe, expect, it } from 'vitest';
import { ID, NAME, type Veto } from '../../../../lambdas/domain/matching/compare';
import { DEFAULT_MODEL } from '../../../../lambdas/domain/matching/default-model';
import { toMatchRecord } from '../../../../lambdas/domain/matching/match-record';
import { Scorer } from '../../../../lambdas/domain/matching/scorer';
import { idNumberFor, MATCH_CHILD } from '../../../support/records';
import {
  type CaseCandidate,
  clustersCompatible,
  DEFAULT_LINK_POLICY,
  decideCaseLink,
  idAgreementUncontradicted,
  isAmbiguous,
  pairVerdict,
  reviewWhy,
} from '../../../../lambdas/domain/matching/link-policy';

const thresholds = { upper: 20, lower: 12 };

describe('link policy', () => {
  const cases: [string, number, Veto | undefined, ReturnType<typeof pairVerdict>][] = [
    ['nothing below the lower threshold', 11.9, undefined, { kind: 'none' }],
    ['nothing for twins, even far above the upper threshold', 40, 'NAME_CONFLICT', { kind: 'none' }],
    ['nothing for twins in the review band', 15, 'NAME_CONFLICT', { kind: 'none' }],
    ['nothing for two valid different ID numbers', 30, 'ID_CONFLICT', { kind: 'none' }],
    ['review in the band', 15, undefined, { kind: 'review', reason: 'BAND' }],
    ['nothing in the band for thin evidence', 15, 'WEAK_EVIDENCE', { kind: 'none' }],
    ['review above the upper threshold with a reviewable veto', 25, 'BIRTHDATE_CONFLICT', { kind: 'review', reason: 'VETO' }],
    ['a link at the upper threshold without a veto', 20, undefined, { kind: 'link' }],
    ['nothing in the band for a contradicted birth date', 15, 'BIRTHDATE_CONFLICT', { kind: 'none' }],
    ['nothing in the band for a doubtful name (a twin as likely as a typo)', 15, 'NAME_DOUBT', { kind: 'none' }],
    ['review above the upper threshold for a doubtful name', 25, 'NAME_DOUBT', { kind: 'review', reason: 'VETO' }],
  ];
  for (const [name, weight, veto, expected] of cases) {
    it(`gives ${name}`, () => {
      expect(pairVerdict(veto ? { weight, veto } : { weight }, thresholds)).toEqual(expected);
    });
  }

  describe('a valid ID number agreeing', () => {
    // name, birthDate, idNumber, sex, region, guardianName, guardianPhone, school
    const levels = (o: Partial<Record<'name' | 'date' | 'sex', number>>) => [o.name ?? NAME.exact, o.date ?? 0, ID.exact, o.sex ?? 0, 3, 3, 2, 2];
    it.each([
      ['a transliterated name and nothing else', levels({ name: NAME.sound })],
      ['a hotline fragment of the name', levels({ name: NAME.part })],
      ['a one-character typo in the name', levels({ name: NAME.close })],
      ['day and month swapped', levels({ date: 1 })],
      ['one digit of the date off', levels({ date: 2 })],
      ['no birth date and no sex', levels({ date: 4, sex: 2 })],
    ])('links with %s, whatever the weight, never reviewed', (_what, lv) => {
      expect(idAgreementUncontradicted(lv)).toBe(true);
      expect(pairVerdict({ weight: 3, levels: lv }, thresholds)).toEqual({ kind: 'link' });
    });
    it.each([
      ['a different sex', levels({ sex: 1 })],
      ['a birth date more than a typo apart', levels({ date: 3 })],
      ['an entirely different name (a sibling’s number copied)', levels({ name: NAME.different })],
    ])('does not link on its own with %s', (_what, lv) => {
      expect(idAgreementUncontradicted(lv)).toBe(false);
      expect(pairVerdict({ weight: 3, levels: lv }, thresholds)).toEqual({ kind: 'none' });
    });
  });

  it('says why a pair is in review, in Chinese then English, with the veto when there is one', () => {
    expect(reviewWhy('BAND')).toEqual({
      zh: '得分介于自动关联与不关联之间，且没有字段相互矛盾',
      en: 'the score is between the two thresholds and no field contradicts another',
    });
    expect(reviewWhy('VETO', 'NAME_DOUBT')).toEqual({
      zh: '得分足以关联，但有一项证据需要人工确认：姓名差一个读音不同的字：可能是笔误，也可能是双胞胎',
      en: 'the score is enough to link, but one piece of evidence needs a person: the names differ by a character of another sound: a typo, or a twin',
    });
    for (const reason of ['BAND', 'VETO', 'CONFLICT', 'AMBIGUOUS', 'BRIDGE'] as const) expect(reviewWhy(reason).zh).not.toBe(reviewWhy(reason).en);
  });

  it('in the hub, joins the case holding the same valid ID number, without review, even when another case scores higher', () => {
    const scorer = new Scorer(DEFAULT_MODEL);
    const newcomer = toMatchRecord({ agency: 'youth_league', externalId: 'TW-1', name: '格桑', idNumber: MATCH_CHILD.idNumber });
    const byId = toMatchRecord({ agency: 'civil_affairs', externalId: 'MZ-1', ...MATCH_CHILD });
    // Another case: the same fragment, the guardian's phone and name, no ID number (a sibling, or the same child).
    const other = toMatchRecord({ agency: 'health', externalId: 'WJ-1', ...MATCH_CHILD, name: '格桑卓玛', idNumber: undefined });
    const candidates: CaseCandidate[] = [
      { recordId: 'r-id', caseId: 'case-id', view: byId, score: scorer.score(newcomer, byId) },
      { recordId: 'r-other', caseId: 'case-other', view: other, score: scorer.score(newcomer, other) },
    ];
    const members = (caseId: string) => (caseId === 'case-id' ? [byId] : [other]);
    const decision = decideCaseLink(newcomer, candidates, members, scorer);
    expect(decision).toMatchObject({ decision: 'auto', caseId: 'case-id' });
    expect(decision.review?.candidate.caseId).not.toBe('case-id');
    // With another sex the same number is contradicted: no automatic link to that case.
    const boy = toMatchRecord({ agency: 'youth_league', externalId: 'TW-2', name: '格桑', sex: 'M', idNumber: MATCH_CHILD.idNumber });
    const contradicted = decideCaseLink(boy, [{ recordId: 'r-id', caseId: 'case-id', view: byId, score: scorer.score(boy, byId) }], members, scorer);
    expect(contradicted.caseId).toBeUndefined();
  });

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

  describe('two clusters, seen together', () => {
    const scorer = new Scorer(DEFAULT_MODEL);
    let k = 0;
    const row = (agency: string, fields: Partial<Record<keyof typeof MATCH_CHILD, string | undefined>>) =>
      toMatchRecord({ agency, externalId: `X-${k++}`, ...MATCH_CHILD, idNumber: undefined, ...fields });
    const compatible = (a: ReturnType<typeof row>[], b: ReturnType<typeof row>[]) => clustersCompatible(a, b, (r) => r, scorer, DEFAULT_LINK_POLICY);

    it('are one child when two hotline fragments are both parts of a full name in them (格桑 and 曲珍 of 格桑曲珍)', () => {
      const full = row('civil_affairs', {});
      const head = row('youth_league', { name: '格桑' });
      const tail = row('womens_federation', { name: '曲珍' });
      expect(compatible([full, tail], [head])).toBe(true);
      // Without the full name, two different names are two children.
      expect(compatible([tail], [head])).toBe(false);
    });

    it('are two children when a fragment is all that joins two full names (扎西 of 扎西次仁 and 扎西顿珠: brothers)', () => {
      const brother = row('civil_affairs', { name: '扎西次仁' });
      const fragment = row('youth_league', { name: '扎西' });
      const other = row('health', { name: '扎西顿珠' });
      expect(compatible([brother, fragment], [other])).toBe(false);
    });

    it('are one child when two valid numbers are shown one child’s by a pair agreeing on everything else', () => {
      const number = idNumberFor('540221', '2012-08-14', 128);
      const typo = idNumberFor('540221', '2012-08-14', 135); // passes the check: a sequence digit and the check character differ
      const a = row('civil_affairs', { idNumber: typo });
      const b = row('health', { idNumber: number });
      // The same number as b, with another guardian and no phone or school: on its own it conflicts with a's number.
      const c = row('education', { idNumber: number, guardianName: '卓玛', guardianPhone: undefined, school: undefined });
      expect(compatible([a], [c])).toBe(false);
      expect(compatible([a], [b, c])).toBe(true);
      // A twin: the same family and birthday, another name and number: never one child.
      const twin = row('womens_federation', { name: '格桑卓玛', idNumber: typo });
      expect(compatible([twin], [b, c])).toBe(false);
    });

    it('are one child when two birth dates are each a typo from a third (one year off, one digit off)', () => {
      const right = row('civil_affairs', { birthDate: '2012-08-14' });
      const yearOff = row('youth_league', { birthDate: '2013-08-14', guardianPhone: undefined, school: undefined });
      const dayOff = row('health', { birthDate: '2012-08-24', guardianPhone: undefined, school: undefined });
      expect(compatible([dayOff], [yearOff])).toBe(false);
      expect(compatible([right, dayOff], [yearOff])).toBe(true);
      // Never a different sex.
      const boy = row('education', { birthDate: '2013-08-14', sex: 'M' });
      expect(compatible([right, dayOff], [boy])).toBe(false);
    });
  });
});
