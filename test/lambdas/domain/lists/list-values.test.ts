/** Value spellings: every default synonym, its noisy forms, the province's own, and what is not understood. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIST_SYNONYMS, LIST_VALUE_CODES, LIST_VALUE_FIELDS, listSynonymsConfig, spellingKey } from '../../../../schemas/list-synonyms';
import { provinceConfig } from '../../../../schemas/province-config';
import { ListValueMaps } from '../../../../lambdas/domain/lists/list-values';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const maps = new ListValueMaps();

/** Full-width form of ASCII letters and digits (what a Chinese input method types). */
const fullWidth = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

const every = LIST_VALUE_FIELDS.flatMap((field) => Object.entries(DEFAULT_LIST_SYNONYMS[field]).map(([spelling, code]) => [field, spelling, code] as const));

describe('default synonym tables', () => {
  it('cover the spellings the issue names', () => {
    const cat = (s: string) => maps.map('categories', s);
    expect(cat('低保')).toEqual({ code: 'low_income_family' });
    expect(cat('低保户')).toEqual({ code: 'low_income_family' });
    expect(cat('特困')).toEqual({ code: 'low_income_family' });
    expect(cat('残疾儿童')).toEqual({ code: 'serious_illness_or_disability' });
    expect(cat('困境儿童')).toEqual({ code: null });
    expect(cat('LIF')).toEqual({ code: 'low_income_family' });
  });

  it.each(every)('%s: %s maps as given, with spaces around, in upper and full-width form', (field, spelling, code) => {
    for (const form of [spelling, ` ${spelling}  `, `${spelling}\u3000`, spelling.toUpperCase(), fullWidth(spelling)]) {
      expect(maps.map(field, form)).toEqual({ code });
    }
  });

  it.each(LIST_VALUE_FIELDS.flatMap((f) => LIST_VALUE_CODES[f].map((c) => [f, c] as const)))('%s: the code %s maps to itself, with - for _', (field, code) => {
    expect(maps.map(field, code)).toEqual({ code });
    expect(maps.map(field, code.replaceAll('_', '-'))).toEqual({ code });
  });

  it('every default maps to a code of its own field', () => {
    for (const [field, , code] of every) if (code !== null) expect(LIST_VALUE_CODES[field] as readonly string[]).toContain(code);
  });
});

describe('category cells', () => {
  it.each([
    ['留守儿童;孤儿', ['left_behind', 'orphan']],
    ['留守儿童；低保户', ['left_behind', 'low_income_family']],
    ['孤儿/残疾', ['orphan', 'serious_illness_or_disability']],
    ['流动、单亲', ['migrant', 'single_parent_family']],
    ['留守 流动', ['left_behind', 'migrant']],
    ['困境儿童', []],
    ['LIF, LBC', ['low_income_family', 'left_behind']],
  ])('%s -> %j', (cell, codes) => {
    expect(maps.categories(cell)).toEqual({ codes, unknown: [] });
  });

  it('keeps the parts it knows and reports the others', () => {
    expect(maps.categories('留守儿童;星星的孩子')).toEqual({ codes: ['left_behind'], unknown: ['星星的孩子'] });
  });
});

describe('spellings not understood', () => {
  it('are reported as given (trimmed, bounded), never guessed', () => {
    expect(maps.map('sex', ' 不男不女 ')).toEqual({ unknown: '不男不女' });
    expect(maps.map('riskLevel', '三级')).toEqual({ unknown: '三级' });
    expect(maps.map('guardianRelation', 'x'.repeat(100))).toEqual({ unknown: 'x'.repeat(40) });
  });

  it('never throw, whatever the text', () => {
    fc.assert(
      fc.property(fc.constantFrom(...LIST_VALUE_FIELDS), fc.string(), (field, raw) => {
        const m = maps.map(field, raw);
        expect('code' in m || 'unknown' in m).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("a province's own spellings", () => {
  it('are added to the defaults and win over them', () => {
    const own = new ListValueMaps(listSynonymsConfig.parse({ categories: { Ｘ类: 'orphan', 低保: null }, sex: { 公: 'M' } }));
    expect(own.map('categories', 'x类')).toEqual({ code: 'orphan' });
    expect(own.map('categories', '低保')).toEqual({ code: null });
    expect(own.map('categories', '低保户')).toEqual({ code: 'low_income_family' });
    expect(own.map('sex', '公')).toEqual({ code: 'M' });
    expect(maps.map('sex', '公')).toEqual({ unknown: '公' });
  });

  it('are validated: a code the hub does not have is refused with its path', () => {
    const result = listSynonymsConfig.safeParse({ categories: { 低保: 'poor' } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['categories', '低保']);
  });

  it('come from the province config files', () => {
    const tibet = provinceConfig.parse(JSON.parse(readFileSync(join(import.meta.dirname, '../../../../config/provinces/540000.json'), 'utf8')));
    expect(new ListValueMaps(tibet.listSynonyms).map('guardianRelation', '阿妈')).toEqual({ code: 'mother' });
  });
});

describe('spellingKey', () => {
  it('folds width, spaces, case, trailing full stops and - / _ between letters', () => {
    expect(spellingKey(' Ｌｅｆｔ＿Ｂｅｈｉｎｄ。')).toBe(spellingKey('left behind'));
    expect(spellingKey('低保 户')).toBe('低保户');
  });

  it('gives plain spellings (Latin letters, digits, CJK ideographs) the key of the general steps', () => {
    const general = (raw: string) =>
      raw
        .normalize('NFKC')
        .replace(/[\s\u200b\u3000]/g, '')
        .replace(/[。.．]+$/u, '')
        .toLowerCase()
        .replace(/(?<=[a-z0-9])[-_](?=[a-z0-9])/g, '');
    const chars = fc.oneof(
      fc.constantFrom('A', 'z', '0', '9', '一', '龥', '\u9fff', '留', '守', '-', '_', ' ', '。', 'Ｌ', '\uf900', '\u3000', '.'),
      fc.integer({ min: 0x4e00, max: 0x9fff }).map((c) => String.fromCharCode(c)),
    );
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 8 }), (parts) => {
        const raw = parts.join('');
        expect(spellingKey(raw)).toBe(general(raw));
      }),
      { numRuns: 2000 },
    );
  });
});
