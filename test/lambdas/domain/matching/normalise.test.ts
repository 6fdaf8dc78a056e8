import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseId, normaliseName, normalisePhone, parseDate } from '../../../../lambdas/domain/matching/normalise';
import { checkCharacter } from '../../../../schemas/id-number';

const isoDate = fc.date({ min: new Date('1990-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));

describe('name normalisation', () => {
  it('folds traditional characters, full-width letters, spaces and middle dots', () => {
    expect(normaliseName('扎西 · 卓瑪')).toEqual({
      text: '扎西卓玛',
      pinyin: 'zhaxizhuoma',
      first: 'zha',
      syllables: ['zha', 'xi', 'zhuo', 'ma'],
      han: true,
      tibetan: ['扎西', '卓玛'],
    });
  });

  it('gives every transcription of a Tibetan name the canonical parts: other characters, homophones, Latin spellings', () => {
    const canonical = normaliseName('扎西卓玛')!;
    for (const variant of ['扎喜卓嘛', '札西卓马', 'Tashi Dolma', 'TASHI DROLMA', 'tashidolma', 'Zhaxi Zhuoma', '扎溪卓玛']) {
      const n = normaliseName(variant)!;
      expect(n.tibetan).toEqual(['扎西', '卓玛']);
      expect(n.pinyin).toBe(canonical.pinyin);
    }
    // Names that sound close are other names: 卓嘎 (sgrol dkar) is not 卓玛 (sgrol ma), 次珍 not 次仁.
    expect(normaliseName('扎西卓嘎')!.tibetan).toEqual(['扎西', '卓嘎']);
    expect(normaliseName('Tsedron')!.tibetan).toEqual(['次珍']);
    expect(normaliseName('Tsering')!.tibetan).toEqual(['次仁']);
    // A Han name is not read as Tibetan; a Latin Han name keeps the other word order too.
    expect(normaliseName('王子涵')!.tibetan).toBeUndefined();
    expect(normaliseName('Zihan Zhang')).toMatchObject({ pinyin: 'zihanzhang', reversed: 'zhangzihan' });
    expect(normaliseName('張偉')?.text).toBe('张伟');
    expect(normaliseName('ＷＡＮＧ　ＷＥＩ')?.text).toBe('WANGWEI');
    expect(normaliseName('阿依古丽・买买提')?.text).toBe('阿依古丽买买提');
  });

  it('gives homophones and transliteration variants the same toneless pinyin', () => {
    expect(normaliseName('旦增')?.pinyin).toBe(normaliseName('丹增')?.pinyin);
    expect(normaliseName('张伟')?.pinyin).toBe(normaliseName('张玮')?.pinyin);
  });

  it('is idempotent (property)', () => {
    const hanName = fc.string({ unit: fc.constantFrom(...'扎西卓玛次仁旦增張偉王李刘陈·　 '.split('')), minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(hanName, (raw) => {
        const once = normaliseName(raw);
        if (!once) return true;
        const twice = normaliseName(once.text);
        return twice?.text === once.text && twice.pinyin === once.pinyin;
      }),
      { numRuns: 500 },
    );
  });

  it('treats empty and separator-only names as missing', () => {
    expect(normaliseName('')).toBeUndefined();
    expect(normaliseName(' · ')).toBeUndefined();
  });
});

describe('dates', () => {
  it('reads every accepted format of the same date the same way (property)', () => {
    fc.assert(
      fc.property(isoDate, (iso) => {
        const [y, m, d] = iso.split('-');
        const forms = [iso, `${y}/${Number(m)}/${Number(d)}`, `${y}${m}${d}`, `${y}年${Number(m)}月${Number(d)}日`, `${y}-${Number(m)}-${Number(d)}`];
        return forms.every((f) => parseDate(f) === iso);
      }),
    );
  });

  it('reads the other formats lists carry: times, Chinese numerals, spreadsheet day numbers, D/M/YYYY when only one reading is a date', () => {
    expect(parseDate('2013-05-13 00:00:00')).toBe('2013-05-13');
    expect(parseDate('二〇一三年五月十三日')).toBe('2013-05-13');
    expect(parseDate('2013年5月13号')).toBe('2013-05-13');
    expect(parseDate('41407')).toBe('2013-05-13');
    expect(parseDate('13/05/2013')).toBe('2013-05-13');
    expect(parseDate('5/13/2013')).toBe('2013-05-13');
  });

  it('refuses impossible and unknown dates', () => {
    expect(parseDate('2013-02-30')).toBeUndefined();
    expect(parseDate('05/06/2013')).toBeUndefined(); // 5 June or 6 May: not guessed
    expect(parseDate('2013年5月')).toBeUndefined();
    expect(parseDate('二〇一三年')).toBeUndefined();
  });
});

describe('identity numbers and phones', () => {
  it('keeps a mistyped 18-character number as invalid, and converts legacy numbers', () => {
    const first17 = '54010220130504002';
    const valid = first17 + checkCharacter(first17);
    expect(normaliseId(valid)).toEqual({ value: valid, valid: true });
    expect(normaliseId(`${first17}${checkCharacter(first17) === '1' ? '2' : '1'}`)).toMatchObject({ valid: false });
    expect(normaliseId('110105491231002')).toEqual({ value: '11010519491231002X', valid: true });
    expect(normaliseId('12345')).toBeUndefined();
  });

  it('strips separators and the country code from phones', () => {
    expect(normalisePhone('+86 138-0013-8000')).toBe('13800138000');
    expect(normalisePhone('0891-6321234')).toBe('08916321234');
    expect(normalisePhone('12')).toBeUndefined();
  });
});
