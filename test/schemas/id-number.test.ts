import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { birthDateOf, checkCharacter, normaliseIdNumber } from '../../schemas/id-number';

const validDate = fc
  .date({ min: new Date('1950-01-01'), max: new Date('2025-12-31'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10).replaceAll('-', ''));
const validIdNumber = fc.tuple(fc.integer({ min: 110000, max: 659999 }), validDate, fc.integer({ min: 0, max: 999 })).map(([region, date, seq]) => {
  const first17 = `${region}${date}${String(seq).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
});

describe('identity numbers (GB 11643)', () => {
  it('accepts the standard example and upper-cases x', () => {
    // Prepare / Act
    const result = normaliseIdNumber(' 11010519491231002x ');
    // Assess
    expect(result).toEqual({ ok: true, value: '11010519491231002X', legacy: false });
  });

  it('rejects a wrong check character', () => {
    expect(normaliseIdNumber('110105194912310021')).toEqual({ ok: false, problem: 'CHECK_DIGIT' });
  });

  it('rejects an impossible birth date and a bad format', () => {
    expect(normaliseIdNumber('110105194902300021')).toEqual({ ok: false, problem: 'BIRTH_DATE' });
    expect(normaliseIdNumber('11010519491231')).toEqual({ ok: false, problem: 'FORMAT' });
    expect(normaliseIdNumber('1101051949123100AX')).toEqual({ ok: false, problem: 'FORMAT' });
  });

  it('normalises a legacy 15-digit number to 18 digits with the century 19', () => {
    const result = normaliseIdNumber('110105491231002');
    expect(result).toEqual({ ok: true, value: '11010519491231002X', legacy: true });
  });

  it('accepts every number whose check character is computed (property)', () => {
    fc.assert(
      fc.property(validIdNumber, (id) => {
        const result = normaliseIdNumber(id);
        return result.ok && result.value === id && birthDateOf(id).replaceAll('-', '') === id.slice(6, 14);
      }),
    );
  });

  it('detects any single changed digit (property)', () => {
    fc.assert(
      fc.property(validIdNumber, fc.integer({ min: 0, max: 16 }), fc.integer({ min: 1, max: 9 }), (id, pos, delta) => {
        const digit = (Number(id[pos]) + delta) % 10;
        const changed = id.slice(0, pos) + digit + id.slice(pos + 1);
        const result = normaliseIdNumber(changed);
        return !result.ok;
      }),
    );
  });
});
