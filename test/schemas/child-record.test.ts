import { describe, expect, it } from 'vitest';
import { childRecordV1 } from '../../schemas/child-record';
import { parseWith } from '../../lambdas/http/validate';
import { ValidationError } from '../../lambdas/shared/errors';
import { sampleRecord } from '../support/records';

function detailsOf(input: unknown) {
  try {
    parseWith(childRecordV1, input);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).details;
  }
  throw new Error('expected a validation error');
}

describe('child record v1', () => {
  it('accepts a complete record and keeps it unchanged', () => {
    const input = sampleRecord();
    const parsed = childRecordV1.parse(input);
    expect(parsed).toEqual(input);
  });

  it('names the path of every unknown field, nested ones included', () => {
    const details = detailsOf(sampleRecord({ nickname: 'x', guardian: { name: '次仁', relation: 'father', wechat: 'y' } }));
    expect(details).toEqual(
      expect.arrayContaining([
        { path: 'nickname', message: 'unknown field', message_zh: '未知字段' },
        { path: 'guardian.wechat', message: 'unknown field', message_zh: '未知字段' },
      ]),
    );
  });

  it('rejects an identity number with a wrong check digit, naming the field', () => {
    const details = detailsOf(sampleRecord({ idNumber: '540102201305040021' }));
    expect(details).toEqual([{ path: 'idNumber', message: 'identity number check digit is wrong (GB 11643)', message_zh: '身份证号码校验位错误（GB 11643）' }]);
  });

  it('normalises a legacy 15-digit identity number to 18', () => {
    const parsed = childRecordV1.parse(sampleRecord({ idNumber: '110105491231002' }));
    expect(parsed.idNumber).toBe('11010519491231002X');
  });

  it('rejects bad region codes, future birth dates and unknown categories', () => {
    const details = detailsOf(sampleRecord({ currentRegion: '54010', birthDate: '2999-01-01', categories: ['rich'] }));
    expect(details?.map((d) => d.path).sort()).toEqual(['birthDate', 'categories.0', 'currentRegion']);
  });

  it('does not mutate its input', () => {
    const input = sampleRecord({ idNumber: '110105491231002' });
    const copy = structuredClone(input);
    childRecordV1.parse(input);
    expect(input).toEqual(copy);
  });

  it('ignores a __proto__ key instead of polluting prototypes', () => {
    const input = JSON.parse(JSON.stringify(sampleRecord()).replace('{', '{"__proto__":{"polluted":true},'));
    const result = childRecordV1.safeParse(input);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    if (result.success) expect(Object.getPrototypeOf(result.data)).toBe(Object.prototype);
  });
});
